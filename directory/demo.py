"""The demo directory for `manage.py seed_demo`: locations in three time zones, staff and customers.

Idempotent: rows found by their handle or email are left as they are, except that every demo profile carries
`attributes.role` ("staff" or "customer") so that the admin, the API and the printout tell them apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from django.db import transaction

from directory.enums import AssignmentType, DayOfWeek
from directory.models import Location, LocationNormalHour, Profile, ProfileNormalHour, StaffAssignment

WEEKDAYS = [DayOfWeek.MON, DayOfWeek.TUE, DayOfWeek.WED, DayOfWeek.THU, DayOfWeek.FRI]
STAFF_ROLE = "staff"
CUSTOMER_ROLE = "customer"

LOCATIONS = [
    ("melbourne-cbd", "Melbourne CBD", "Australia/Melbourne", "+61 3 9000 0000"),
    ("new-york-soho", "New York SoHo", "America/New_York", "+1 212 555 0100"),
    ("london-covent-garden", "London Covent Garden", "Europe/London", "+44 20 7946 0000"),
]

STAFF = [
    ("Ava", "Nguyen", "ava.nguyen@example.com", "melbourne-cbd", time(9), time(17)),
    ("Liam", "Smith", "liam.smith@example.com", "melbourne-cbd", time(12), time(20)),
    ("Mia", "Garcia", "mia.garcia@example.com", "new-york-soho", time(10), time(18)),
    ("Noah", "Brown", "noah.brown@example.com", "london-covent-garden", time(9), time(17)),
]

CUSTOMERS = [
    ("Olivia", "Jones", "olivia.jones@example.com"),
    ("Ethan", "Wilson", "ethan.wilson@example.com"),
    ("Zoe", "Taylor", "zoe.taylor@example.com"),
]


@dataclass(frozen=True)
class DemoPeople:
    staff: list[tuple[Profile, Location]]
    customers: list[Profile]


def _with_role(profile: Profile, role: str) -> Profile:
    if profile.attributes.get("role") != role:
        profile.attributes = {**profile.attributes, "role": role}
        profile.save(update_fields=["attributes", "updated_at"])
    return profile


@transaction.atomic
def seed_directory() -> DemoPeople:
    """Create the demo locations (open Mon-Fri 08:00-20:00, Sat 08:00-17:00 local), staff and customers once."""
    locations = {}
    for handle, name, tz, phone in LOCATIONS:
        location, created = Location.objects.get_or_create(
            handle=handle, defaults={"name": name, "timezone": tz, "phone": phone, "is_published": True}
        )
        locations[handle] = location
        if created:
            for day in [*WEEKDAYS, DayOfWeek.SAT]:
                close = time(17) if day == DayOfWeek.SAT else time(20)
                LocationNormalHour.objects.create(location=location, day_of_week=day, open_at=time(8), close_at=close)
    staff_members = []
    for first, last, email, handle, start, end in STAFF:
        staff, created = Profile.objects.get_or_create(
            email=email, defaults={"first_name": first, "last_name": last, "attributes": {"role": STAFF_ROLE}}
        )
        if created:
            for day in WEEKDAYS:
                ProfileNormalHour.objects.create(
                    profile=staff, day_of_week=day, available_from=start, available_until=end
                )
            StaffAssignment.objects.create(
                location=locations[handle], profile=staff, assignment_type=AssignmentType.STAFF, is_default=True
            )
        staff_members.append((_with_role(staff, STAFF_ROLE), locations[handle]))
    customers = []
    for first, last, email in CUSTOMERS:
        customer, _ = Profile.objects.get_or_create(
            email=email, defaults={"first_name": first, "last_name": last, "attributes": {"role": CUSTOMER_ROLE}}
        )
        customers.append(_with_role(customer, CUSTOMER_ROLE))
    return DemoPeople(staff=staff_members, customers=customers)
