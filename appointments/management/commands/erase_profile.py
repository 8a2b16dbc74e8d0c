from django.core.management.base import BaseCommand, CommandError

from appointments.management.commands._options import command_actor
from appointments.services.privacy import profile_erase, profile_erase_preview
from core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Erase a person's personal data (names, email, phone, attributes, free-text answers, notes, tokens) and keep "
        "their appointments, visits and ratings anonymised for reports (docs/privacy.md). Shows what it will erase "
        "and asks for confirmation unless --no-input is given; --dry-run only shows it. Audited; safe to repeat."
    )

    def add_arguments(self, parser):
        parser.add_argument("profile_id", help="the profile's UUID")
        parser.add_argument("--actor", default="", help="who asked, for the audit record (default: cli:<login>)")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive",
                            help="erase without asking for confirmation")  # fmt: skip
        parser.add_argument("--dry-run", action="store_true", help="show what would be erased; change nothing")

    def handle(self, *args, profile_id, actor, interactive, dry_run, **options):
        try:
            if dry_run or interactive:
                preview = _figures(profile_erase_preview(profile_id))
                self.stdout.write(f"Would erase profile {profile_id}: {preview}")
                if dry_run:
                    self.stdout.write("Dry run: nothing was erased.")
                    return
                answer = input("This cannot be undone. Type 'yes' to erase, or anything else to cancel: ")
                if answer.strip().lower() != "yes":
                    self.stdout.write("Erasure cancelled: nothing was erased.")
                    return
            summary = profile_erase(profile_id, actor=command_actor(actor))
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Erased profile {profile_id}: {_figures(summary)}")


def _figures(summary: dict[str, int]) -> str:
    return ", ".join(f"{name} {value}" for name, value in summary.items())
