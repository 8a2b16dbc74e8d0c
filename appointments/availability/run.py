"""One engine call: the context with its occupancies prepared once, then walked day by day or for one start.

The walk applies the rules in one order and stops at the first that leaves nothing, so the same walk that finds
the slots also knows why there are none (:class:`~appointments.availability.data.EmptyReason`).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from operator import itemgetter

from appointments.availability.data import (
    MIDNIGHT,
    ONE_DAY,
    Context,
    EmptyReason,
    Interval,
    Slot,
    StaffMember,
    as_utc,
    local_to_utc,
    staff_assigned_for,
    staff_eligible_on,
)
from directory.hours import Window, intersect, windows_on

_MINUTES_PER_DAY = 24 * 60


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

    def overlaps(self, lo: datetime, hi: datetime) -> int:
        """How many intervals overlap ``[lo, hi)``."""
        return bisect_left(self.starts, hi) - bisect_right(self.ends, lo)


_first = itemgetter(0)
_second = itemgetter(1)


@dataclass(slots=True)
class Candidates:
    """Grid starts inside some windows, ascending, with the occupancy each would take: ``[lo, hi)``.

    The lead time is not applied here: the walk skips starts before ``_Run.earliest`` itself, so that a day whose
    starts are all too soon can say so.
    """

    starts: list[datetime]
    los: list[datetime]
    his: list[datetime]

    def index(self, start: datetime) -> int | None:
        """The position of ``start`` among the candidates, or None when it is not one."""
        i = bisect_left(self.starts, start)
        return i if i < len(self.starts) and self.starts[i] == start else None


@dataclass(slots=True)
class DayPlan:
    """Per-day facts shared by every window and staff member of that day."""

    day: date
    midnight: datetime  # UTC instant of local 00:00 (fold=0)
    next_midnight: datetime  # UTC instant of the next local 00:00
    # All candidate starts of the day (sorted, unique); only built on days whose UTC offset changes, see _Run.plan().
    all_starts: list[datetime] | None = None
    # Staff members usually share hours, so the candidates of identical window lists are computed once per day.
    cache: dict[tuple[Window, ...] | None, Candidates] = field(default_factory=dict)


class Run:
    """One engine call over one context: ``day`` and ``start`` walk the rules (DOMAIN.md "Availability")."""

    def __init__(self, ctx: Context, *, now: datetime, ignore: Interval | None) -> None:
        rules = ctx.rules
        if rules.duration_minutes < 1 or (rules.slot_interval_minutes is not None and rules.slot_interval_minutes < 1):
            # Definition validation forbids these; failing here beats looping forever on a zero step.
            raise ValueError("duration_minutes and slot_interval_minutes must be at least 1")
        self.ctx = ctx
        self.tz = ctx.tz
        self.rules = rules
        self.now = now = as_utc(now)
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
        self.ignore = None if ignore is None else (as_utc(ignore[0]), as_utc(ignore[1]))
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

    def plan(self, day: date) -> DayPlan:
        """Convert the day's frame to UTC and decide how its candidate starts are enumerated."""
        local_midnight = datetime.combine(day, MIDNIGHT, tzinfo=self.tz)
        midnight = local_midnight.astimezone(UTC)
        next_midnight = local_to_utc(day + ONE_DAY, MIDNIGHT, self.tz)
        noon_offset = datetime.combine(day, time(12), tzinfo=self.tz).utcoffset()
        plan = DayPlan(day=day, midnight=midnight, next_midnight=next_midnight)
        if next_midnight - midnight != ONE_DAY or noon_offset != local_midnight.utcoffset():
            # The UTC offset changes during this day (DST): a wall time in the gap maps forward onto an instant that
            # may equal another candidate's, and the repeated hour is only reached through fold=0. Convert every
            # candidate exactly as Python does (aware + timedelta is wall-clock arithmetic with fold=0), dedupe, sort.
            # Only about two days a year per zone take this path.
            plan.all_starts = sorted({(local_midnight + k * self.step).astimezone(UTC) for k in range(self.count)})
        # Otherwise the offset is constant all day, so candidate k is simply midnight + k * I in UTC and the ones
        # inside a window are found arithmetically. (Two transitions cancelling out within one day would defeat the
        # noon check; no zone in the tz database does that.)
        return plan

    def candidates(self, plan: DayPlan, windows: tuple[Window, ...] | None) -> Candidates:
        """Grid starts whose ``[s, s + duration)`` lies inside one of ``windows`` (None: the whole day)."""
        cached = plan.cache.get(windows)
        if cached is not None:
            return cached
        duration = self.duration
        if windows is None:
            bounds = [(plan.midnight, plan.next_midnight)]
        else:
            bounds = [(local_to_utc(plan.day, a, self.tz), local_to_utc(plan.day, b, self.tz)) for a, b in windows]
        starts: list[datetime]
        if plan.all_starts is None:
            starts = []
            midnight, step = plan.midnight, self.step
            for lo, hi in bounds:
                first = max(0, -((midnight - lo) // step))  # ceil((lo - midnight) / step)
                last = min(self.count - 1, (hi - duration - midnight) // step)
                starts.extend(midnight + k * step for k in range(first, last + 1))
            # Windows are disjoint and ascending, and so are their candidates on a constant-offset day.
        else:
            all_starts = plan.all_starts
            unique: set[datetime] = set()
            for lo, hi in bounds:
                # A window ending where a DST gap ends can be empty or inverted in UTC (02:00-03:00 on a spring-forward
                # day maps both ends to the same instant); the slice is then empty.
                unique.update(all_starts[bisect_left(all_starts, lo) : bisect_right(all_starts, hi - duration)])
            # On a DST day two windows can overlap in UTC; a start inside both is still one slot.
            starts = sorted(unique)
        before, until_occupied = self.before, self.until_occupied
        found = plan.cache[windows] = Candidates(
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

    def members(self, day: date, staff_id: str | None) -> tuple[list[tuple[int, StaffMember]], bool]:
        """The staff who may serve on ``day`` (only ``staff_id`` when given), with their index in ``ctx.staff``, and
        whether ``staff_id`` is one of them (True without ``staff_id``)."""
        staff = self.ctx.staff
        if staff_id is None:
            return [(i, m) for i, m in enumerate(staff) if staff_eligible_on(m, day, self.tz)], True
        index = next((i for i, m in enumerate(staff) if m.id == staff_id), None)
        if index is None or not staff_eligible_on(staff[index], day, self.tz):
            return [], False
        return [(index, staff[index])], True

    def too_late(self, latest: datetime) -> str:
        """Why a day whose last start in the hours is ``latest`` has no slots (the rules after hours and staff)."""
        if latest < self.now:
            return EmptyReason.PAST
        if latest < self.earliest:
            return EmptyReason.INSIDE_LEAD_TIME
        return EmptyReason.FULLY_BOOKED

    def day(self, day: date, *, staff_id: str | None) -> tuple[list[Slot], str, bool]:
        """The slots of one local date, the first rule that empties it (or would: ``fully_booked`` when it has
        slots), and whether ``staff_id`` may serve that day (see ``members``; True when staff is not required).

        The rules in order: bookable, the advance limit, the hours (closed), eligible staff, staff hours and
        assignments, past, the lead time, then occupancy (fully booked).
        """
        ctx, rules = self.ctx, self.rules
        if not rules.bookable:
            return [], EmptyReason.NOT_BOOKABLE, True
        members, eligible = self.members(day, staff_id) if rules.requires_staff else ([], True)
        # A candidate's local date is never before its day (DST gaps only move times forward), so a day past the
        # advance limit cannot have slots.
        if self.last_date is not None and day > self.last_date:
            return [], EmptyReason.BEYOND_ADVANCE_LIMIT, eligible
        base = intersect(windows_on(ctx.definition_hours, day), windows_on(ctx.location_hours, day))
        if base == ():
            return [], EmptyReason.CLOSED, eligible
        plan = self.plan(day)
        earliest = self.earliest
        slots: list[Slot] = []

        if not rules.requires_staff:
            capacity = rules.max_concurrent_bookings or 1
            found = self.candidates(plan, base)
            if not found.starts:
                return [], EmptyReason.CLOSED, eligible
            first = bisect_left(found.starts, earliest)
            if first < len(found.starts):
                pool = self.pool()
                starts, ends = pool.starts, pool.ends
                for start, lo, hi in _from(found, first):
                    remaining = capacity - (bisect_left(starts, hi) - bisect_right(ends, lo))
                    if remaining > 0 and (slot := self.slot(start, remaining)) is not None:
                        slots.append(slot)
            return slots, self.too_late(found.starts[-1]), eligible

        # Each member contributes the candidates inside their own windows and assignment that they are free for.
        free: dict[datetime, list[str]] = {}
        latest: datetime | None = None  # the last start any member works and is assigned for, lead time aside
        for index, member in members:
            windows = intersect(base, windows_on(member.schedule, day))
            if windows == ():
                continue
            found = self.candidates(plan, windows)
            if not found.starts:
                continue
            # Checked per candidate only on a day an assignment begins or ends within.
            whole_day = staff_assigned_for(member, plan.midnight, plan.next_midnight + self.duration)
            last = found.starts[-1]
            if not whole_day:
                duration = self.duration
                last = next((s for s in reversed(found.starts) if staff_assigned_for(member, s, s + duration)), None)
                if last is None:
                    continue
            if latest is None or last > latest:
                latest = last
            first = bisect_left(found.starts, earliest)
            if first == len(found.starts):
                continue
            busy = self.busy(index)
            starts, ends = busy.starts, busy.ends
            for start, lo, hi in _from(found, first):
                if not whole_day and not staff_assigned_for(member, start, start + self.duration):
                    continue
                if bisect_left(starts, hi) == bisect_right(ends, lo):
                    free.setdefault(start, []).append(member.id)
        for start in sorted(free):
            ids = free[start]
            if (slot := self.slot(start, len(ids), tuple(ids))) is not None:
                slots.append(slot)
        if latest is not None:
            return slots, self.too_late(latest), eligible
        # Nobody works then. Any start inside a member's hours is inside the day's hours, so only now is it worth
        # asking whether the day itself is closed.
        if not self.candidates(plan, base).starts:
            return slots, EmptyReason.CLOSED, eligible
        return slots, EmptyReason.NO_STAFF if not members else EmptyReason.STAFF_NOT_WORKING, eligible

    def start(self, start: datetime, *, staff_id: str | None) -> tuple[Slot | None, str, bool]:
        """The slot starting exactly at ``start`` (UTC) or None, the first rule that refuses it (or would:
        ``fully_booked`` or ``staff_unavailable`` when it is a slot), and whether ``staff_id`` may serve that day.

        The rules in order: bookable, past, the lead time, the advance limit, the slot grid, the hours, staff hours
        and assignments (``staff_unavailable``; with ``staff_id``, that member's), then occupancy (fully booked; a
        chosen busy member is ``staff_unavailable``).
        """
        ctx, rules = self.ctx, self.rules
        if not rules.bookable:
            return None, EmptyReason.NOT_BOOKABLE, True
        day = start.astimezone(self.tz).date()
        members, eligible = self.members(day, staff_id) if rules.requires_staff else ([], True)
        if start < self.now:
            return None, EmptyReason.PAST, eligible
        if start < self.earliest:
            return None, EmptyReason.INSIDE_LEAD_TIME, eligible
        if self.last_date is not None and day > self.last_date:
            return None, EmptyReason.BEYOND_ADVANCE_LIMIT, eligible
        plan = self.plan(day)
        if self.candidates(plan, None).index(start) is None:
            return None, EmptyReason.OFF_GRID, eligible
        base = intersect(windows_on(ctx.definition_hours, day), windows_on(ctx.location_hours, day))
        found = self.candidates(plan, base) if base != () else None
        at = found.index(start) if found is not None else None
        if found is None or at is None:
            return None, EmptyReason.OUTSIDE_HOURS, eligible
        if not rules.requires_staff:
            remaining = (rules.max_concurrent_bookings or 1) - self.pool().overlaps(found.los[at], found.his[at])
            return (self.slot(start, remaining) if remaining > 0 else None), EmptyReason.FULLY_BOOKED, eligible
        ids: list[str] = []
        working = False
        for index, member in members:
            found = self.candidates(plan, intersect(base, windows_on(member.schedule, day)))
            at = found.index(start)
            if at is None or not staff_assigned_for(member, start, start + self.duration):
                continue
            working = True
            if self.busy(index).overlaps(found.los[at], found.his[at]) == 0:
                ids.append(member.id)
        slot = self.slot(start, len(ids), tuple(ids)) if ids else None
        chosen_or_nobody = staff_id is not None or not working
        return slot, EmptyReason.STAFF_UNAVAILABLE if chosen_or_nobody else EmptyReason.FULLY_BOOKED, eligible


def _from(found: Candidates, first: int):
    """(start, lo, hi) of the candidates from position ``first`` on."""
    if first == 0:
        return zip(found.starts, found.los, found.his, strict=True)
    return zip(found.starts[first:], found.los[first:], found.his[first:], strict=True)
