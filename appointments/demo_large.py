"""A year of realistic demo appointments for `seed_demo --size large` (AppointmentsConfig.seed_demo_large).

The rows carry their lifecycle timestamps but no history events (the audit trail is for real changes; the demo rows
are marked instead). Runs after the small demo (locations in Melbourne, New York and London, staff, definitions). It adds staff and
customers, one more pooled definition, and about eleven months of history plus a month ahead at every demo
location, in each location's own time zone, written with bulk_create. The data obeys the booking rules: pooled
definitions never hold more than their capacity at once, a staff member never holds two overlapping appointments
(PostgreSQL's exclusion constraint would refuse it), and appointments already in the database count against both.
Statuses follow time: past appointments are completed, no-shows, cancelled or rejected, the one in progress has
arrived, future ones are confirmed, requested (approval-required definitions) or cancelled. Loads once: a second
run finds the rows it marked (`meta.demo = "large"`) and does nothing.
"""

from __future__ import annotations

import random
import time as clock
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from appointments.enums import HOLDING_STATUSES, AppointmentStatus, BookingType
from appointments.models import (
    Appointment,
    AppointmentDefinition,
    DefinitionLocation,
    DefinitionNormalHour,
)
from appointments.selectors.fastpath import schedule_changed
from directory.demo import CUSTOMER_ROLE, LOCATIONS, STAFF_ROLE, WEEKDAYS
from directory.enums import AssignmentType, DayOfWeek
from directory.models import Location, LocationNormalHour, Profile, ProfileNormalHour, StaffAssignment

MARK = "large"
DAYS_BEFORE = 335
DAYS_AFTER = 30
CUSTOMER_COUNT = 3000
BATCH = 2000
ACTOR = "seed_demo"
S = AppointmentStatus

EXTRA_STAFF = {  # three more staff per location, on different shifts (local time)
    "melbourne-cbd": [("Chloe", "Tran", 8, 16), ("Jack", "Wilson", 10, 18), ("Isla", "Patel", 9, 17)],
    "new-york-soho": [("Sofia", "Rivera", 8, 16), ("James", "Miller", 9, 17), ("Emma", "Davis", 11, 19)],
    "london-covent-garden": [("Amelia", "Clarke", 8, 16), ("Oliver", "Hughes", 10, 18), ("Grace", "Evans", 9, 17)],
}
ALTERATIONS = {"handle": "alterations", "name": "Alterations", "duration_minutes": 20, "max_concurrent_bookings": 3,
               "booking_type": BookingType.INSTANT, "max_advance_days": 60}  # fmt: skip
FIRST_NAMES = ["Aria", "Ben", "Cara", "Dev", "Elena", "Finn", "Gia", "Hugo", "Ines", "Jonah", "Kai", "Lena", "Marco",
               "Nina", "Omar", "Priya", "Quinn", "Rosa", "Sam", "Tara", "Uma", "Victor", "Wen", "Yara", "Zane"]  # fmt: skip
LAST_NAMES = ["Abbott", "Bianchi", "Chen", "Dubois", "Eriksen", "Fischer", "Gomez", "Hassan", "Ito", "Jensen",
              "Kowalski", "Lopez", "Murphy", "Novak", "Okafor", "Park", "Rossi", "Silva", "Tanaka", "Varga"]  # fmt: skip

# How busy a slot is: for pooled definitions the chance of each number of bookings, for staff the chance of a booking.
POOLED_FILL = {2: (0.35, 0.40, 0.25), 3: (0.35, 0.30, 0.20, 0.15), 1: (0.7, 0.3)}
STAFF_FILL = 0.7
APPROVAL_DELAY = timedelta(hours=3)


@dataclass(frozen=True)
class LargeDemo:
    appointments: int
    locations: int
    staff: int
    customers: int
    first_day: date
    last_day: date
    seconds: float


@dataclass(frozen=True)
class Opening:
    """Where and when one definition can be booked at one location on one weekday, in local wall times."""

    definition: AppointmentDefinition
    start: time
    end: time


def seed_large(
    stdout, *, now: datetime | None = None, days_before: int = DAYS_BEFORE, days_after: int = DAYS_AFTER,
    customers: int = CUSTOMER_COUNT, seed: int = 8, quiet: bool | None = None,
) -> LargeDemo | None:  # fmt: skip
    """Load the large demo once (see the module docstring); None when it is there already.

    `quiet` hides the progress bar (None: shown on a terminal only)."""
    if Appointment.objects.filter(meta__demo=MARK).exists():
        stdout.write("  Large demo appointments are loaded already: nothing to do.")
        return None
    began = clock.perf_counter()
    now = now or timezone.now()
    rng = random.Random(seed)
    with transaction.atomic():
        locations = list(Location.objects.filter(handle__in=[handle for handle, *_ in LOCATIONS]).order_by("id"))
        staff_count = _ensure_staff(locations)
        _ensure_alterations(locations)
        # The bulk writes above skip model signals: tell booking's schedule cache that staff and hours changed.
        schedule_changed()
        customer_ids = _ensure_customers(customers)
        today = now.date()
        first, last = today - timedelta(days=days_before), today + timedelta(days=days_after)
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        busy = _existing_occupancy(first, last)
        total = 0
        with tqdm(total=len(days) * len(locations), desc="appointments", unit="day", disable=quiet) as bar:
            for location in locations:
                generator = _LocationDays(location, now, rng, customer_ids, busy)
                rows = []
                for day in days:
                    rows.extend(generator.day(day))
                    bar.update()
                total += len(Appointment.objects.bulk_create(rows, batch_size=BATCH))
    result = LargeDemo(
        appointments=total, locations=len(locations), staff=staff_count,
        customers=len(customer_ids), first_day=first, last_day=last, seconds=clock.perf_counter() - began,
    )  # fmt: skip
    stdout.write(
        f"  Large demo: {result.appointments} appointments from {first} to {last} "
        f"at {result.locations} locations, {result.staff} staff, {result.customers} customers, "
        f"in {result.seconds:.1f}s"
    )
    return result


def _ensure_staff(locations: list[Location]) -> int:
    """The extra staff of EXTRA_STAFF, with Mon-Fri hours and a staff assignment, written in bulk; returns how many
    staff the demo locations have."""
    wanted = {
        f"{first.lower()}.{last.lower()}@example.com": (first, last, location, start, end)
        for location in locations
        for first, last, start, end in EXTRA_STAFF.get(location.handle, [])
    }
    existing = set(Profile.objects.filter(email__in=wanted).values_list("email", flat=True))
    new = {email: spec for email, spec in wanted.items() if email not in existing}
    profiles = Profile.objects.bulk_create(
        [Profile(first_name=f, last_name=la, email=email, attributes={"role": STAFF_ROLE}) for email, (f, la, *_) in
         new.items()]
    )  # fmt: skip
    hours, assignments = [], []
    for profile, (_, _, location, start, end) in zip(profiles, new.values(), strict=True):
        hours += [ProfileNormalHour(profile=profile, day_of_week=day, available_from=time(start),
                                    available_until=time(end)) for day in WEEKDAYS]  # fmt: skip
        assignments.append(StaffAssignment(location=location, profile=profile, assignment_type=AssignmentType.STAFF))
    ProfileNormalHour.objects.bulk_create(hours)
    StaffAssignment.objects.bulk_create(assignments)
    return StaffAssignment.objects.filter(location__in=locations, assignment_type=AssignmentType.STAFF).count()


def _ensure_alterations(locations: list[Location]) -> None:
    definition, created = AppointmentDefinition.objects.get_or_create(
        handle=ALTERATIONS["handle"], defaults={**ALTERATIONS, "is_published": True}
    )
    if created:
        DefinitionNormalHour.objects.bulk_create(
            [DefinitionNormalHour(definition=definition, day_of_week=day, available_from=time(9),
                                  available_until=time(17)) for day in WEEKDAYS]
        )  # fmt: skip
    linked = set(DefinitionLocation.objects.filter(definition=definition).values_list("location_id", flat=True))
    DefinitionLocation.objects.bulk_create(
        [DefinitionLocation(definition=definition, location=loc) for loc in locations if loc.pk not in linked]
    )


def _ensure_customers(count: int) -> list:
    existing = list(Profile.objects.filter(attributes__demo=MARK).values_list("id", flat=True))
    missing = count - len(existing)
    if missing > 0:
        start = len(existing)
        new = [
            Profile(
                first_name=FIRST_NAMES[n % len(FIRST_NAMES)],
                last_name=LAST_NAMES[(n // len(FIRST_NAMES)) % len(LAST_NAMES)],
                email=f"customer{n:05d}@example.com",
                attributes={"role": CUSTOMER_ROLE, "demo": MARK},
            )
            for n in range(start, start + missing)
        ]
        existing += [profile.pk for profile in Profile.objects.bulk_create(new, batch_size=BATCH)]
    return existing


def _existing_occupancy(first: date, last: date) -> dict:
    """Holding appointments already there, by staff member and by (definition, location): they count too."""
    busy: dict = defaultdict(list)
    rows = Appointment.objects.filter(
        status__in=HOLDING_STATUSES,
        occupancy_end__gt=datetime.combine(first - timedelta(days=1), time(), tzinfo=UTC),
        occupancy_start__lt=datetime.combine(last + timedelta(days=2), time(), tzinfo=UTC),
    ).values_list("assigned_staff_id", "definition_id", "location_id", "occupancy_start", "occupancy_end")
    for staff_id, definition_id, location_id, begin, end in rows:
        busy[("staff", staff_id) if staff_id else ("pool", definition_id, location_id)].append((begin, end))
    return busy


def _window(rows, day: DayOfWeek, start_field: str, end_field: str) -> tuple[time, time] | None:
    found = [(getattr(row, start_field), getattr(row, end_field)) for row in rows if row.day_of_week == day]
    return found[0] if found else None


def _overlap(a: tuple[time, time] | None, b: tuple[time, time] | None) -> tuple[time, time] | None:
    if a is None or b is None or max(a[0], b[0]) >= min(a[1], b[1]):
        return None
    return max(a[0], b[0]), min(a[1], b[1])


class _LocationDays:
    """Appointment rows for one location, one local date at a time."""

    def __init__(self, location: Location, now: datetime, rng: random.Random, customer_ids: list, busy: dict):
        self.location, self.now, self.rng, self.customers, self.busy = location, now, rng, customer_ids, busy
        self.tz: ZoneInfo = location.timezone
        links = DefinitionLocation.objects.filter(location=location, is_active=True, definition__is_archived=False)
        self.definitions = [
            link.definition for link in links.select_related("definition").prefetch_related("definition__normal_hours")
        ]
        self.hours = list(LocationNormalHour.objects.filter(location=location))
        assigned = StaffAssignment.objects.filter(location=location, assignment_type=AssignmentType.STAFF)
        self.staff = list(Profile.objects.filter(pk__in=assigned.values("profile_id")).prefetch_related("normal_hours"))

    def day(self, day: date) -> list[Appointment]:
        weekday = list(DayOfWeek)[day.weekday()]
        open_hours = _window(self.hours, weekday, "open_at", "close_at")
        rows: list[Appointment] = []
        for definition in self.definitions:
            window = _overlap(open_hours, _window(definition.normal_hours.all(), weekday, "available_from",
                                                  "available_until"))  # fmt: skip
            if window is None:
                continue
            if definition.requires_staff:
                for member in self.staff:
                    shift = _overlap(window, _window(member.normal_hours.all(), weekday, "available_from",
                                                     "available_until"))  # fmt: skip
                    if shift is not None:
                        rows += self._staffed(definition, day, shift, member)
            else:
                rows += self._pooled(definition, day, window)
        return rows

    def _times(self, definition: AppointmentDefinition, day: date, local: time) -> tuple[datetime, ...]:
        start = datetime.combine(day, local, tzinfo=self.tz).astimezone(UTC)
        end = start + timedelta(minutes=definition.duration_minutes)
        return (start, end, start - timedelta(minutes=definition.buffer_before_minutes),
                end + timedelta(minutes=definition.buffer_after_minutes))  # fmt: skip

    def _grid(self, definition: AppointmentDefinition, day: date, window: tuple[time, time]):
        """Where to walk the slot grid inside `window` (local wall times): the first start, the window's end, the
        interval, and how many intervals one occupancy takes (so that consecutive ones never overlap)."""
        interval = definition.slot_interval_minutes or definition.duration_minutes
        length = definition.buffer_before_minutes + definition.duration_minutes + definition.buffer_after_minutes
        step = -(-length // interval)  # whole slots an occupancy takes, so that consecutive ones never overlap
        begin = datetime.combine(day, window[0]) + timedelta(minutes=definition.buffer_before_minutes)
        last = datetime.combine(day, window[1])
        return begin, last, interval, step

    def _free(self, key, occupancy: tuple[datetime, datetime], room: int) -> bool:
        taken = sum(1 for b, e in self.busy.get(key, ()) if b < occupancy[1] and e > occupancy[0])
        return taken < room

    def _pooled(self, definition, day, window) -> list[Appointment]:
        begin, last, interval, step = self._grid(definition, day, window)
        weights = POOLED_FILL.get(definition.capacity, POOLED_FILL[1])
        rows = []
        local = begin
        while local + timedelta(minutes=definition.duration_minutes + definition.buffer_after_minutes) <= last:
            times = self._times(definition, day, local.time())
            wanted = self.rng.choices(range(len(weights)), weights)[0]
            for _ in range(min(wanted, definition.capacity)):
                status = self._status(definition, times[0], times[1])
                key = ("pool", definition.pk, self.location.pk)
                if status is None:
                    continue
                if status in HOLDING_STATUSES:
                    if not self._free(key, times[2:], definition.capacity):
                        continue
                    self.busy[key].append(times[2:])
                rows.append(self._row(definition, times, status, None))
            local += timedelta(minutes=interval * step)
        return rows

    def _staffed(self, definition, day, shift, member: Profile) -> list[Appointment]:
        begin, last, interval, step = self._grid(definition, day, shift)
        rows = []
        local = begin
        while local + timedelta(minutes=definition.duration_minutes + definition.buffer_after_minutes) <= last:
            if self.rng.random() >= STAFF_FILL:
                local += timedelta(minutes=interval)
                continue
            times = self._times(definition, day, local.time())
            status = self._status(definition, times[0], times[1])
            key = ("staff", member.pk)
            if status in HOLDING_STATUSES:
                if not self._free(key, times[2:], 1):
                    local += timedelta(minutes=interval)
                    continue
                self.busy[key].append(times[2:])
            rows.append(self._row(definition, times, status, member.pk))
            local += timedelta(minutes=interval * step)
        return rows

    def _status(self, definition: AppointmentDefinition, start: datetime, end: datetime) -> str | None:
        """The status the appointment has by now; None for one that cannot exist (a future walk-in)."""
        roll = self.rng.random()
        walk_in = definition.booking_type == BookingType.WALK_IN_ONLY
        approval = definition.booking_type == BookingType.APPROVAL_REQUIRED
        if start <= self.now < end:
            return S.ARRIVED
        if start < self.now:
            if walk_in:
                return S.COMPLETED
            if approval and roll < 0.03:
                return S.REJECTED
            return S.CANCELLED if roll < 0.13 else S.NO_SHOW if roll < 0.19 else S.COMPLETED
        if walk_in:  # nobody books a walk-in ahead
            return None
        if roll < 0.08:
            return S.CANCELLED
        return S.REQUESTED if approval and roll < 0.35 else S.CONFIRMED

    def _row(self, definition, times, status: str, staff_id) -> Appointment:
        start, end, occupancy_start, occupancy_end = times
        booked = min(start - timedelta(days=self.rng.randint(1, 21), hours=self.rng.randint(0, 10)), self.now)
        if definition.booking_type == BookingType.WALK_IN_ONLY:
            booked = start - timedelta(minutes=5)
        appointment = Appointment(
            definition_id=definition.pk, profile_id=self.rng.choice(self.customers), location_id=self.location.pk,
            assigned_staff_id=staff_id, status=status, scheduled_start_at=start, scheduled_end_at=end,
            timezone=self.tz, occupancy_start=occupancy_start, occupancy_end=occupancy_end, meta={"demo": MARK},
            created_at=booked,
        )  # fmt: skip
        _stamp(appointment, _path(definition, status), booked, self.now,
               instant=definition.booking_type == BookingType.INSTANT)  # fmt: skip
        return appointment


def _path(definition: AppointmentDefinition, final: str) -> list[str]:
    """The statuses an appointment went through to reach `final`, as the lifecycle allows."""
    if definition.booking_type == BookingType.WALK_IN_ONLY:
        return [S.ARRIVED, S.COMPLETED] if final == S.COMPLETED else [S.ARRIVED]
    head = [S.REQUESTED] if definition.booking_type == BookingType.APPROVAL_REQUIRED else []
    if final in (S.REQUESTED, S.REJECTED):
        return [S.REQUESTED] + ([S.REJECTED] if final == S.REJECTED else [])
    tail = {S.CONFIRMED: [], S.CANCELLED: [S.CANCELLED], S.NO_SHOW: [S.NO_SHOW], S.ARRIVED: [S.ARRIVED],
            S.COMPLETED: [S.ARRIVED, S.COMPLETED]}[final]  # fmt: skip
    return [*head, S.CONFIRMED, *tail]


def _moment(status: str, appointment: Appointment, booked: datetime, now: datetime, *, instant: bool) -> datetime:
    """When the appointment reached `status`: never before it was booked (its created_at), never after now, and in
    the order of its path (docs/domain.md "Lifecycle")."""
    start, end = appointment.scheduled_start_at, appointment.scheduled_end_at
    if status == S.CONFIRMED and instant:
        at = booked  # an instant booking is confirmed as it is made
    elif status == S.CONFIRMED:
        at = booked if booked + APPROVAL_DELAY > start else booked + APPROVAL_DELAY
    elif status == S.ARRIVED:
        at = start - timedelta(minutes=5)
    elif status == S.COMPLETED:
        at = end
    elif status == S.NO_SHOW:
        at = end + timedelta(minutes=15)
    elif status == S.CANCELLED:
        at = booked + (start - booked) / 2
    elif status == S.REJECTED:
        at = booked + timedelta(hours=2)
    else:
        at = booked
    return min(at, now)


def _stamp(appointment: Appointment, path: list[str], booked: datetime, now: datetime, *, instant: bool) -> None:
    """The timestamps and actors of every status on the appointment's path."""
    field = {S.CONFIRMED: "confirmed_at", S.ARRIVED: "arrived_at", S.COMPLETED: "completed_at",
             S.NO_SHOW: "no_show_at", S.CANCELLED: "cancelled_at", S.REJECTED: "rejected_at"}  # fmt: skip
    for status in path:
        if status in field:
            setattr(appointment, field[status], _moment(status, appointment, booked, now, instant=instant))
    if S.REQUESTED in path and S.CONFIRMED in path:
        appointment.approved_at, appointment.approved_by = appointment.confirmed_at, ACTOR
    if S.CANCELLED in path:
        appointment.cancelled_by = ACTOR
    if S.REJECTED in path:
        appointment.rejected_by = ACTOR
