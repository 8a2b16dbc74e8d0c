"""The slow-changing half of what booking and availability read: hours, eligible staff and their hours, the rules.

`fastpath.cached_schedule` keeps these in a per-process cache under the schedule token; the occupancy half is read
fresh on every request (`fastpath.load_occupancy`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import CharField, Value

from appointments.admission import Purpose, definition_admits
from appointments.availability import (
    Context,
    Period,
    Rules,
    StaffMember,
)
from appointments.models import (
    AppointmentDefinition,
    DefinitionNormalHour,
    DefinitionSpecialHour,
    DefinitionStaff,
)
from core.errors import ValidationFailed
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


def utc_bounds(location: Location, start: date, end: date, definition: AppointmentDefinition) -> tuple:
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


def _eligible_staff(definition: AppointmentDefinition, location: Location, start: date, end: date) -> dict[str, dict]:
    """Eligible staff ids -> profile, periods and sort data, from either staff source (DOMAIN.md step 8)."""
    staff: dict[str, dict] = {}
    if definition.use_staff_from_location:
        low, high = utc_bounds(location, start, end, definition)
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
