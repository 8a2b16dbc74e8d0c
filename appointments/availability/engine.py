"""The engine's entry points: a day, a range, one start, each with why it is empty; and a refusal's facts."""

from __future__ import annotations

from datetime import date, datetime

from appointments.availability.data import (
    ONE_DAY,
    Context,
    DaySlots,
    Interval,
    NotEligible,
    RangeSlots,
    RefusalFacts,
    Slot,
    StartCheck,
    as_utc,
)
from appointments.availability.run import Run
from directory.hours import intersect, windows_on


def day_with_reason(
    ctx: Context,
    day: date,
    *,
    now: datetime,
    staff_id: str | None = None,
    ignore: Interval | None = None,
) -> DaySlots:
    """The slots of the local date ``day``, ascending by start, and why there are none (one walk of the rules).

    ``staff_id`` restricts a staff-requiring definition to one member (capacity 1 per slot) and raises
    :class:`NotEligible` when that member is not in ``ctx.staff`` or not eligible on ``day``; it is ignored when the
    definition does not require staff. ``ignore`` removes one occurrence of that exact UTC occupancy interval from
    the occupancies and from every staff member's busy list (rescheduling: an appointment must not block itself).
    """
    slots, reason, eligible = Run(ctx, now=now, ignore=ignore).day(day, staff_id=staff_id)
    if not eligible:
        raise NotEligible(staff_id, day)
    return DaySlots(slots, None if slots else reason)


def slots_for_day(
    ctx: Context,
    day: date,
    *,
    now: datetime,
    staff_id: str | None = None,
    ignore: Interval | None = None,
) -> list[Slot]:
    """The slots of :func:`day_with_reason`."""
    return day_with_reason(ctx, day, now=now, staff_id=staff_id, ignore=ignore).slots


def empty_day_reason(ctx: Context, day: date, *, now: datetime, staff_id: str | None = None) -> str:
    """Why the local date ``day`` has no slots (an :class:`EmptyReason` value), from the same walk that finds them.

    The first rule that empties the day wins, in the walk's order: not bookable, beyond ``max_advance_days``, closed
    (no definition/location window, or none long enough for one appointment), no eligible staff (with ``staff_id``:
    that member not eligible), staff not working in the open hours, every start already past, every remaining start
    inside ``min_lead_minutes``, and otherwise fully booked (also the answer for a day that has slots).
    """
    return Run(ctx, now=now, ignore=None).day(day, staff_id=staff_id)[1]


def range_with_reasons(
    ctx: Context, start: date, end: date, *, now: datetime, staff_id: str | None = None
) -> RangeSlots:
    """The union of the single-day slots for every date in ``[start, end]``, ascending, and why each date without
    slots has none (one walk per date).

    Occupancies are sorted once for the whole range. With ``staff_id``, dates on which the member is not eligible
    contribute no slots; :class:`NotEligible` is raised only when the member is eligible on none of the dates (or
    is not in ``ctx.staff``), so an assignment starting mid-range still shows its bookable days.
    """
    run = Run(ctx, now=now, ignore=None)
    slots: list[Slot] = []
    reasons: dict[date, str] = {}
    eligible_somewhere = False
    day = start
    while day <= end:
        found, reasons[day], eligible = run.day(day, staff_id=staff_id)
        slots.extend(found)
        eligible_somewhere = eligible_somewhere or eligible
        day += ONE_DAY
    if staff_id is not None and start <= end and not eligible_somewhere:
        raise NotEligible(staff_id, start)
    # A date is empty when no slot's local date is that date (a DST gap could in theory move a start past midnight).
    with_slots = {slot.date for slot in slots}
    return RangeSlots(slots, {day: reason for day, reason in reasons.items() if day not in with_slots})


def slots_for_range(ctx: Context, start: date, end: date, *, now: datetime, staff_id: str | None = None) -> list[Slot]:
    """The slots of :func:`range_with_reasons`."""
    return range_with_reasons(ctx, start, end, now=now, staff_id=staff_id).slots


def check_start(
    ctx: Context,
    start_utc: datetime,
    *,
    now: datetime,
    staff_id: str | None = None,
    ignore: Interval | None = None,
) -> StartCheck:
    """The slot starting exactly at ``start_utc`` on its local date, or None and why not (booking validation).

    Raises :class:`NotEligible` like :func:`day_with_reason`.
    """
    start_utc = as_utc(start_utc)
    slot, reason, eligible = Run(ctx, now=now, ignore=ignore).start(start_utc, staff_id=staff_id)
    if not eligible:
        raise NotEligible(staff_id, start_utc.astimezone(ctx.tz).date())
    return StartCheck(slot, None if slot is not None else reason)


def has_slot(
    ctx: Context,
    start_utc: datetime,
    *,
    now: datetime,
    staff_id: str | None = None,
    ignore: Interval | None = None,
) -> Slot | None:
    """The slot of :func:`check_start`."""
    return check_start(ctx, start_utc, now=now, staff_id=staff_id, ignore=ignore).slot


def no_slot_reason(ctx: Context, start_utc: datetime, *, now: datetime, staff_id: str | None = None) -> str:
    """Why ``start_utc`` is not a slot (an :class:`EmptyReason` value), from the same walk that looks for it.

    Checked in this order: not bookable, in the past, inside ``min_lead_minutes``, beyond ``max_advance_days``, off
    the slot grid, outside the definition's and location's hours, outside every eligible staff member's hours
    (``staff_unavailable``; with ``staff_id``, that member's), and otherwise fully booked (pooled capacity used up,
    or every staff member working then already busy; a chosen busy member is ``staff_unavailable``).
    """
    return Run(ctx, now=now, ignore=None).start(as_utc(start_utc), staff_id=staff_id)[1]


def refusal_facts(ctx: Context, start_utc: datetime, *, now: datetime) -> RefusalFacts:
    """The limits around a start that :func:`check_start` refused, for a message that says what to do instead."""
    run = Run(ctx, now=now, ignore=None)
    start_utc = as_utc(start_utc)
    day = start_utc.astimezone(ctx.tz).date()
    hours = intersect(windows_on(ctx.definition_hours, day), windows_on(ctx.location_hours, day))
    starts = run.candidates(run.plan(day), hours).starts if hours != () else []
    bookable = [s for s in starts if s >= run.earliest]
    return RefusalFacts(
        earliest=run.earliest,
        last_date=run.last_date,
        step_minutes=int(run.step.total_seconds() // 60),
        before=max((s for s in bookable if s < start_utc), default=None),
        after=min((s for s in bookable if s > start_utc), default=None),
        hours=hours,
    )
