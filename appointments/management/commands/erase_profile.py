from django.core.management.base import BaseCommand, CommandError

from appointments.management.commands._options import command_actor
from appointments.services.privacy import profile_erase
from config.errors import DomainError


class Command(BaseCommand):
    help = (
        "Erase a person's personal data (names, email, phone, attributes, free-text answers, notes, tokens) and keep "
        "their appointments, visits and ratings anonymised for reports (docs/privacy.md). Audited; safe to repeat."
    )

    def add_arguments(self, parser):
        parser.add_argument("profile_id", help="the profile's UUID")
        parser.add_argument("--actor", default="", help="who asked, for the audit record (default: cli:<login>)")

    def handle(self, *args, profile_id, actor, **options):
        try:
            summary = profile_erase(profile_id, actor=command_actor(actor))
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        figures = ", ".join(f"{name} {value}" for name, value in summary.items())
        self.stdout.write(f"Erased profile {profile_id}: {figures}")
