from django.core.management.base import BaseCommand, CommandError

from notifications.models import Target
from notifications.services.dispatch import target_send_test


class Command(BaseCommand):
    help = "Send a sample notification to a target (by id or handle) now and print the outcome."

    def add_arguments(self, parser):
        parser.add_argument("target", help="The target's id or handle.")

    def handle(self, *args, **options):
        ref = options["target"]
        target = Target.objects.filter(**({"pk": int(ref)} if ref.isdigit() else {"handle": ref})).first()
        if target is None:
            raise CommandError(f"No target {ref!r}.")
        row = target_send_test(target)
        self.stdout.write(f"{target.name}: {row.status}" + (f" ({row.last_error})" if row.last_error else ""))
        if row.status != "sent":
            raise CommandError(f"The test notification was not sent: {row.status}.")
