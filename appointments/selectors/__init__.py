"""Reads for availability and booking: everything one request needs, in a small fixed number of queries.

The queries do not depend on the number of staff or days: hours, staff and occupancies are each fetched with one
`IN`/range query and grouped in Python, then handed to the pure engine (appointments.availability).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import CharField, QuerySet, Value

from appointments import admission
from appointments.admission import Purpose, admitted, definition_admits, staff_choice_refused
from appointments.availability import (
    Context,
    DaySlots,
    EmptyReason,
    NotEligible,
    Period,
    RangeSlots,
    Rules,
    StaffMember,
    day_with_reason,
    range_with_reasons,
    slots_for_day,
    staff_eligible_on,
)
from appointments.enums import HOLDING_STATUSES, OfferStatus
from appointments.models import (
    Appointment,
    AppointmentDefinition,
    DefinitionLocation,
    DefinitionNormalHour,
    DefinitionSpecialHour,
    DefinitionStaff,
    ScheduleVersion,
    WaitlistOffer,
)
from appointments.models.schedule import ROW_ID as SCHEDULE_ROW_ID
from core.errors import ValidationFailed
from core.jsonlogic import condition_holds
from core.lru import LRU, from_row_values, row_values
from core.reads import Select, scalar_by, union_rows
from directory.enums import AssignmentType
from directory.hours import Schedule
from directory.models import (
    Location,
    LocationNormalHour,
    LocationSpecialHour,
    Profile,
    ProfileNormalHour,
    ProfileSpecialHour,
    StaffAssignment,
)
from directory.selectors import dated_rows, schedules_by_owner, schedules_from_rows, weekly_rows

MAX_RANGE_DAYS = 31
PROFILE_FIELDS = ("first_name", "last_name", "email", "mobile_phone")
ASSIGNMENT_FIELDS = ("profile_id", "starts_at", "ends_at", "is_default", "sort_order", "excluded_service_handles",
                     *(f"profile__{name}" for name in PROFILE_FIELDS))  # fmt: skip


@dataclass(frozen=True)
class StaffInfo:
    """What the available-staff endpoint shows besides the engine's answer."""

    profile: Profile
    is_default_location: bool = False
    definition_sort_order: int | None = None
    location_sort_order: int | None = None


@dataclass
class Loaded:
    """The engine's Context plus the records the API echoes back."""

    context: Context
    definition: AppointmentDefinition
    location: Location
    staff: dict[str, StaffInfo] = field(default_factory=dict)


def linked_location(definition: AppointmentDefinition, location_id) -> Location:
    """The location, when the definition is offered there through an active link (else a 422 on location_id)."""
    location = Location.objects.filter(
        pk=location_id, definition_links__definition=definition, definition_links__is_active=True
    ).first()
    if location is None:
        if not Location.objects.filter(pk=location_id).exists():
            raise ValidationFailed.on("location_id", "The location does not exist.")
        raise ValidationFailed.on("location_id", "This appointment definition is not offered at this location.")
    return location


def rules_of(definition: AppointmentDefinition) -> Rules:
    return Rules(
        duration_minutes=definition.duration_minutes,
        buffer_before_minutes=definition.buffer_before_minutes,
        buffer_after_minutes=definition.buffer_after_minutes,
        slot_interval_minutes=definition.slot_interval_minutes,
        min_lead_minutes=definition.min_lead_minutes,
        max_advance_days=definition.max_advance_days,
        max_concurrent_bookings=definition.max_concurrent_bookings,
        requires_staff=definition.requires_staff,
        bookable=definition_admits(definition, Purpose.BOOK, customer=False) is None,
    )


def _utc_bounds(location: Location, start: date, end: date, definition: AppointmentDefinition) -> tuple:
    """The instants an occupancy must overlap to touch any candidate on the local dates [start, end].

    Candidates start between local midnight of `start` and local midnight after `end`, and occupy from
    buffer_before before their start until duration + buffer_after after it.
    """
    tz = location.timezone
    before = timedelta(minutes=definition.buffer_before_minutes)
    after = timedelta(minutes=definition.duration_minutes + definition.buffer_after_minutes)
    low = datetime.combine(start, time(0), tzinfo=tz).astimezone(UTC) - before
    high = datetime.combine(end + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC) + after
    return low, high


# Occupancy is read on every booking and every availability request: prebuilt SQL (core.reads.Select).
_OVERLAPPING = (("status", "in"), ("occupancy_start", "<"), ("occupancy_end", ">"))
POOLED_OCCUPANCY = Select(
    Appointment, ("occupancy_start", "occupancy_end"), (("definition", "="), ("location", "="), *_OVERLAPPING)
)
STAFF_OCCUPANCY = Select(
    Appointment, ("assigned_staff", "occupancy_start", "occupancy_end"), (("assigned_staff", "in"), *_OVERLAPPING)
)
# Open waitlist offers hold their place like holding appointments (services.offers); read the same way.
_OPEN_OVERLAPPING = (("status", "="), ("occupancy_start", "<"), ("occupancy_end", ">"))
POOLED_HOLDS = Select(
    WaitlistOffer, ("occupancy_start", "occupancy_end"), (("definition", "="), ("location", "="), *_OPEN_OVERLAPPING)
)
STAFF_HOLDS = Select(
    WaitlistOffer, ("staff", "occupancy_start", "occupancy_end"), (("staff", "in"), *_OPEN_OVERLAPPING)
)


def _eligible_staff(definition: AppointmentDefinition, location: Location, start: date, end: date) -> dict[str, dict]:
    """Eligible staff ids -> profile, periods and sort data, from either staff source (DOMAIN.md step 8)."""
    staff: dict[str, dict] = {}
    if definition.use_staff_from_location:
        low, high = _utc_bounds(location, start, end, definition)
        assignments = (
            StaffAssignment.objects.filter(location=location, assignment_type=AssignmentType.STAFF, is_active=True)
            .exclude(starts_at__gte=high)
            .exclude(ends_at__lt=low)
            .select_related("profile")
            .only(*ASSIGNMENT_FIELDS)
            .order_by("sort_order", "id")
        )
        for row in assignments:
            if definition.handle in (row.excluded_service_handles or ()):
                continue
            entry = staff.setdefault(
                str(row.profile_id),
                {"profile": row.profile, "periods": [], "is_default": False, "location_sort": row.sort_order},
            )
            entry["periods"].append(Period(row.starts_at, row.ends_at))
            entry["is_default"] = entry["is_default"] or row.is_default
    else:
        links = (
            DefinitionStaff.objects.filter(definition=definition, is_active=True)
            .select_related("staff")
            .only("sort_order", "staff_id", *(f"staff__{name}" for name in PROFILE_FIELDS))
        )
        for row in links.order_by("sort_order", "id"):
            staff[str(row.staff_id)] = {"profile": row.staff, "periods": None, "definition_sort": row.sort_order}
    return staff


def merged_periods(periods: list[Period]) -> tuple[Period, ...]:
    """Overlapping or touching assignment periods of one staff member as one: a slot across the seam of two
    back-to-back assignments lies inside the member's assignment (the engine checks one period at a time)."""
    merged: list[Period] = []
    low = datetime.min.replace(tzinfo=UTC)
    for period in sorted(periods, key=lambda p: p.starts_at or low):
        last = merged[-1] if merged else None
        if last is not None and (last.ends_at is None or (period.starts_at or low) <= last.ends_at):
            ends_at = None if last.ends_at is None or period.ends_at is None else max(last.ends_at, period.ends_at)
            merged[-1] = Period(last.starts_at, ends_at)
        else:
            merged.append(period)
    return tuple(merged)


def load_availability(definition: AppointmentDefinition, location: Location, start: date, end: date) -> Loaded:
    """Everything the engine needs for `definition` at `location` on the local dates [start, end].

    Queries: definition and location hours (2), and either holding appointments of the definition at the
    location (1) or eligible staff (1), their hours (2) and their holding appointments (1).
    """
    return load_occupancy(load_schedule(definition, location, start, end), start, end)


def load_schedule(definition: AppointmentDefinition, location: Location, start: date, end: date) -> Loaded:
    """The slow-changing half: hours, and eligible staff with their hours (no occupancy yet).

    Booking reads this before taking its lock, so the lock is held only for the occupancy read and the insert.
    """
    # The definition's and the location's hours come back together: one query for weekly rows, one for dated.
    definition_key = Value("definition", output_field=CharField())
    location_key = Value("location", output_field=CharField())
    weekly = weekly_rows(DefinitionNormalHour.objects.filter(definition=definition), definition_key).union(
        weekly_rows(LocationNormalHour.objects.filter(location=location), location_key), all=True
    )
    dated = dated_rows(DefinitionSpecialHour.objects.filter(definition=definition), definition_key).union(
        dated_rows(LocationSpecialHour.objects.filter(location=location), location_key), all=True
    )
    schedules = schedules_from_rows(weekly, dated)
    definition_hours = schedules.get("definition", Schedule())
    location_hours = schedules.get("location", Schedule())
    loaded = Loaded(
        context=Context(rules=rules_of(definition), tz=location.timezone, definition_hours=definition_hours,
                        location_hours=location_hours),
        definition=definition,
        location=location,
    )  # fmt: skip
    if not definition.requires_staff:
        return loaded
    eligible = _eligible_staff(definition, location, start, end)
    ids = list(eligible)
    schedules = schedules_by_owner(
        ProfileNormalHour.objects.filter(profile_id__in=ids),
        ProfileSpecialHour.objects.filter(profile_id__in=ids),
        "profile_id",
    )
    members = []
    for staff_id, entry in eligible.items():
        profile = entry["profile"]
        periods = merged_periods(entry["periods"]) if entry["periods"] is not None else None
        members.append(StaffMember(id=staff_id, schedule=schedules.get(profile.pk, Schedule()), periods=periods))
        loaded.staff[staff_id] = StaffInfo(
            profile=profile,
            is_default_location=entry.get("is_default", False),
            definition_sort_order=entry.get("definition_sort"),
            location_sort_order=entry.get("location_sort"),
        )
    loaded.context = replace(loaded.context, staff=tuple(members))
    return loaded


# Per-process caches of what booking reads that is not an appointment, valid while the schedule token is unchanged
# (models.schedule.ScheduleVersion). Every key starts with the token.
_bookables = LRU(1024)
_schedules = LRU(512)


def current_schedule_token() -> int | None:
    """The ScheduleVersion token now (None when its row is missing: then nothing is cached)."""
    return scalar_by(ScheduleVersion, "token", "id", SCHEDULE_ROW_ID)


def definition_at(definition_id: int, location_id: int, token: int | None) -> tuple:
    """(definition or None, location or None): the location only when actively linked to the definition.

    Fresh instances every call; the rows come from the cache while `token` is current.
    """

    def load() -> tuple:
        link = (
            DefinitionLocation.objects.select_related("definition", "location")
            .filter(definition_id=definition_id, location_id=location_id, is_active=True)
            .first()
        )
        if link is not None:
            return row_values(link.definition), row_values(link.location)
        return row_values(AppointmentDefinition.objects.filter(pk=definition_id).first()), None

    values = load() if token is None else _bookables.get((token, definition_id, location_id), load)
    return from_row_values(AppointmentDefinition, values[0]), from_row_values(Location, values[1])


def cached_schedule(
    definition: AppointmentDefinition, location: Location, day: date, token: int | None, end: date | None = None
) -> Loaded:
    """load_schedule for the local dates [day, end] (one day without `end`), from this process's cache while the
    schedule token is `token`.

    The key also holds every definition and location field the schedule depends on. Callers get a copy whose
    occupancy they may fill in.
    """
    end = end or day
    if token is None:
        return load_schedule(definition, location, day, end)
    key = (token, definition.pk, definition.handle, definition.use_staff_from_location, rules_of(definition),
           location.pk, location.timezone, day, end)  # fmt: skip
    loaded = _schedules.get(key, lambda: load_schedule(definition, location, day, end))
    return replace(loaded, definition=definition, location=location)


def availability_of(definition: AppointmentDefinition, location_id, start: date, end: date) -> Loaded:
    """What the engine needs to answer an availability request: the linked location (else linked_location's 422),
    hours and staff from the schedule cache while the schedule token holds (one small query), then occupancy."""
    token = current_schedule_token()
    _, location = definition_at(definition.pk, location_id, token)
    if location is None:
        location = linked_location(definition, location_id)
    return load_occupancy(cached_schedule(definition, location, start, token, end), start, end)


def clear_schedule_cache() -> None:
    _bookables.clear()
    _schedules.clear()


def load_occupancy(loaded: Loaded, start: date, end: date) -> Loaded:
    """The contended half: holding appointments and open waitlist offers that can touch [start, end], one query."""
    definition, location = loaded.definition, loaded.location
    low, high = _utc_bounds(location, start, end, definition)
    if not definition.requires_staff:
        rows = union_rows(
            (POOLED_OCCUPANCY, (definition.pk, location.pk, HOLDING_STATUSES, high, low)),
            (POOLED_HOLDS, (definition.pk, location.pk, OfferStatus.OPEN, high, low)),
        )
        loaded.context = replace(loaded.context, occupancies=tuple(rows))
        return loaded
    ids = [member.id for member in loaded.context.staff]
    busy: dict[str, list] = defaultdict(list)
    if ids:
        rows = union_rows(
            (STAFF_OCCUPANCY, (ids, HOLDING_STATUSES, high, low)), (STAFF_HOLDS, (ids, OfferStatus.OPEN, high, low))
        )
        for staff_id, begin, finish in rows:
            busy[str(staff_id)].append((begin, finish))
    members = tuple(replace(member, busy=tuple(busy.get(member.id, ()))) for member in loaded.context.staff)
    loaded.context = replace(loaded.context, staff=members)
    return loaded


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
                     now: datetime) -> tuple[Loaded, DaySlots]:  # fmt: skip
    """The slots of one local date (DOMAIN.md "Availability") and, without slots, why (a key of
    EMPTY_DAY_MESSAGES), with what was loaded to compute them."""
    loaded = availability_of(definition, location_id, day, day)
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
                       now: datetime) -> tuple[Loaded, RangeSlots]:  # fmt: skip
    """The union of the single-day results over [start, end] (at most 31 days), and why each date without slots
    has none."""
    check_range(start, end)
    loaded = availability_of(definition, location_id, start, end)
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


def staff_for_day(definition: AppointmentDefinition, location_id, day: date, *, now: datetime):
    """Eligible staff on a date, each with whether they have at least one free slot."""
    if not definition.requires_staff:
        raise ValidationFailed.on("requires_staff", "This appointment definition does not require staff.")
    loaded = availability_of(definition, location_id, day, day)
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
