from django.core.management.base import BaseCommand

from notifications.services.dispatch import dispatch_due


class Command(BaseCommand):
    help = "Deliver due notifications: until none are due, or one batch with --once."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Claim and deliver a single batch.")
        parser.add_argument("--batch", type=int, default=None, help="Rows per claim (NOTIFICATIONS_BATCH_SIZE).")

    def handle(self, *args, **options):
        result = dispatch_due(batch=options["batch"], max_batches=1 if options["once"] else None)
        self.stdout.write(
            f"claimed {result.claimed}: sent {result.sent}, retrying {result.retrying}, failed {result.failed}, "
            f"skipped {result.skipped}"
        )
