"""Demo definitions for `manage.py seed_demo` (called through AppointmentsConfig.seed_demo)."""

from __future__ import annotations

from datetime import time

from appointments.enums import BookingType
from appointments.models import AppointmentDefinition, DefinitionLocation, DefinitionNormalHour
from directory.enums import DayOfWeek
from directory.models import Location

DEFINITIONS = [
    {"handle": "fitting", "name": "Fitting", "duration_minutes": 30, "booking_type": BookingType.INSTANT,
     "max_concurrent_bookings": 2, "max_advance_days": 60, "allow_waitlist": True},
    {"handle": "styling-consultation", "name": "Styling consultation", "duration_minutes": 60,
     "booking_type": BookingType.APPROVAL_REQUIRED, "requires_staff": True, "buffer_after_minutes": 15,
     "slot_interval_minutes": 30, "min_lead_minutes": 120},
    {"handle": "express-repairs", "name": "Express repairs", "duration_minutes": 15,
     "booking_type": BookingType.WALK_IN_ONLY, "allow_walk_in": True, "allow_queue": True,
     "allow_customer_booking": False},
]  # fmt: skip


def seed(stdout) -> None:
    """Create the demo definitions once, offered at every demo location on weekdays 09:00-17:00."""
    for fields in DEFINITIONS:
        definition, created = AppointmentDefinition.objects.get_or_create(
            handle=fields["handle"], defaults={**fields, "is_published": True}
        )
        if not created:
            continue
        for day in (DayOfWeek.MON, DayOfWeek.TUE, DayOfWeek.WED, DayOfWeek.THU, DayOfWeek.FRI):
            DefinitionNormalHour.objects.create(
                definition=definition, day_of_week=day, available_from=time(9), available_until=time(17)
            )
        for location in Location.objects.all():
            DefinitionLocation.objects.get_or_create(definition=definition, location=location)
    stdout.write(f"  {AppointmentDefinition.objects.count()} appointment definitions")
