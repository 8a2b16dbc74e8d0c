from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from appointments.management.commands._options import date_range, iso_date
from appointments.selectors.reports import capacity_audit
from directory.models import Profile


class Command(BaseCommand):
    help = (
        "Check that no pooled slot holds more appointments than its capacity and no staff member holds two "
        "overlapping appointments (holding statuses: requested, confirmed, arrived). Prints every problem and "
        "exits 1 when there is one."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", type=iso_date, metavar="YYYY-MM-DD", help="first local date")
        parser.add_argument("--to", dest="date_to", type=iso_date, metavar="YYYY-MM-DD", help="last local date")

    def handle(self, *args, date_from, date_to, **options):
        date_range(date_from, date_to)
        audit = capacity_audit(date_from, date_to, progress=lambda items: tqdm(items, desc="groups", disable=None))
        for over in audit.overbookings:
            ids = ", ".join(f"#{pk}" for pk in over.appointment_ids)
            self.stdout.write(
                f"Overbooked: {over.definition} at {over.location}, {_local(over.at, over.tz)}: "
                f"{over.holding} holding for capacity {over.capacity} ({ids})"
            )
        names = dict(Profile.objects.filter(pk__in=[c.staff_id for c in audit.clashes]).values_list("id", "email"))
        for clash in audit.clashes:
            first, second = clash.appointment_ids
            self.stdout.write(
                f"Staff double booking: {names.get(clash.staff_id, clash.staff_id)}, {_local(clash.at, clash.tz)}: "
                f"#{first} and #{second} overlap"
            )
        if audit.problems:
            raise CommandError(
                f"{len(audit.overbookings)} overbooked slot(s) and {len(audit.clashes)} staff double booking(s) "
                f"among {audit.checked} holding appointment(s)."
            )
        self.stdout.write(
            f"OK: no overbooked slot or staff double booking among {audit.checked} holding appointment(s)."
        )


def _local(at, tz) -> str:
    return f"{at.astimezone(tz):%Y-%m-%d %H:%M %Z} ({tz.key})"
