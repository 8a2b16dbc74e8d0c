from __future__ import annotations

import csv
import json
import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from appointments.management.commands._options import date_range, iso_date, location_by_key
from appointments.selectors.reports import EXPORT_FIELDS, export_queryset, export_rows


class Command(BaseCommand):
    help = (
        "Export the appointments whose local start date is in [--from, --to] as CSV or JSON, with local times "
        "in each location's zone (ISO 8601 with the offset, and the zone's name) beside the UTC instants."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--from", dest="date_from", type=iso_date, required=True, metavar="YYYY-MM-DD", help="first local date"
        )
        parser.add_argument(
            "--to", dest="date_to", type=iso_date, required=True, metavar="YYYY-MM-DD", help="last local date"
        )
        parser.add_argument("--location", help="only this location (id or handle)")
        parser.add_argument("--format", choices=("csv", "json"), default="csv", help="csv (default) or json")
        parser.add_argument("--output", help="write to this file instead of standard output")

    def handle(self, *args, date_from, date_to, location, format, output, **options):
        date_range(date_from, date_to)
        location_id = location_by_key(location).pk if location else None
        queryset = export_queryset(date_from, date_to, location_id)
        rows = tqdm(export_rows(queryset, date_from, date_to), desc="appointments", unit="row", disable=None,
                    total=queryset.count(), file=sys.stderr)  # fmt: skip
        try:
            target = open(output, "w", newline="", encoding="utf-8") if output else None  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror}.") from exc
        stream = _Lines(target or self.stdout)
        try:
            count = _write(stream, rows, format)
        finally:
            if target is not None:
                target.close()
        if target is not None:
            self.stderr.write(f"{count} appointment(s) written to {output}")


def _write(stream, rows, format: str) -> int:
    count = 0
    if format == "csv":
        writer = csv.DictWriter(stream, fieldnames=EXPORT_FIELDS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
            count += 1
        return count
    stream.write("[")
    for row in rows:
        stream.write(("," if count else "") + "\n  " + json.dumps(row, ensure_ascii=False))
        count += 1
    stream.write("\n]\n" if count else "]\n")
    return count


class _Lines:
    """Django's OutputWrapper adds a newline to anything that lacks one; csv writes whole lines, so pass them on
    with `ending=""` there, and plainly to a file."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, text: str) -> None:
        if hasattr(self.stream, "ending"):
            self.stream.write(text, ending="")
        else:
            self.stream.write(text)
