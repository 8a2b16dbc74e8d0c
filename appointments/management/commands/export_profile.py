import json
import os

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from appointments.management.commands._options import command_actor
from appointments.services.privacy import profile_export
from core.errors import DomainError


class Command(BaseCommand):
    help = "Write everything held about a person as JSON, to stdout or --output FILE (docs/privacy.md). Audited."

    def add_arguments(self, parser):
        parser.add_argument("profile_id", help="the profile's UUID")
        parser.add_argument("--output", "-o", default="", help="write to this file (mode 0600) instead of stdout")
        parser.add_argument("--actor", default="", help="who asked, for the audit record (default: cli:<login>)")

    def handle(self, *args, profile_id, output, actor, **options):
        try:
            # The audit record commits only once the export is written out.
            with transaction.atomic():
                text = json.dumps(profile_export(profile_id, actor=command_actor(actor)), indent=2, ensure_ascii=False)
                if output:
                    self._write(output, text)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if output:
            self.stderr.write(f"Wrote the export of profile {profile_id} to {output}")
        else:
            self.stdout.write(text)

    def _write(self, path: str, text: str) -> None:
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
        except OSError as exc:
            raise CommandError(f"Cannot write {path}: {exc.strerror}.") from exc
