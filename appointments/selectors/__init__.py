"""Reads for availability and booking: everything one request needs, in a small fixed number of queries.

The queries do not depend on the number of staff or days: hours, staff and occupancies are each fetched with one
`IN`/range query and grouped in Python, then handed to the pure engine (appointments.availability).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from django.db.models import QuerySet

from appointments import admission
from appointments.admission import Purpose, admitted, definition_admits, staff_choice_refused
from appointments.availability import (
    DaySlots,
    EmptyReason,
    NotEligible,
    RangeSlots,
    day_with_reason,
    range_with_reasons,
    slots_for_day,
    staff_eligible_on,
)
from appointments.models import (
    Appointment,
    AppointmentDefinition,
)
from appointments.selectors.fastpath import cached_schedule, current_schedule_token, definition_at, load_occupancy
from appointments.selectors.schedule import Loaded, linked_location, load_schedule
from core.errors import ValidationFailed
from core.jsonlogic import condition_holds
from directory.models import (
    Location,
    Profile,
)

MAX_RANGE_DAYS = 31


def load_availability(definition: AppointmentDefinition, location: Location, start: date, end: date) -> Loaded:
    """Everything the engine needs for `definition` at `location` on the local dates [start, end].

    Queries: definition and location hours (2), and either holding appointments of the definition at the
    location (1) or eligible staff (1), their hours (2) and their holding appointments (1).
    """
    return load_occupancy(load_schedule(definition, location, start, end), start, end)


READ_TOKEN = object()  # the default of `token` below: read the schedule token now


def availability_of(definition: AppointmentDefinition, location_id, start: date, end: date,
                    token: int | None | object = READ_TOKEN) -> Loaded:  # fmt: skip
    """What the engine needs to answer an availability request: the linked location (else linked_location's 422),
    hours and staff from the schedule cache while the schedule token holds (one small query), then occupancy.

    `token` is the schedule token the caller already read (the API reads it to find the definition)."""
    if token is READ_TOKEN:
        token = current_schedule_token()
    _, location = definition_at(definition.pk, location_id, token)
    if location is None:
        location = linked_location(definition, location_id)
    return load_occupancy(cached_schedule(definition, location, start, token, end), start, end)


def check_range(start: date, end: date) -> None:
    """The range endpoint's window: start on or before end, at most 31 days counted inclusively."""
    if end < start:
        raise ValidationFailed.on("end_date", "end_date must be on or after start_date.")
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise ValidationFailed.on("end_date", f"The range may cover at most {MAX_RANGE_DAYS} days.")


def _staff_key(definition: AppointmentDefinition, staff_id) -> str | None:
    if staff_id is None:
        return None
    if refusal := staff_choice_refused(definition, staff_id):
        raise refusal.error("staff_id")
    return str(staff_id)


def _not_eligible(staff_id) -> ValidationFailed:
    return ValidationFailed.on("staff_id", f"Staff member {staff_id} cannot take this appointment here on that date.")


def day_availability(definition: AppointmentDefinition, location_id, day: date, *, staff_id=None,
                     now: datetime, token=READ_TOKEN) -> tuple[Loaded, DaySlots]:  # fmt: skip
    """The slots of one local date (DOMAIN.md "Availability") and, without slots, why (a key of
    EMPTY_DAY_MESSAGES), with what was loaded to compute them."""
    loaded = availability_of(definition, location_id, day, day, token)
    staff_key = _staff_key(definition, staff_id)
    try:
        found = day_with_reason(loaded.context, day, now=now, staff_id=staff_key)
    except NotEligible as exc:
        raise _not_eligible(staff_id) from exc
    return loaded, replace(found, reason=_day_reason(definition, found.reason))


def day_slots(definition: AppointmentDefinition, location_id, day: date, *, staff_id=None, now: datetime):
    """The slots of :func:`day_availability`, with what was loaded to compute them."""
    loaded, found = day_availability(definition, location_id, day, staff_id=staff_id, now=now)
    return loaded, found.slots


def range_availability(definition: AppointmentDefinition, location_id, start: date, end: date, *, staff_id=None,
                       now: datetime, token=READ_TOKEN) -> tuple[Loaded, RangeSlots]:  # fmt: skip
    """The union of the single-day results over [start, end] (at most 31 days), and why each date without slots
    has none."""
    check_range(start, end)
    loaded = availability_of(definition, location_id, start, end, token)
    staff_key = _staff_key(definition, staff_id)
    if staff_key is not None and staff_key not in loaded.staff:
        raise _not_eligible(staff_id)
    try:
        found = range_with_reasons(loaded.context, start, end, now=now, staff_id=staff_key)
    except NotEligible as exc:
        raise _not_eligible(staff_id) from exc
    empty = {day: _day_reason(definition, reason) for day, reason in found.empty_days.items()}
    return loaded, replace(found, empty_days=empty)


def range_slots(definition: AppointmentDefinition, location_id, start: date, end: date, *, staff_id=None,
                now: datetime):  # fmt: skip
    """The slots of :func:`range_availability`, with what was loaded to compute them."""
    loaded, found = range_availability(definition, location_id, start, end, staff_id=staff_id, now=now)
    return loaded, found.slots


# Why a day has no slots: the engine's EmptyReason codes, with `not_bookable` split into its causes (the codes of
# the admission refusals). These sentences describe a day; a refused booking says appointments.admission's.
EMPTY_DAY_MESSAGES = {
    admission.ARCHIVED.code: "The appointment definition is archived.",
    admission.WALK_IN_ONLY.code: "The service is walk-in only: join the queue instead of booking.",
    EmptyReason.BEYOND_ADVANCE_LIMIT: "The date is beyond how far ahead this service can be booked (max_advance_days).",
    EmptyReason.CLOSED: "Closed: no opening hours of the service at this location on that date.",
    EmptyReason.NO_STAFF: "No staff member can take this service here on that date.",
    EmptyReason.STAFF_NOT_WORKING: "No staff member who takes this service works in the opening hours on that date.",
    EmptyReason.PAST: "Every time on that date has passed.",
    EmptyReason.INSIDE_LEAD_TIME: "The remaining times are too soon to book (min_lead_minutes).",
    EmptyReason.FULLY_BOOKED: "Fully booked.",
}


def _day_reason(definition: AppointmentDefinition, reason: str | None) -> str | None:
    """The engine's reason, with `not_bookable` named by the admission rule that refuses the booking."""
    if reason == EmptyReason.NOT_BOOKABLE:
        refusal = definition_admits(definition, Purpose.BOOK, customer=False)
        return refusal.code if refusal else reason
    return reason


def staff_for_day(definition: AppointmentDefinition, location_id, day: date, *, now: datetime, token=READ_TOKEN):
    """Eligible staff on a date, each with whether they have at least one free slot."""
    if not definition.requires_staff:
        raise ValidationFailed.on("requires_staff", "This appointment definition does not require staff.")
    loaded = availability_of(definition, location_id, day, day, token)
    free = {staff for slot in slots_for_day(loaded.context, day, now=now) for staff in slot.free_staff}
    tz = loaded.context.tz
    return loaded, [
        (loaded.staff[member.id], member.id in free)
        for member in loaded.context.staff
        if staff_eligible_on(member, day, tz)
    ]


def profile_logic_data(profile: Profile) -> dict:
    """What a definition's visibility_condition (JSON Logic) sees: the profile's fields and `attributes`."""
    return {
        "id": str(profile.pk),
        "first_name": profile.first_name,
        "last_name": profile.last_name,
        "email": profile.email,
        "mobile_phone": profile.mobile_phone,
        "attributes": profile.attributes or {},
    }


def definitions_visible_to(profile: Profile) -> list[AppointmentDefinition]:
    """Published, non-archived definitions whose visibility_condition holds for the profile.

    A definition without a condition is not listed (API.md); a condition that fails to evaluate counts as false.
    """
    data = profile_logic_data(profile)
    candidates = definitions_for_customers().exclude(visibility_condition__isnull=True)
    # A broken condition hides the definition, it does not break the list.
    return [definition for definition in candidates if condition_holds(definition.visibility_condition, data)]


def definitions_for_customers() -> QuerySet[AppointmentDefinition]:
    """The definitions a customer may see (appointments.admission, Purpose.SEE)."""
    return admitted(AppointmentDefinition.objects.all(), Purpose.SEE, customer=True)


def appointments_with_relations() -> QuerySet[Appointment]:
    return Appointment.objects.select_related("definition", "profile", "location", "assigned_staff").order_by(
        "scheduled_start_at", "id"
    )
