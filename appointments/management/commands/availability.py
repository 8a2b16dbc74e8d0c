from __future__ import annotations

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from appointments import selectors
from appointments.models import AppointmentDefinition
from core.errors import DomainError
from directory.models import Location


def _find(model, key: str, field: str = "handle"):
    lookup = {"pk": int(key)} if key.isdigit() else {field: key}
    found = model.objects.filter(**lookup).first()
    if found is None:
        raise CommandError(f"No {model._meta.verbose_name} '{key}' (give an id or a handle).")
    return found


class Command(BaseCommand):
    help = "Print the bookable slots of a definition at a location, one local date after another."

    def add_arguments(self, parser):
        parser.add_argument("definition", help="definition id or handle")
        parser.add_argument("location", help="location id or handle")
        parser.add_argument("date", type=date.fromisoformat, help="first local date, YYYY-MM-DD")
        parser.add_argument("--days", type=int, default=1, help="how many days (at most 31)")
        parser.add_argument("--staff", default=None, help="a staff member's profile UUID")

    def handle(self, *args, definition, location, date, days, staff, **options):
        definition = _find(AppointmentDefinition, definition)
        location = _find(Location, location)
        if not 1 <= days <= selectors.MAX_RANGE_DAYS:
            raise CommandError(f"--days must be between 1 and {selectors.MAX_RANGE_DAYS}.")
        try:
            loaded, slots = selectors.range_slots(
                definition, location.pk, date, date + timedelta(days=days - 1), staff_id=staff, now=timezone.now()
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        tz = loaded.location.timezone
        self.stdout.write(f"{definition.name} at {location.name} ({tz.key})" + (f", staff {staff}" if staff else ""))
        if not slots:
            self.stdout.write("No slots: closed or fully booked.")
            return
        self.stdout.write(f"{'date':<12}{'local':<8}{'UTC start':<22}{'capacity':>8}")
        for slot in slots:
            self.stdout.write(
                f"{slot.date.isoformat():<12}{slot.local_start:%H:%M}   {slot.start:%Y-%m-%d %H:%M}Z    "
                f"{slot.capacity_remaining:>8}"
            )
        self.stdout.write(f"{len(slots)} slot{'' if len(slots) == 1 else 's'}")
