"""Operational reads: the capacity audit and the appointment export (used by their management commands).

Both select appointments by the local date of their start at their own location, so "2 December" means
2 December in Melbourne for a Melbourne appointment and in New York for a New York one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import QuerySet

from appointments.enums import HOLDING_STATUSES
from appointments.models import Appointment, AppointmentDefinition
from core.localtime import utc_iso
from directory.models import Location

# Every time zone is within a day of UTC: a local date's appointments start inside this margin around its UTC day.
MARGIN = timedelta(days=1)


def starting_between(queryset: QuerySet, date_from: date | None, date_to: date | None) -> QuerySet:
    """Narrow to starts that can fall on the local dates [date_from, date_to]; `in_local_dates` finishes it."""
    if date_from is not None:
        queryset = queryset.filter(scheduled_start_at__gte=datetime.combine(date_from, time(), tzinfo=UTC) - MARGIN)
    if date_to is not None:
        end = datetime.combine(date_to + timedelta(days=1), time(), tzinfo=UTC) + MARGIN
        queryset = queryset.filter(scheduled_start_at__lt=end)
    return queryset


def in_local_dates(start: datetime, tz: ZoneInfo, date_from: date | None, date_to: date | None) -> bool:
    local = start.astimezone(tz).date()
    return (date_from is None or local >= date_from) and (date_to is None or local <= date_to)


# --- audit ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Held:
    id: int
    definition_id: int
    location_id: int
    staff_id: object
    start: datetime
    occupancy_start: datetime
    occupancy_end: datetime
    tz: ZoneInfo


@dataclass(frozen=True)
class Overbooking:
    """More holding appointments of a pooled definition at one location at once than its capacity."""

    definition: str
    location: str
    tz: ZoneInfo
    at: datetime
    holding: int
    capacity: int
    appointment_ids: tuple[int, ...]


@dataclass(frozen=True)
class StaffClash:
    """Two holding appointments of one staff member whose occupancies overlap."""

    staff_id: object
    tz: ZoneInfo
    at: datetime
    appointment_ids: tuple[int, int]


@dataclass(frozen=True)
class Audit:
    checked: int
    overbookings: list[Overbooking]
    clashes: list[StaffClash]

    @property
    def problems(self) -> int:
        return len(self.overbookings) + len(self.clashes)


def capacity_audit(
    date_from: date | None = None, date_to: date | None = None, *, progress=lambda items: items
) -> Audit:
    """Find overbooked pooled slots and staff double bookings among holding appointments (requested, confirmed,
    arrived) whose local start date is in [date_from, date_to] (either bound optional).

    Works from the rows as stored, not through the booking service, so it also finds what a raw write, an import
    or a lowered capacity left behind. A conflict counts when at least one of its appointments is in the range;
    neighbours just outside it are read so that such a conflict is seen. `progress` wraps the groups (tqdm).
    """
    rows = starting_between(Appointment.objects.filter(status__in=HOLDING_STATUSES), date_from, date_to)
    rows = rows.order_by("occupancy_start", "id").values_list(
        "id", "definition_id", "location_id", "assigned_staff_id", "scheduled_start_at", "occupancy_start",
        "occupancy_end", "location__timezone",
    )  # fmt: skip
    held = [Held(*row[:7], tz=ZoneInfo(str(row[7]))) for row in rows]
    in_range = {h.id for h in held if in_local_dates(h.start, h.tz, date_from, date_to)}
    definitions = {d.pk: d for d in AppointmentDefinition.objects.filter(pk__in={h.definition_id for h in held})}
    pools: dict[tuple[int, int], list[Held]] = defaultdict(list)
    by_staff: dict[object, list[Held]] = defaultdict(list)
    for h in held:
        if h.staff_id is not None:
            by_staff[h.staff_id].append(h)
        elif not definitions[h.definition_id].requires_staff:
            pools[(h.definition_id, h.location_id)].append(h)
    names = _location_names({location for _, location in pools})
    overbookings = []
    for (definition_id, location_id), group in progress(list(pools.items())):
        definition = definitions[definition_id]
        for at, ids in _over_capacity(group, definition.capacity):
            if in_range.intersection(ids):
                tz = group[0].tz
                overbookings.append(Overbooking(definition.name, names[location_id], tz, at, len(ids),
                                                definition.capacity, tuple(sorted(ids))))  # fmt: skip
    clashes = []
    for staff_id, group in progress(list(by_staff.items())):
        for first, second in _overlapping_pairs(group):
            if {first.id, second.id} & in_range:
                clashes.append(StaffClash(staff_id, second.tz, second.occupancy_start, (first.id, second.id)))
    return Audit(checked=len(in_range), overbookings=overbookings, clashes=clashes)


def _location_names(ids: Iterable[int]) -> dict[int, str]:
    return dict(Location.objects.filter(pk__in=list(ids)).values_list("id", "name"))


def _over_capacity(group: list[Held], capacity: int) -> Iterator[tuple[datetime, set[int]]]:
    """Sweep the occupancies in time order; yield each stretch where more than `capacity` overlap: its start and
    every appointment involved in it."""
    edges = sorted([(h.occupancy_start, 1, h.id) for h in group] + [(h.occupancy_end, 0, h.id) for h in group])
    active: set[int] = set()
    stretch: tuple[datetime, set[int]] | None = None
    for at, opening, appointment_id in edges:  # ends (0) sort before starts (1) at the same instant: [start, end)
        if opening:
            active.add(appointment_id)
        else:
            active.discard(appointment_id)
        if len(active) > capacity:
            stretch = stretch or (at, set())
            stretch[1].update(active)
        elif stretch is not None:
            yield stretch
            stretch = None
    if stretch is not None:
        yield stretch


def _overlapping_pairs(group: list[Held]) -> Iterator[tuple[Held, Held]]:
    """Every pair of overlapping occupancies of one staff member (`group` is in start order)."""
    active: list[Held] = []
    for current in group:
        active = [h for h in active if h.occupancy_end > current.occupancy_start]
        for earlier in active:
            yield earlier, current
        active.append(current)


# --- export ---------------------------------------------------------------------------------------------------------

EXPORT_FIELDS = (
    "id", "status", "definition", "location", "timezone", "local_start", "local_end", "scheduled_start_at",
    "scheduled_end_at", "profile_id", "customer_name", "customer_email", "assigned_staff_id", "assigned_staff_name",
    "created_at",
)  # fmt: skip


def export_queryset(date_from: date, date_to: date, location_id: int | None = None) -> QuerySet[Appointment]:
    queryset = Appointment.objects.select_related("definition", "location", "profile", "assigned_staff")
    if location_id is not None:
        queryset = queryset.filter(location_id=location_id)
    return starting_between(queryset, date_from, date_to).order_by("scheduled_start_at", "id")


def export_rows(queryset: QuerySet[Appointment], date_from: date, date_to: date) -> Iterator[dict]:
    """One dict per appointment whose local start date is in [date_from, date_to], with local times in the
    location's zone (ISO 8601 with the offset, and the zone's name) beside the UTC instants."""
    for appointment in queryset.iterator(chunk_size=2000):
        tz = appointment.location.timezone
        if not in_local_dates(appointment.scheduled_start_at, tz, date_from, date_to):
            continue
        staff = appointment.assigned_staff
        yield {
            "id": appointment.pk,
            "status": appointment.status,
            "definition": appointment.definition.handle,
            "location": appointment.location.handle,
            "timezone": tz.key,
            "local_start": appointment.scheduled_start_at.astimezone(tz).isoformat(timespec="seconds"),
            "local_end": appointment.scheduled_end_at.astimezone(tz).isoformat(timespec="seconds"),
            "scheduled_start_at": utc_iso(appointment.scheduled_start_at),
            "scheduled_end_at": utc_iso(appointment.scheduled_end_at),
            "profile_id": str(appointment.profile_id),
            "customer_name": appointment.profile.full_name,
            "customer_email": appointment.profile.email,
            "assigned_staff_id": str(staff.pk) if staff else "",
            "assigned_staff_name": staff.full_name if staff else "",
            "created_at": utc_iso(appointment.created_at),
        }
