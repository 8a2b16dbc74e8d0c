"""What the engine reads and answers: plain frozen dataclasses, the reason codes, and small rules on them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from directory.hours import Schedule, Window

Interval = tuple[datetime, datetime]

MIDNIGHT = time(0)
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Rules:
    """The definition's booking rules, as plain numbers.

    ``bookable`` is False for archived or walk-in-only definitions, which never have slots.
    """

    duration_minutes: int
    buffer_before_minutes: int = 0
    buffer_after_minutes: int = 0
    slot_interval_minutes: int | None = None
    min_lead_minutes: int = 0
    max_advance_days: int | None = None
    max_concurrent_bookings: int | None = None
    requires_staff: bool = False
    bookable: bool = True


@dataclass(frozen=True, slots=True)
class Period:
    """A staff assignment's validity: aware instants, ``None`` meaning open-ended on that side."""

    starts_at: datetime | None
    ends_at: datetime | None


@dataclass(frozen=True, slots=True)
class StaffMember:
    """A staff member who can serve the definition.

    ``busy`` holds the UTC occupancy intervals of all their holding appointments (any definition, any location).
    ``periods`` is ``None`` when eligibility has no date restriction (the definition's own staff list); otherwise the
    member is eligible on a local date when any period covers it.
    """

    id: str
    schedule: Schedule
    busy: tuple[Interval, ...] = ()
    periods: tuple[Period, ...] | None = None


@dataclass(frozen=True, slots=True)
class Context:
    """Everything the engine needs for one (definition, location) pair.

    ``occupancies`` are the UTC occupancy intervals of the holding appointments of this definition at this location;
    they are only used when the definition does not require staff.
    """

    rules: Rules
    tz: ZoneInfo
    definition_hours: Schedule
    location_hours: Schedule
    occupancies: tuple[Interval, ...] = ()
    staff: tuple[StaffMember, ...] = ()


@dataclass(frozen=True, slots=True)
class Slot:
    """One bookable start: ``[start, end)`` in UTC, with the local start in the location's timezone.

    ``free_staff`` (definitions requiring staff) lists the eligible staff free for it, in ``Context.staff`` order.
    """

    start: datetime
    end: datetime
    local_start: datetime
    capacity_remaining: int
    free_staff: tuple[str, ...] = ()

    @property
    def date(self) -> date:
        """The slot's local date in the location's timezone."""
        return self.local_start.date()


class NotEligible(Exception):
    """The requested ``staff_id`` is not one of the definition's eligible staff on that local date."""

    def __init__(self, staff_id: str, day: date) -> None:
        super().__init__(f"staff member {staff_id!r} is not eligible on {day.isoformat()}")
        self.staff_id = staff_id
        self.day = day


class EmptyReason:
    """Machine-readable reasons: why a local date has no slots, or why a start is not a slot (booking).

    Day reasons: NOT_BOOKABLE, BEYOND_ADVANCE_LIMIT, CLOSED, NO_STAFF, STAFF_NOT_WORKING, PAST, INSIDE_LEAD_TIME,
    FULLY_BOOKED. Start reasons add OUTSIDE_HOURS, OFF_GRID and STAFF_UNAVAILABLE (and use PAST, INSIDE_LEAD_TIME,
    BEYOND_ADVANCE_LIMIT, FULLY_BOOKED as for days).
    """

    NOT_BOOKABLE = "not_bookable"
    BEYOND_ADVANCE_LIMIT = "beyond_advance_limit"
    CLOSED = "closed"
    NO_STAFF = "no_staff"
    STAFF_NOT_WORKING = "staff_not_working"
    PAST = "past"
    INSIDE_LEAD_TIME = "inside_lead_time"
    FULLY_BOOKED = "fully_booked"
    OUTSIDE_HOURS = "outside_hours"
    OFF_GRID = "off_grid"
    STAFF_UNAVAILABLE = "staff_unavailable"


@dataclass(frozen=True, slots=True)
class DaySlots:
    """The slots of one local date and, when there are none, why (an :class:`EmptyReason` value, else None)."""

    slots: list[Slot]
    reason: str | None


@dataclass(frozen=True, slots=True)
class RangeSlots:
    """The slots of a range of local dates, ascending, and why each date without slots has none."""

    slots: list[Slot]
    empty_days: dict[date, str]


@dataclass(frozen=True, slots=True)
class StartCheck:
    """The slot starting at a requested instant, or None and why not (an :class:`EmptyReason` value)."""

    slot: Slot | None
    reason: str | None


@dataclass(frozen=True)
class RefusalFacts:
    """What the message of a refused start tells the caller (see :func:`refusal_facts`)."""

    earliest: datetime  # the first bookable instant: now + min_lead_minutes
    last_date: date | None  # the last bookable local date, None without max_advance_days
    step_minutes: int  # the slot grid's step
    before: datetime | None  # the nearest bookable grid start inside the day's hours before the refused start
    after: datetime | None  # and after it
    hours: tuple[Window, ...] | None  # the day's hours (definition and location), None when unrestricted


def occupancy(start: datetime, end: datetime, rules: Rules) -> Interval:
    """Return the interval an appointment ``[start, end)`` occupies: widened by the definition's buffers."""
    return (
        start - timedelta(minutes=rules.buffer_before_minutes),
        end + timedelta(minutes=rules.buffer_after_minutes),
    )


def staff_eligible_on(member: StaffMember, day: date, tz: tzinfo) -> bool:
    """Whether ``member`` is eligible on the local date ``day``.

    A period covers the day when it overlaps the local day ``[00:00, next 00:00)`` (half-open, so an assignment
    ending exactly at midnight does not make its member eligible on the following day).
    """
    if member.periods is None:
        return True
    day_start = local_to_utc(day, MIDNIGHT, tz)
    day_end = local_to_utc(day + ONE_DAY, MIDNIGHT, tz)
    return any(
        (period.starts_at is None or period.starts_at < day_end)
        and (period.ends_at is None or period.ends_at > day_start)
        for period in member.periods
    )


def staff_assigned_for(member: StaffMember, start: datetime, end: datetime) -> bool:
    """Whether ``[start, end)`` lies wholly inside one of ``member``'s periods (step 8: periods are instants, so an
    assignment beginning or ending within a local day offers only the candidates inside it)."""
    if member.periods is None:
        return True
    return any(
        (period.starts_at is None or period.starts_at <= start) and (period.ends_at is None or end <= period.ends_at)
        for period in member.periods
    )


def local_to_utc(day: date, wall: time, tz: tzinfo) -> datetime:
    """Convert a local wall time to UTC with ``fold=0`` (the first occurrence; a time in a DST gap moves forward)."""
    return datetime.combine(day, wall, tzinfo=tz).astimezone(UTC)


def as_utc(value: datetime) -> datetime:
    """Normalise an aware datetime to ``datetime.UTC`` so comparisons take CPython's fast same-tzinfo path."""
    if value.tzinfo is UTC:
        return value
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime given to the availability engine: {value!r}")
    return value.astimezone(UTC)
