"""The availability engine: plain data in, bookable slots out (DOMAIN.md "Availability", steps 2-8).

Pure code: no ORM, no settings, no clock (``now`` is always a parameter). Callers (selectors, booking validation,
the range endpoint, the admin, the CLI) load hours, staff and holding occupancies into the dataclasses below and
check linking, archiving and walk-in-only themselves; only ``Rules.bookable = False`` is handled here.

All arithmetic on instants is done on UTC-aware datetimes; opening hours are local wall times of the location's
timezone (``Context.tz``) converted with ``fold=0``, exactly as ``datetime.combine(d, t, tzinfo=tz)`` does.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from operator import itemgetter
from zoneinfo import ZoneInfo

from directory.hours import Schedule, Window, intersect, windows_on

__all__ = [
    "Context",
    "EmptyReason",
    "NotEligible",
    "Period",
    "Rules",
    "Slot",
    "StaffMember",
    "empty_day_reason",
    "has_slot",
    "no_slot_reason",
    "occupancy",
    "slots_for_day",
    "slots_for_range",
    "staff_assigned_for",
    "staff_eligible_on",
]

Interval = tuple[datetime, datetime]

_MIDNIGHT = time(0)
_ONE_DAY = timedelta(days=1)
_MINUTES_PER_DAY = 24 * 60


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
    day_start = _local_to_utc(day, _MIDNIGHT, tz)
    day_end = _local_to_utc(day + _ONE_DAY, _MIDNIGHT, tz)
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


def slots_for_day(
    ctx: Context,
    day: date,
    *,
    now: datetime,
    staff_id: str | None = None,
    ignore: Interval | None = None,
) -> list[Slot]:
    """Return the slots of the local date ``day``, ascending by start.

    ``staff_id`` restricts a staff-requiring definition to one member (capacity 1 per slot) and raises
    :class:`NotEligible` when that member is not in ``ctx.staff`` or not eligible on ``day``; it is ignored when the
    definition does not require staff. ``ignore`` removes one occurrence of that exact UTC occupancy interval from
    the occupancies and from every staff member's busy list (rescheduling: an appointment must not block itself).
    """
    return _Run(ctx, now=now, ignore=ignore).day(day, staff_id=staff_id)


def slots_for_range(ctx: Context, start: date, end: date, *, now: datetime, staff_id: str | None = None) -> list[Slot]:
    """Return the union of :func:`slots_for_day` for every date in ``[start, end]``, ascending.

    Occupancies are sorted once for the whole range. With ``staff_id``, dates on which the member is not eligible
    contribute no slots; :class:`NotEligible` is raised only when the member is eligible on none of the dates (or
    is not in ``ctx.staff``), so an assignment starting mid-range still shows its bookable days.
    """
    run = _Run(ctx, now=now, ignore=None)
    slots: list[Slot] = []
    eligible_somewhere = False
    day = start
    while day <= end:
        try:
            slots.extend(run.day(day, staff_id=staff_id))
            eligible_somewhere = True
        except NotEligible:
            pass
        day += _ONE_DAY
    if staff_id is not None and start <= end and not eligible_somewhere:
        raise NotEligible(staff_id, start)
    return slots


def has_slot(
    ctx: Context,
    start_utc: datetime,
    *,
    now: datetime,
    staff_id: str | None = None,
    ignore: Interval | None = None,
) -> Slot | None:
    """Return the slot starting exactly at ``start_utc`` on its local date, or ``None`` (booking validation).

    Raises :class:`NotEligible` like :func:`slots_for_day`.
    """
    start_utc = _as_utc(start_utc)
    day = start_utc.astimezone(ctx.tz).date()
    for slot in slots_for_day(ctx, day, now=now, staff_id=staff_id, ignore=ignore):
        if slot.start == start_utc:
            return slot
    return None


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


def empty_day_reason(ctx: Context, day: date, *, now: datetime, staff_id: str | None = None) -> str:
    """Why the local date ``day`` has no slots (an :class:`EmptyReason` value). Call it only for days without slots.

    The first rule that empties the day wins, in the engine's own order: not bookable, beyond ``max_advance_days``,
    closed (no definition/location window, or none long enough for one appointment), no eligible staff, staff not
    working in the open hours, every start already past, every remaining start inside ``min_lead_minutes``, and
    otherwise fully booked (every start taken by occupancy). It costs about one extra engine day, and only runs on
    empty days.
    """
    rules = ctx.rules
    if not rules.bookable:
        return EmptyReason.NOT_BOOKABLE
    run = _Run(ctx, now=now, ignore=None)
    if run.last_date is not None and day > run.last_date:
        return EmptyReason.BEYOND_ADVANCE_LIMIT
    base = intersect(windows_on(ctx.definition_hours, day), windows_on(ctx.location_hours, day))
    if base == ():
        return EmptyReason.CLOSED
    run.earliest = datetime.min.replace(tzinfo=UTC)  # every start of the grid, whatever the lead time
    plan = run.plan(day)
    if not run.candidates(plan, base).starts:
        return EmptyReason.CLOSED
    if rules.requires_staff:
        members = [m for m in ctx.staff if (staff_id is None or m.id == staff_id) and staff_eligible_on(m, day, ctx.tz)]
        if not members:
            return EmptyReason.NO_STAFF
        starts = [
            start
            for m in members
            if (windows := intersect(base, windows_on(m.schedule, day))) != ()
            for start in run.candidates(plan, windows).starts
            if staff_assigned_for(m, start, start + run.duration)
        ]
    else:
        starts = run.candidates(plan, base).starts
    if not starts:
        return EmptyReason.STAFF_NOT_WORKING
    latest = max(starts)
    if latest < _as_utc(now):
        return EmptyReason.PAST
    if latest < _as_utc(now) + timedelta(minutes=rules.min_lead_minutes):
        return EmptyReason.INSIDE_LEAD_TIME
    return EmptyReason.FULLY_BOOKED


def no_slot_reason(
    ctx: Context,
    start_utc: datetime,
    *,
    now: datetime,
    staff_id: str | None = None,
) -> str:
    """Why ``start_utc`` is not a slot (an :class:`EmptyReason` value), for a booking that :func:`has_slot` refused.

    Checked in this order: not bookable, in the past, inside ``min_lead_minutes``, beyond ``max_advance_days``, off
    the slot grid, outside the definition's and location's hours, outside every eligible staff member's hours
    (``staff_unavailable``; with ``staff_id``, that member's), and otherwise fully booked (pooled capacity used up,
    or every staff member working then already busy; a chosen busy member is ``staff_unavailable``).
    """
    rules = ctx.rules
    if not rules.bookable:
        return EmptyReason.NOT_BOOKABLE
    start_utc, now = _as_utc(start_utc), _as_utc(now)
    if start_utc < now:
        return EmptyReason.PAST
    run = _Run(ctx, now=now, ignore=None)
    if start_utc < run.earliest:
        return EmptyReason.INSIDE_LEAD_TIME
    day = start_utc.astimezone(ctx.tz).date()
    if run.last_date is not None and day > run.last_date:
        return EmptyReason.BEYOND_ADVANCE_LIMIT
    plan = run.plan(day)
    if start_utc not in run.candidates(plan, None).starts:
        return EmptyReason.OFF_GRID
    base = intersect(windows_on(ctx.definition_hours, day), windows_on(ctx.location_hours, day))
    if base == () or start_utc not in run.candidates(plan, base).starts:
        return EmptyReason.OUTSIDE_HOURS
    if not rules.requires_staff:
        return EmptyReason.FULLY_BOOKED
    members = [m for m in ctx.staff if (staff_id is None or m.id == staff_id) and staff_eligible_on(m, day, ctx.tz)]
    working = [
        m
        for m in members
        if start_utc in run.candidates(plan, intersect(base, windows_on(m.schedule, day))).starts
        and staff_assigned_for(m, start_utc, start_utc + run.duration)
    ]
    if not working or staff_id is not None:
        return EmptyReason.STAFF_UNAVAILABLE
    return EmptyReason.FULLY_BOOKED


# --------------------------------------------------------------------------------------------------------------------
# Internals


def _local_to_utc(day: date, wall: time, tz: tzinfo) -> datetime:
    """Convert a local wall time to UTC with ``fold=0`` (the first occurrence; a time in a DST gap moves forward)."""
    return datetime.combine(day, wall, tzinfo=tz).astimezone(UTC)


@dataclass(frozen=True)
class RefusalFacts:
    """What the message of a refused start tells the caller (see :func:`refusal_facts`)."""

    earliest: datetime  # the first bookable instant: now + min_lead_minutes
    last_date: date | None  # the last bookable local date, None without max_advance_days
    step_minutes: int  # the slot grid's step
    before: datetime | None  # the nearest bookable grid start inside the day's hours before the refused start
    after: datetime | None  # and after it
    hours: tuple[Window, ...] | None  # the day's hours (definition and location), None when unrestricted


def refusal_facts(ctx: Context, start_utc: datetime, *, now: datetime) -> RefusalFacts:
    """The limits around a start that :func:`has_slot` refused, for a message that says what to do instead."""
    run = _Run(ctx, now=now, ignore=None)
    start_utc = _as_utc(start_utc)
    day = start_utc.astimezone(ctx.tz).date()
    hours = intersect(windows_on(ctx.definition_hours, day), windows_on(ctx.location_hours, day))
    starts = sorted(run.candidates(run.plan(day), hours).starts) if hours != () else []
    return RefusalFacts(
        earliest=run.earliest,
        last_date=run.last_date,
        step_minutes=int(run.step.total_seconds() // 60),
        before=max((s for s in starts if s < start_utc), default=None),
        after=min((s for s in starts if s > start_utc), default=None),
        hours=hours,
    )


def _as_utc(value: datetime) -> datetime:
    """Normalise an aware datetime to ``datetime.UTC`` so comparisons take CPython's fast same-tzinfo path."""
    if value.tzinfo is UTC:
        return value
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime given to the availability engine: {value!r}")
    return value.astimezone(UTC)


class _Occupied:
    """UTC intervals prepared for O(log n) overlap counts.

    Starts and ends are sorted independently: the intervals overlapping a half-open ``[lo, hi)`` are those starting
    before ``hi`` minus those ending at or before ``lo`` (an interval ending by ``lo`` necessarily starts before
    ``hi``), so two bisects count them without looking at any interval.
    """

    __slots__ = ("ends", "starts")

    def __init__(self, intervals: Sequence[Interval], ignore: Interval | None) -> None:
        # This runs over every busy interval of every staff member, which dominates a month-long range query, so the
        # per-interval work stays in C (map with operator getters, Timsort on input that is usually sorted already).
        # The datetimes are compared as they are: aware datetimes compare by instant whatever their tzinfo, and a
        # naive one fails loudly with TypeError against the aware candidates.
        starts = sorted(map(_first, intervals))
        ends = sorted(map(_second, intervals))
        if ignore is not None and ignore in intervals:
            # Counts only depend on the multisets of starts and ends, so dropping one of each removes the interval.
            starts.remove(ignore[0])
            ends.remove(ignore[1])
        self.starts = starts
        self.ends = ends


_first = itemgetter(0)
_second = itemgetter(1)


@dataclass(slots=True)
class _Candidates:
    """Candidate starts inside some windows, with the occupancy each would take: ``[lo, hi)``."""

    starts: list[datetime]
    los: list[datetime]
    his: list[datetime]


@dataclass(slots=True)
class _DayPlan:
    """Per-day facts shared by every window and staff member of that day."""

    day: date
    midnight: datetime  # UTC instant of local 00:00 (fold=0)
    next_midnight: datetime  # UTC instant of the next local 00:00
    # All candidate starts of the day (sorted, unique); only built on days whose UTC offset changes, see _Run.plan().
    all_starts: list[datetime] | None = None
    # Staff members usually share hours, so the candidates of identical window lists are computed once per day.
    cache: dict[tuple[Window, ...] | None, _Candidates] = field(default_factory=dict)


class _Run:
    """One engine call: the context with its occupancies prepared once, then evaluated day by day."""

    def __init__(self, ctx: Context, *, now: datetime, ignore: Interval | None) -> None:
        rules = ctx.rules
        if rules.duration_minutes < 1 or (rules.slot_interval_minutes is not None and rules.slot_interval_minutes < 1):
            # Definition validation forbids these; failing here beats looping forever on a zero step.
            raise ValueError("duration_minutes and slot_interval_minutes must be at least 1")
        self.ctx = ctx
        self.tz = ctx.tz
        self.rules = rules
        now = _as_utc(now)
        self.earliest = now + timedelta(minutes=rules.min_lead_minutes)
        # "Today" is the location's date, not the server's or UTC's.
        self.last_date = (
            None
            if rules.max_advance_days is None
            else now.astimezone(ctx.tz).date() + timedelta(days=rules.max_advance_days)
        )
        self.duration = timedelta(minutes=rules.duration_minutes)
        self.before = timedelta(minutes=rules.buffer_before_minutes)
        # The candidate's occupancy ends at start + duration + buffer_after.
        self.until_occupied = timedelta(minutes=rules.duration_minutes + rules.buffer_after_minutes)
        step_minutes = rules.slot_interval_minutes or rules.duration_minutes
        self.step = timedelta(minutes=step_minutes)
        # k * I < 24:00, so k runs 0 .. (1439 // I).
        self.count = (_MINUTES_PER_DAY - 1) // step_minutes + 1
        self.ignore = None if ignore is None else (_as_utc(ignore[0]), _as_utc(ignore[1]))
        self._pool: _Occupied | None = None
        self._busy: dict[int, _Occupied] = {}

    # Occupancies are prepared lazily: sorting thousands of intervals is only paid for when a window can use them.

    def pool(self) -> _Occupied:
        """The definition's occupancies at the location, prepared."""
        if self._pool is None:
            self._pool = _Occupied(self.ctx.occupancies, self.ignore)
        return self._pool

    def busy(self, index: int) -> _Occupied:
        """The busy intervals of ``ctx.staff[index]``, prepared."""
        occupied = self._busy.get(index)
        if occupied is None:
            occupied = self._busy[index] = _Occupied(self.ctx.staff[index].busy, self.ignore)
        return occupied

    def plan(self, day: date) -> _DayPlan:
        """Convert the day's frame to UTC and decide how its candidate starts are enumerated."""
        local_midnight = datetime.combine(day, _MIDNIGHT, tzinfo=self.tz)
        midnight = local_midnight.astimezone(UTC)
        next_midnight = _local_to_utc(day + _ONE_DAY, _MIDNIGHT, self.tz)
        noon_offset = datetime.combine(day, time(12), tzinfo=self.tz).utcoffset()
        plan = _DayPlan(day=day, midnight=midnight, next_midnight=next_midnight)
        if next_midnight - midnight != _ONE_DAY or noon_offset != local_midnight.utcoffset():
            # The UTC offset changes during this day (DST): a wall time in the gap maps forward onto an instant that
            # may equal another candidate's, and the repeated hour is only reached through fold=0. Convert every
            # candidate exactly as Python does (aware + timedelta is wall-clock arithmetic with fold=0), dedupe, sort.
            # Only about two days a year per zone take this path.
            plan.all_starts = sorted({(local_midnight + k * self.step).astimezone(UTC) for k in range(self.count)})
        # Otherwise the offset is constant all day, so candidate k is simply midnight + k * I in UTC and the ones
        # inside a window are found arithmetically. (Two transitions cancelling out within one day would defeat the
        # noon check; no zone in the tz database does that.)
        return plan

    def candidates(self, plan: _DayPlan, windows: tuple[Window, ...] | None) -> _Candidates:
        """Candidate starts whose ``[s, s + duration)`` lies inside one of ``windows`` and that respect the lead."""
        cached = plan.cache.get(windows)
        if cached is not None:
            return cached
        duration, earliest = self.duration, self.earliest
        if windows is None:
            bounds = [(plan.midnight, plan.next_midnight)]
        else:
            bounds = [(_local_to_utc(plan.day, a, self.tz), _local_to_utc(plan.day, b, self.tz)) for a, b in windows]
        starts: list[datetime]
        if plan.all_starts is None:
            starts = []
            midnight, step = plan.midnight, self.step
            for lo, hi in bounds:
                first = max(0, -((midnight - max(lo, earliest)) // step))  # ceil((lo - midnight) / step)
                last = min(self.count - 1, (hi - duration - midnight) // step)
                starts.extend(midnight + k * step for k in range(first, last + 1))
            # Windows are disjoint and ascending, and so are their candidates on a constant-offset day.
        else:
            all_starts = plan.all_starts
            unique: set[datetime] = set()
            for lo, hi in bounds:
                # A window ending where a DST gap ends can be empty or inverted in UTC (02:00-03:00 on a spring-forward
                # day maps both ends to the same instant); the slice is then empty.
                unique.update(
                    all_starts[bisect_left(all_starts, max(lo, earliest)) : bisect_right(all_starts, hi - duration)]
                )
            # On a DST day two windows can overlap in UTC; a start inside both is still one slot.
            starts = sorted(unique)
        before, until_occupied = self.before, self.until_occupied
        found = plan.cache[windows] = _Candidates(
            starts=starts,
            los=[start - before for start in starts],
            his=[start + until_occupied for start in starts],
        )
        return found

    def slot(self, start: datetime, remaining: int, free_staff: tuple[str, ...] = ()) -> Slot | None:
        """Build the slot, applying the advance limit on its local date."""
        local_start = start.astimezone(self.tz)
        if self.last_date is not None and local_start.date() > self.last_date:
            return None
        return Slot(
            start=start,
            end=start + self.duration,
            local_start=local_start,
            capacity_remaining=remaining,
            free_staff=free_staff,
        )

    def day(self, day: date, *, staff_id: str | None) -> list[Slot]:
        """Slots of one local date (see :func:`slots_for_day`)."""
        ctx, rules, tz = self.ctx, self.rules, self.tz
        if not rules.bookable:
            return []
        member_index: int | None = None
        if rules.requires_staff and staff_id is not None:
            member_index = next((i for i, m in enumerate(ctx.staff) if m.id == staff_id), None)
            if member_index is None or not staff_eligible_on(ctx.staff[member_index], day, tz):
                raise NotEligible(staff_id, day)
        # A candidate's local date is never before its day (DST gaps only move times forward), so a day past the
        # advance limit cannot have slots.
        if self.last_date is not None and day > self.last_date:
            return []
        base = intersect(windows_on(ctx.definition_hours, day), windows_on(ctx.location_hours, day))
        if base == ():
            return []
        plan = self.plan(day)
        slots: list[Slot] = []

        if not rules.requires_staff:
            capacity = rules.max_concurrent_bookings or 1
            found = self.candidates(plan, base)
            if not found.starts:
                return []
            pool = self.pool()
            starts, ends = pool.starts, pool.ends
            for start, lo, hi in zip(found.starts, found.los, found.his, strict=True):
                remaining = capacity - (bisect_left(starts, hi) - bisect_right(ends, lo))
                if remaining > 0 and (slot := self.slot(start, remaining)) is not None:
                    slots.append(slot)
            return slots

        if member_index is not None:
            members = [(member_index, ctx.staff[member_index])]
        else:
            members = [(i, m) for i, m in enumerate(ctx.staff) if staff_eligible_on(m, day, tz)]
        # Each member contributes the candidates inside their own windows that they are free for.
        free: dict[datetime, list[str]] = {}
        for index, member in members:
            windows = intersect(base, windows_on(member.schedule, day))
            if windows == ():
                continue
            found = self.candidates(plan, windows)
            if not found.starts:
                continue
            busy = self.busy(index)
            starts, ends = busy.starts, busy.ends
            # Checked per candidate only on a day an assignment begins or ends within.
            whole_day = staff_assigned_for(member, plan.midnight, plan.next_midnight + self.duration)
            for start, lo, hi in zip(found.starts, found.los, found.his, strict=True):
                if not whole_day and not staff_assigned_for(member, start, start + self.duration):
                    continue
                if bisect_left(starts, hi) == bisect_right(ends, lo):
                    free.setdefault(start, []).append(member.id)
        for start in sorted(free):
            ids = free[start]
            if (slot := self.slot(start, len(ids), tuple(ids))) is not None:
                slots.append(slot)
        return slots
