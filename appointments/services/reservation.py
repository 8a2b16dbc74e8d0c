"""The check-and-hold step shared by booking and rescheduling, under the locks that make it race-free.

The locks, their order and the cached reads come from the booking fast path (appointments/selectors/fastpath.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from django.db import IntegrityError, OperationalError

from appointments.admission import Purpose, definition_admits, staff_choice_refused
from appointments.availability import (
    EmptyReason,
    NotEligible,
    StartCheck,
    check_start,
    has_slot,
    occupancy,
    refusal_facts,
    staff_assigned_for,
)
from appointments.models import Appointment, AppointmentDefinition
from appointments.selectors.fastpath import (
    cached_schedule,
    current_schedule_token,
    definition_at,
    load_occupancy,
    lock_link,
    lock_staff,
    staff_clashes,
)
from appointments.selectors.schedule import Loaded, rules_of
from core.errors import Conflict, ValidationFailed
from core.localtime import local_moment
from directory.models import Location

RETRY_AFTER_SECONDS = 1


class SlotUnavailable(Conflict):
    """Lost a race for the last place (or a lock wait timed out): the client may retry."""

    code = "slot_unavailable"
    default_message = "That time was just taken; pick another slot or try again."

    def __init__(self, message: str | None = None):
        super().__init__(message, retry_after=RETRY_AFTER_SECONDS)


@dataclass(frozen=True)
class Reservation:
    """What a booking or reschedule may write: the times, the occupancy and the staff member."""

    start: datetime
    end: datetime
    occupancy_start: datetime
    occupancy_end: datetime
    staff_id: str | None


class Bookable(NamedTuple):
    definition: AppointmentDefinition
    location: Location | None
    schedule_token: int | None


def bookable_at(definition_id, location_id, *, customer: bool) -> Bookable:
    """The definition, if it can be booked at all (by this kind of caller), and the location when it is linked.

    One small query while the caches are warm: the schedule token, under which the definition, location and link
    are cached (selectors.definition_at). Definition problems are a 422 on appointment_definition_id; an unlinked
    location comes back as None for the caller to report after its own checks (selectors.linked_location says
    why).
    """
    token = current_schedule_token()
    definition, location = definition_at(definition_id, location_id, token)
    if refusal := definition_admits(definition, Purpose.BOOK, customer=customer):
        raise refusal.error()
    return Bookable(definition, location, token)


def checked_end(definition: AppointmentDefinition, start: datetime, end: datetime | None) -> datetime:
    expected = start + timedelta(minutes=definition.duration_minutes)
    if end is None:
        return expected
    if end != expected:
        raise ValidationFailed.on(
            "scheduled_end_at", f"The appointment must last exactly {definition.duration_minutes} minutes."
        )
    return end


def reserve(
    definition: AppointmentDefinition,
    location: Location,
    start: datetime,
    end: datetime | None,
    *,
    staff_id: str | None,
    override: bool,
    now: datetime,
    current: Appointment | None = None,
    schedule_token: int | None = None,
) -> Reservation:
    """Check the slot and choose the staff member under the booking locks. Call inside a transaction.

    `location` must be linked to the definition (selectors.linked_location). `current` is the appointment being
    rescheduled: its own occupancy does not block it. `schedule_token` lets the hours and staff lists come from
    the schedule cache (see bookable_at).
    """
    end = checked_end(definition, start, end)
    if refusal := staff_choice_refused(definition, staff_id):
        raise refusal.error("assigned_staff_id")
    if definition.requires_staff and staff_id is None and definition.customer_must_select_staff:
        raise ValidationFailed.on("assigned_staff_id", "Pick a staff member for this appointment.")
    local_day = start.astimezone(location.timezone).date()
    # Hours and staff lists are read before the lock: only occupancy is contended.
    loaded = cached_schedule(definition, location, local_day, schedule_token)
    try:
        if not lock_link(definition.pk, location.pk):
            raise ValidationFailed.on("location_id", "This appointment definition is not offered at this location.")
        loaded = load_occupancy(loaded, local_day, local_day)
        ignore = (current.occupancy_start, current.occupancy_end) if current and current.is_holding else None
        occupied = occupancy(start, end, rules_of(definition))
        if override:
            candidates = _override_candidates(loaded, (start, end), occupied, staff_id, ignore)
        else:
            candidates = _slot_candidates(loaded, start, staff_id, ignore, now)
        chosen = (
            _lock_free_staff(loaded, candidates, occupied, local_day, current) if definition.requires_staff else None
        )
    except OperationalError as exc:  # lock_timeout on PostgreSQL
        raise SlotUnavailable("The slot is busy being booked; try again.") from exc
    return Reservation(start, end, occupied[0], occupied[1], chosen)


def _slot_candidates(loaded: Loaded, start: datetime, staff_id, ignore, now) -> list[str]:
    """Staff ids free for the slot at `start` (empty list for pooled definitions); 422 when there is no slot."""
    try:
        check: StartCheck = check_start(loaded.context, start, now=now, staff_id=staff_id, ignore=ignore)
    except NotEligible as exc:
        raise ValidationFailed.on(
            "assigned_staff_id", "This staff member cannot take this appointment here then."
        ) from exc
    slot, reason = check.slot, check.reason
    if slot is None:
        if staff_id is not None and has_slot(loaded.context, start, now=now, ignore=ignore) is not None:
            raise ValidationFailed.on(
                "assigned_staff_id", "This staff member is not free at that time.", code=EmptyReason.STAFF_UNAVAILABLE
            )
        raise ValidationFailed.on("scheduled_start_at", slot_refusal(reason, loaded, start, now, staff_id), code=reason)
    if not loaded.definition.requires_staff:
        return []
    return [staff_id] if staff_id is not None else list(slot.free_staff)


# Why a start is not a slot, one message per rule (docs/api.md "Errors"): the code names the rule, the message says
# what to do instead, with times in the location's local time and zone.
SLOT_REFUSALS = {
    EmptyReason.NOT_BOOKABLE: "This appointment definition cannot be booked.",
    EmptyReason.PAST: "That time has passed; pick a later slot.",
    EmptyReason.INSIDE_LEAD_TIME: (
        "That time is too soon to book: this service needs {lead} minutes' notice, so the earliest start is {earliest}."
    ),
    EmptyReason.BEYOND_ADVANCE_LIMIT: (
        "That time is too far ahead: this service can be booked at most {days} days ahead, up to {last_date}."
    ),
    EmptyReason.OFF_GRID: "That time is off the slot grid: slots start every {step} minutes; {nearest}.",
    EmptyReason.OUTSIDE_HOURS: "That time is outside this service's hours here: {hours}.",
    EmptyReason.STAFF_UNAVAILABLE: "No staff member who takes this service is working then; pick another slot.",
    # staff_unavailable for a chosen staff member
    "chosen_staff_unavailable": "This staff member is not available then; pick another time or another staff member.",
    EmptyReason.FULLY_BOOKED: "That slot is fully booked: every place is taken. Pick another slot.",
}


def slot_refusal(reason: str, loaded: Loaded, start: datetime, now: datetime, staff_id: str | None = None) -> str:
    """The message of SLOT_REFUSALS[reason] for `start`, with the limits it names filled in."""
    if reason == EmptyReason.STAFF_UNAVAILABLE and staff_id is not None:
        return SLOT_REFUSALS["chosen_staff_unavailable"]
    facts = refusal_facts(loaded.context, start, now=now)
    tz = loaded.context.tz
    rules = loaded.context.rules
    nearest = [f"{at.astimezone(tz):%H:%M}" for at in (facts.before, facts.after) if at is not None]
    day = start.astimezone(tz).date().isoformat()
    if not facts.hours:  # closed all day (unrestricted hours never refuse a start)
        hours = f"it is closed on {day}"
    else:
        hours = f"on {day} they are " + ", ".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in facts.hours) + f" ({tz.key})"
    return SLOT_REFUSALS[reason].format(
        lead=rules.min_lead_minutes,
        earliest=local_moment(facts.earliest, tz),
        days=rules.max_advance_days,
        last_date=facts.last_date.isoformat() if facts.last_date else "",
        step=facts.step_minutes,
        nearest=_nearest(nearest, tz.key),
        hours=hours,
    )


def _nearest(starts: list[str], zone: str) -> str:
    if not starts:
        return "none is bookable that day"
    if len(starts) == 1:
        return f"the nearest bookable start that day is {starts[0]} ({zone})"
    return f"the nearest bookable starts that day are {' and '.join(starts)} ({zone})"


def _overlaps(intervals, occupied, ignore) -> int:
    skipped = False
    count = 0
    for interval in intervals:
        if not skipped and ignore is not None and tuple(interval) == ignore:
            skipped = True
            continue
        if interval[0] < occupied[1] and interval[1] > occupied[0]:
            count += 1
    return count


def _override_candidates(loaded: Loaded, times, occupied, staff_id, ignore) -> list[str]:
    """Outside hours, grid, lead and advance, but never over capacity, on a busy staff member, or outside the staff
    member's assignment (`times` is the appointment's [start, end))."""
    definition = loaded.definition
    if not definition.requires_staff:
        if _overlaps(loaded.context.occupancies, occupied, ignore) >= definition.capacity:
            raise ValidationFailed.on(
                "scheduled_start_at", "No capacity left at that time.", code=EmptyReason.FULLY_BOOKED
            )
        return []
    if staff_id is not None and staff_id not in loaded.staff:
        raise ValidationFailed.on("assigned_staff_id", "This staff member cannot take this appointment here.")
    members = [
        m for m in loaded.context.staff if (staff_id is None or m.id == staff_id) and staff_assigned_for(m, *times)
    ]
    free = [m.id for m in members if _overlaps(m.busy, occupied, ignore) == 0]
    if not free:
        field = "assigned_staff_id" if staff_id is not None else "scheduled_start_at"
        code = EmptyReason.STAFF_UNAVAILABLE if staff_id is not None else EmptyReason.FULLY_BOOKED
        raise ValidationFailed.on(field, "No staff member is free at that time.", code=code)
    return free


def _lock_free_staff(loaded: Loaded, candidates: list[str], occupied, local_day, current) -> str:
    """Fewest holding appointments that local day, then sort order, then id; confirmed free under its lock."""
    tz = loaded.context.tz
    busy = {member.id: member.busy for member in loaded.context.staff}

    def load(staff: str) -> int:
        return sum(1 for begin, _ in busy.get(staff, ()) if begin.astimezone(tz).date() == local_day)

    def sort_order(staff: str) -> int:
        info = loaded.staff.get(staff)
        order = info and (
            info.definition_sort_order if info.definition_sort_order is not None else info.location_sort_order
        )
        return order or 0

    for staff in sorted(candidates, key=lambda s: (load(s), sort_order(s), s)):
        lock_staff(staff)
        clashes = staff_clashes(staff, occupied[0], occupied[1])
        if not any(current is None or pk != current.pk for pk in clashes):
            return staff
    raise SlotUnavailable()


def is_overlap_violation(exc: IntegrityError) -> bool:
    """The PostgreSQL exclusion constraint fired: somebody else holds that staff member then."""
    return "appointment_staff_no_overlap" in str(exc)
