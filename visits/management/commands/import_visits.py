"""manage.py import_visits FILE.csv [--dry-run]: door-counter or POS exports into visits (see visits.services.imports)."""

from __future__ import annotations

import csv

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from visits.services.imports import visits_import


class Command(BaseCommand):
    help = (
        "Import visits from a CSV with columns location (handle), visited_at (local 'YYYY-MM-DD HH:MM:SS'), "
        "profile_id or count, and optionally external_id, type, tags (';'-separated), notes. Re-running the same "
        "file creates nothing new; bad rows are reported and skipped, and then the command exits 1 (the good rows "
        "are imported)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Check and count, write nothing.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar (for logs).")

    def handle(self, *args, file: str, dry_run: bool, no_progress: bool, **options):
        try:
            with open(file, newline="", encoding="utf-8-sig") as handle:
                total = max(sum(1 for _ in handle) - 1, 0)
                handle.seek(0)
                reader = csv.DictReader(handle)
                missing = {"location", "visited_at"} - set(reader.fieldnames or ())
                if missing:
                    raise CommandError(f"The file has no column {', '.join(sorted(missing))}.")
                with tqdm(total=total, unit="row", disable=no_progress, file=self.stderr) as bar:
                    report = visits_import(reader, dry_run=dry_run, progress=lambda: bar.update(1))
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        verb = "would create" if dry_run else "created"
        self.stdout.write(
            f"{report.rows} rows: {verb} {report.created} visits, {report.already_imported} already imported, "
            f"{len(report.rejected)} rows rejected."
        )
        for line, reason in report.rejected:
            self.stdout.write(f"  line {line}: {reason}")
        if report.rejected:
            # Like audit_capacity and route_answers: a scheduled import must not look clean when rows were dropped.
            kept = "would be imported" if dry_run else "were imported"
            raise CommandError(f"{len(report.rejected)} of {report.rows} rows rejected; the other rows {kept}.")
