from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from appointments.services.no_shows import mark_no_shows


class Command(BaseCommand):
    help = "Mark confirmed appointments whose start plus the grace period has passed as no_show (actor: system)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--grace",
            type=int,
            default=None,
            help="minutes after the start (default and minimum: NO_SHOW_GRACE_MINUTES)",
        )

    def handle(self, *args, grace, **options):
        if grace is not None and grace < 0:
            raise CommandError("--grace must be 0 or more minutes.")
        moved = mark_no_shows(grace_minutes=grace, progress=lambda ids: tqdm(ids, desc="due", disable=None))
        self.stdout.write(f"{len(moved)} appointment(s) marked no_show" + (f": {moved}" if moved else ""))
