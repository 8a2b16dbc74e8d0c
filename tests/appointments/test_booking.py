"""Booking at the service level (DOMAIN.md "Booking"): every check, the status, the audit event, the occupancy.

Everything happens at a Melbourne location (UTC+10 in June, no daylight saving). The definition is offered on
Monday 2025-06-16 and Tuesday 2025-06-17 from 09:00 to 17:00 in 30-minute slots, inside the location's 08:00-18:00
every day; `now` is a week earlier unless a test says otherwise.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from appointments.models import Appointment, AppointmentEvent
from appointments.services.booking import BookingRequest, appointment_book
from core.errors import DomainError
from tests.factories import (
    AppointmentFactory,
    DefinitionFactory,
    DefinitionLocationFactory,
    DefinitionNormalHourFactory,
    DefinitionStaffFactory,
    LocationFactory,
    LocationNormalHourFactory,
    ProfileFactory,
    ProfileNormalHourFactory,
    StaffAssignmentFactory,
)

pytestmark = pytest.mark.django_db

MELBOURNE = ZoneInfo("Australia/Melbourne")
DAY = date(2025, 6, 16)  # a Monday
TUESDAY = date(2025, 6, 17)
NOW = datetime(2025, 6, 9, 0, 0, tzinfo=UTC)  # 10:00 on Monday 2025-06-09 in Melbourne
WEEK = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
ACTOR = "token:7"
LOW_ID = uuid.UUID("00000000-0000-4000-8000-000000000001")
HIGH_ID = uuid.UUID("ffffffff-ffff-4fff-bfff-ffffffffffff")


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """A Melbourne wall time as an aware UTC instant."""
    return datetime.combine(day, time(hour, minute), tzinfo=MELBOURNE).astimezone(UTC)


def make_location(**kwargs):
    location = LocationFactory(**kwargs)
    for day in WEEK:
        LocationNormalHourFactory(location=location, day_of_week=day, open_at=time(8), close_at=time(18))
    return location


def make_definition(location, days=("MON", "TUE"), link=True, **kwargs):
    definition = DefinitionFactory(**kwargs)
    for day in days:
        DefinitionNormalHourFactory(definition=definition, day_of_week=day, available_from=time(9),
                                    available_until=time(17))  # fmt: skip
    if link:
        DefinitionLocationFactory(definition=definition, location=location)
    return definition


def book(definition, profile, location, start, *, actor=ACTOR, now=NOW, customer_id=None, **fields) -> Appointment:
    request = BookingRequest(
        definition_id=definition if isinstance(definition, int) else definition.pk,
        profile_id=str(profile if isinstance(profile, uuid.UUID) else profile.pk),
        location_id=location if isinstance(location, int) else location.pk,
        start=start,
        **fields,
    )
    appointment = appointment_book(request, actor=actor, customer_id=customer_id, now=now)
    appointment.refresh_from_db()  # assert what was stored
    return appointment


# Each rule's own message (issue 19 finding 6), for the Melbourne definition open 09:00-17:00 on 2025-06-16.
OUTSIDE_HOURS = (
    "That time is outside this service's hours here: on 2025-06-16 they are 09:00-17:00 (Australia/Melbourne)."
)
OFF_GRID = (
    "That time is off the slot grid: slots start every 30 minutes; the nearest bookable starts that day are 10:00 and "
    "10:30 (Australia/Melbourne)."
)
FULL = "That slot is fully booked: every place is taken. Pick another slot."
INSIDE_LEAD = (
    "That time is too soon to book: this service needs 60 minutes' notice, so the earliest start is 2025-06-16 10:00 "
    "Australia/Melbourne."
)
TOO_FAR = "That time is too far ahead: this service can be booked at most 7 days ahead, up to 2025-06-16."


def refused(status: int, field: str | None, message: str, call, *args, **kwargs) -> None:
    """The call raises a domain error with this status and (for 422s) exactly this one field error."""
    before = Appointment.objects.count()
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    assert caught.value.status == status
    assert caught.value.message == message
    assert caught.value.errors == ({field: [message]} if field else {})
    assert Appointment.objects.count() == before


@pytest.fixture
def location():
    return make_location(handle="fitzroy", name="Fitzroy")


@pytest.fixture
def definition(location):
    return make_definition(location, handle="fitting", name="Fitting")


@pytest.fixture
def profile():
    return ProfileFactory()


# The definition ---------------------------------------------------------------------------------------------


def test_unknown_definition_is_422_on_definition(profile, location):
    refused(422, "appointment_definition_id", "The appointment definition does not exist.",
            book, 987654, profile, location, local(DAY, 10))  # fmt: skip


def test_archived_definition_is_422_on_definition(profile, location):
    archived = make_definition(location, is_archived=True)
    refused(422, "appointment_definition_id", "This appointment definition is archived.",
            book, archived, profile, location, local(DAY, 10))  # fmt: skip


def test_walk_in_only_definition_is_422_on_definition(profile, location):
    walk_in = make_definition(location, booking_type="walk_in_only", allow_walk_in=True, allow_customer_booking=False)
    refused(422, "appointment_definition_id", "This service is walk-in only: join the queue instead of booking.",
            book, walk_in, profile, location, local(DAY, 10))  # fmt: skip


@pytest.mark.parametrize(
    "flags", [{"is_published": False}, {"allow_customer_booking": False}], ids=["unpublished", "not-customer-bookable"]
)
def test_customer_cannot_book_unpublished_or_staff_only_definition(profile, location, flags):
    hidden = make_definition(location, **flags)
    refused(422, "appointment_definition_id", "This appointment definition cannot be booked by customers.",
            book, hidden, profile, location, local(DAY, 10), actor=f"profile:{profile.pk}",
            customer_id=profile.pk)  # fmt: skip

    # Staff and integrations may book it.
    appointment = book(hidden, profile, location, local(DAY, 10))
    assert appointment.status == "confirmed"


def test_customer_can_book_for_themselves(definition, profile, location):
    appointment = book(definition, profile, location, local(DAY, 10), actor=f"profile:{profile.pk}",
                       customer_id=profile.pk)  # fmt: skip

    assert appointment.profile_id == profile.pk
    assert appointment.events.get().actor == f"profile:{profile.pk}"


def test_customer_cannot_book_for_another_profile(definition, profile, location):
    somebody = ProfileFactory()
    refused(403, None, "A customer token can only book for its own profile.",
            book, definition, somebody, location, local(DAY, 10), actor=f"profile:{profile.pk}",
            customer_id=profile.pk)  # fmt: skip


def test_customer_cannot_override_availability(definition, profile, location):
    refused(403, None, "Only staff and integrations can override availability.",
            book, definition, profile, location, local(DAY, 10), actor=f"profile:{profile.pk}",
            customer_id=profile.pk, override_availability=True)  # fmt: skip


# Profile, location, times -------------------------------------------------------------------------------------


def test_unknown_profile_is_422_on_profile(definition, location):
    refused(422, "profile_id", "The profile does not exist.",
            book, definition, uuid.uuid4(), location, local(DAY, 10))  # fmt: skip


def test_location_not_linked_is_422_on_location(definition):
    elsewhere = make_location()
    refused(422, "location_id", "This appointment definition is not offered at this location.",
            book, definition, ProfileFactory(), elsewhere, local(DAY, 10))  # fmt: skip


def test_inactive_link_is_422_on_location(location):
    unlinked = make_definition(location, link=False)
    DefinitionLocationFactory(definition=unlinked, location=location, is_active=False)
    refused(422, "location_id", "This appointment definition is not offered at this location.",
            book, unlinked, ProfileFactory(), location, local(DAY, 10))  # fmt: skip


def test_unknown_location_is_422_on_location(definition):
    refused(422, "location_id", "The location does not exist.",
            book, definition, ProfileFactory(), 987654, local(DAY, 10))  # fmt: skip


@pytest.mark.parametrize("minutes", [15, 29, 31, 60])
def test_wrong_duration_is_422_on_end(definition, profile, location, minutes):
    start = local(DAY, 10)
    refused(422, "scheduled_end_at", "The appointment must last exactly 30 minutes.",
            book, definition, profile, location, start, end=start + timedelta(minutes=minutes))  # fmt: skip


def test_missing_end_defaults_to_start_plus_duration(definition, profile, location):
    appointment = book(definition, profile, location, local(DAY, 10))

    assert appointment.scheduled_start_at == datetime(2025, 6, 16, 0, 0, tzinfo=UTC)
    assert appointment.scheduled_end_at == datetime(2025, 6, 16, 0, 30, tzinfo=UTC)


def test_matching_end_is_accepted(definition, profile, location):
    appointment = book(definition, profile, location, local(DAY, 10), end=local(DAY, 10, 30))

    assert appointment.scheduled_end_at == datetime(2025, 6, 16, 0, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("hour", "minute", "message"),
    [
        (10, 10, OFF_GRID),
        (10, 15, OFF_GRID),
        (8, 30, OUTSIDE_HOURS),
        (8, 0, OUTSIDE_HOURS),
        (
            16,
            45,
            "That time is off the slot grid: slots start every 30 minutes; the nearest bookable start that day "
            "is 16:30 (Australia/Melbourne).",
        ),
        (17, 0, OUTSIDE_HOURS),
        (17, 30, OUTSIDE_HOURS),
    ],
    ids=[
        "off-grid-10",
        "off-grid-15",
        "before-definition-hours",
        "location-open-definition-closed",
        "off-grid-runs-past-close",
        "at-close",
        "after-close",
    ],  # fmt: skip
)
def test_start_not_a_slot_is_422_on_start(definition, profile, location, hour, minute, message):
    refused(422, "scheduled_start_at", message,
            book, definition, profile, location, local(DAY, hour, minute))  # fmt: skip


def test_day_without_definition_hours_is_422_on_start(definition, profile, location):
    refused(422, "scheduled_start_at", "That time is outside this service's hours here: it is closed on 2025-06-18.",
            book, definition, profile, location, local(date(2025, 6, 18), 10))  # fmt: skip


def test_first_and_last_slot_of_the_day_are_bookable(definition, location):
    first = book(definition, ProfileFactory(), location, local(DAY, 9))
    last = book(definition, ProfileFactory(), location, local(DAY, 16, 30))

    assert first.scheduled_start_at == datetime(2025, 6, 15, 23, 0, tzinfo=UTC)
    assert last.scheduled_end_at == datetime(2025, 6, 16, 7, 0, tzinfo=UTC)


def test_start_inside_lead_time_is_422_on_start(location, profile):
    leading = make_definition(location, min_lead_minutes=60)
    now = local(DAY, 9)

    refused(422, "scheduled_start_at", INSIDE_LEAD,
            book, leading, profile, location, local(DAY, 9, 30), now=now)  # fmt: skip
    appointment = book(leading, profile, location, local(DAY, 10), now=now)  # exactly now + lead

    assert appointment.scheduled_start_at == local(DAY, 10)


def test_start_in_the_past_is_422_on_start(definition, profile, location):
    refused(422, "scheduled_start_at", "That time has passed; pick a later slot.",
            book, definition, profile, location, local(DAY, 10), now=local(DAY, 10, 1))  # fmt: skip


def test_start_beyond_max_advance_days_is_422_on_start(location, profile):
    limited = make_definition(location, max_advance_days=7)  # today in Melbourne is 2025-06-09: last day 06-16

    refused(422, "scheduled_start_at", TOO_FAR,
            book, limited, profile, location, local(TUESDAY, 10))  # fmt: skip
    appointment = book(limited, profile, location, local(DAY, 16, 30))

    assert appointment.scheduled_start_at == local(DAY, 16, 30)


def test_full_pooled_capacity_is_422_on_start(location):
    pooled = make_definition(location, max_concurrent_bookings=2)
    AppointmentFactory(definition=pooled, location=location, scheduled_start_at=local(DAY, 10), status="cancelled")
    AppointmentFactory(definition=pooled, location=location, scheduled_start_at=local(DAY, 10), status="no_show")
    book(pooled, ProfileFactory(), location, local(DAY, 10))
    book(pooled, ProfileFactory(), location, local(DAY, 10))

    refused(422, "scheduled_start_at", FULL,
            book, pooled, ProfileFactory(), location, local(DAY, 10))  # fmt: skip
    assert book(pooled, ProfileFactory(), location, local(DAY, 10, 30)).scheduled_start_at == local(DAY, 10, 30)


def test_capacity_counts_buffers_of_existing_appointments(location):
    buffered = make_definition(location, buffer_after_minutes=15)
    AppointmentFactory(definition=buffered, location=location, scheduled_start_at=local(DAY, 10), status="arrived")

    # 10:00-10:30 plus 15 minutes after occupies until 10:45; 10:30 (occupying 10:30-11:15) conflicts.
    refused(422, "scheduled_start_at", FULL,
            book, buffered, ProfileFactory(), location, local(DAY, 10, 30))  # fmt: skip
    assert book(buffered, ProfileFactory(), location, local(DAY, 11)).scheduled_start_at == local(DAY, 11)


# Status, audit, occupancy --------------------------------------------------------------------------------------


def test_instant_booking_is_confirmed_now(location, profile):
    instant = make_definition(location, booking_type="instant")
    appointment = book(instant, profile, location, local(DAY, 10))
    appointment.refresh_from_db()

    assert appointment.status == "confirmed"
    assert appointment.confirmed_at == NOW
    assert appointment.approved_at is None
    assert appointment.approved_by == ""


def test_approval_required_booking_is_requested(location, profile):
    approval = make_definition(location, booking_type="approval_required")
    appointment = book(approval, profile, location, local(DAY, 10))
    appointment.refresh_from_db()

    assert appointment.status == "requested"
    assert appointment.confirmed_at is None


def test_answers_are_422_without_a_questionnaire(definition, profile, location):
    refused(422, "answers", "This appointment definition has no booking questionnaire.",
            book, definition, profile, location, local(DAY, 10),
            answers=[{"questionnaire_question_id": 1, "value": "consultation"}])  # fmt: skip


def test_booking_writes_a_created_event(definition, profile, location):
    appointment = book(definition, profile, location, local(DAY, 10), actor="user:42")

    events = list(AppointmentEvent.objects.filter(appointment=appointment).values(
        "kind", "actor", "from_status", "to_status", "reason", "at", "data"))  # fmt: skip
    assert events == [
        {"kind": "created", "actor": "user:42", "from_status": "", "to_status": "confirmed", "reason": "",
         "at": NOW, "data": None}
    ]  # fmt: skip


def test_occupancy_is_stored_with_the_buffers(location, profile):
    buffered = make_definition(location, buffer_before_minutes=10, buffer_after_minutes=15)
    appointment = book(buffered, profile, location, local(DAY, 10))
    appointment.refresh_from_db()

    assert appointment.occupancy_start == datetime(2025, 6, 15, 23, 50, tzinfo=UTC)
    assert appointment.occupancy_end == datetime(2025, 6, 16, 0, 45, tzinfo=UTC)

    # Later edits of the buffers never move existing occupancy.
    buffered.buffer_after_minutes = 0
    buffered.save()
    appointment.refresh_from_db()
    assert appointment.occupancy_end == datetime(2025, 6, 16, 0, 45, tzinfo=UTC)


def test_stored_fields(definition, profile, location):
    appointment = book(
        definition, profile, location, local(DAY, 10), timezone=ZoneInfo("Australia/Sydney"), notes="Bring ID",
        meta={"source": "app"}, transaction={"id": None, "external_id": "T-1", "receipt_ref": None},
    )  # fmt: skip
    appointment.refresh_from_db()

    assert (appointment.definition_id, appointment.profile_id, appointment.location_id) == (
        definition.pk, profile.pk, location.pk)  # fmt: skip
    assert appointment.timezone == ZoneInfo("Australia/Sydney")
    assert appointment.notes == "Bring ID"
    assert appointment.meta == {"source": "app"}
    assert appointment.transaction == {"id": None, "external_id": "T-1", "receipt_ref": None}
    assert appointment.order is None
    assert appointment.assigned_staff_id is None


def test_timezone_defaults_to_the_location(definition, profile, location):
    appointment = book(definition, profile, location, local(DAY, 10))
    appointment.refresh_from_db()

    assert appointment.timezone == MELBOURNE


def test_staff_on_a_definition_without_staff_is_422(definition, profile, location):
    refused(422, "assigned_staff_id", "This appointment definition is not booked with a staff member.",
            book, definition, profile, location, local(DAY, 10), assigned_staff_id=str(ProfileFactory().pk))  # fmt: skip


# Staff -------------------------------------------------------------------------------------------------------


def staff_member(location, *, profile_id=None, sort_order=0, **kwargs):
    profile = ProfileFactory(id=profile_id) if profile_id else ProfileFactory()
    StaffAssignmentFactory(location=location, profile=profile, sort_order=sort_order, **kwargs)
    return profile


@pytest.fixture
def staffed(location):
    return make_definition(location, handle="consult", requires_staff=True)


def test_customer_must_select_staff_requires_assigned_staff(location, profile):
    picky = make_definition(location, requires_staff=True, customer_must_select_staff=True)
    member = staff_member(location)

    refused(422, "assigned_staff_id", "Pick a staff member for this appointment.",
            book, picky, profile, location, local(DAY, 10))  # fmt: skip
    appointment = book(picky, profile, location, local(DAY, 10), assigned_staff_id=str(member.pk))
    assert appointment.assigned_staff_id == member.pk


@pytest.mark.parametrize("why", ["stranger", "other-location", "manager", "inactive", "excluded", "ended"])
def test_non_eligible_staff_is_422_on_staff(staffed, location, profile, why):
    staff_member(location)  # somebody eligible, so the slot itself exists
    other = make_location()
    kwargs = {
        "stranger": None,
        "other-location": {"location": other},
        "manager": {"location": location, "assignment_type": "manager"},
        "inactive": {"location": location, "is_active": False},
        "excluded": {"location": location, "excluded_service_handles": ["consult"]},
        "ended": {"location": location, "ends_at": local(DAY, 0)},
    }[why]
    candidate = ProfileFactory()
    if kwargs is not None:
        StaffAssignmentFactory(profile=candidate, **kwargs)

    refused(422, "assigned_staff_id", "This staff member cannot take this appointment here then.",
            book, staffed, profile, location, local(DAY, 10), assigned_staff_id=str(candidate.pk))  # fmt: skip


def test_staff_outside_their_own_hours_is_422_on_staff(staffed, location, profile):
    member = staff_member(location)
    ProfileNormalHourFactory(profile=member, day_of_week="MON", available_from=time(13), available_until=time(17))
    staff_member(location)  # free at 10:00

    refused(422, "assigned_staff_id", "This staff member is not free at that time.",
            book, staffed, profile, location, local(DAY, 10), assigned_staff_id=str(member.pk))  # fmt: skip


def test_busy_staff_is_422_on_staff(staffed, location, profile):
    member = staff_member(location)
    staff_member(location)  # somebody else is free, so the slot exists
    # Busy with another definition at another location: staff conflicts cross both.
    other_location = make_location()
    other = make_definition(other_location)
    AppointmentFactory(definition=other, location=other_location, assigned_staff=member,
                       scheduled_start_at=local(DAY, 10, 15), status="requested")  # fmt: skip

    refused(422, "assigned_staff_id", "This staff member is not free at that time.",
            book, staffed, profile, location, local(DAY, 10), assigned_staff_id=str(member.pk))  # fmt: skip
    appointment = book(staffed, profile, location, local(DAY, 11), assigned_staff_id=str(member.pk))
    assert appointment.assigned_staff_id == member.pk


def test_no_free_staff_is_422_on_start(staffed, location, profile):
    member = staff_member(location)
    AppointmentFactory(definition=staffed, location=location, assigned_staff=member,
                       scheduled_start_at=local(DAY, 10))  # fmt: skip

    refused(422, "scheduled_start_at", FULL,
            book, staffed, profile, location, local(DAY, 10))  # fmt: skip


def test_auto_assignment_prefers_the_fewest_holding_appointments_that_day(staffed, location):
    # A comes first by sort order and by id but holds one appointment that day; B's appointments that day do not
    # hold (cancelled, no_show) and B's holding one is on another day.
    a = staff_member(location, profile_id=LOW_ID, sort_order=0)
    b = staff_member(location, profile_id=HIGH_ID, sort_order=1)
    AppointmentFactory(definition=staffed, location=location, assigned_staff=a, status="requested",
                       scheduled_start_at=local(DAY, 14))  # fmt: skip
    for status in ("cancelled", "no_show"):
        AppointmentFactory(definition=staffed, location=location, assigned_staff=b, status=status,
                           scheduled_start_at=local(DAY, 15))  # fmt: skip
    AppointmentFactory(definition=staffed, location=location, assigned_staff=b, scheduled_start_at=local(TUESDAY, 10))

    first = book(staffed, ProfileFactory(), location, local(DAY, 10))
    assert first.assigned_staff_id == b.pk

    # Now both hold one that day: the tie goes to the lower sort order.
    second = book(staffed, ProfileFactory(), location, local(DAY, 11))
    assert second.assigned_staff_id == a.pk


def test_auto_assignment_counts_other_definitions_and_locations(staffed, location):
    a = staff_member(location, profile_id=LOW_ID, sort_order=0)
    b = staff_member(location, profile_id=HIGH_ID, sort_order=1)
    other_location = make_location()
    other = make_definition(other_location)
    AppointmentFactory(definition=other, location=other_location, assigned_staff=a,
                       scheduled_start_at=local(DAY, 15), status="confirmed")  # fmt: skip

    assert book(staffed, ProfileFactory(), location, local(DAY, 10)).assigned_staff_id == b.pk


def test_auto_assignment_tie_goes_to_the_lower_sort_order(staffed, location):
    # A is first by id and by assignment order; B has the lower sort order.
    a = staff_member(location, profile_id=LOW_ID, sort_order=5)
    b = staff_member(location, profile_id=HIGH_ID, sort_order=1)

    appointment = book(staffed, ProfileFactory(), location, local(DAY, 10))

    assert appointment.assigned_staff_id == b.pk
    assert a.pk != b.pk


def test_auto_assignment_tie_on_sort_order_goes_to_the_lower_id(staffed, location):
    # Same load, same sort order: the lower profile id wins, though its assignment row was created later.
    high = staff_member(location, profile_id=HIGH_ID, sort_order=3)
    low = staff_member(location, profile_id=LOW_ID, sort_order=3)

    appointment = book(staffed, ProfileFactory(), location, local(DAY, 10))

    assert appointment.assigned_staff_id == low.pk
    assert high.pk == HIGH_ID


def test_auto_assignment_skips_staff_not_free_or_off_shift(staffed, location):
    busy = staff_member(location, profile_id=LOW_ID, sort_order=0)
    off_shift = staff_member(location, profile_id=uuid.UUID("11111111-1111-4111-8111-111111111111"), sort_order=0)
    ProfileNormalHourFactory(profile=off_shift, day_of_week="MON", available_from=time(13), available_until=time(17))
    loaded = staff_member(location, profile_id=HIGH_ID, sort_order=9)
    AppointmentFactory(definition=staffed, location=location, assigned_staff=busy, scheduled_start_at=local(DAY, 10))
    AppointmentFactory(definition=staffed, location=location, assigned_staff=loaded, scheduled_start_at=local(DAY, 15))

    # Off-shift has no appointments and busy is tied with loaded, but neither can take 10:00.
    appointment = book(staffed, ProfileFactory(), location, local(DAY, 10))

    assert appointment.assigned_staff_id == loaded.pk


def test_auto_assignment_with_the_definitions_own_staff_list(location):
    own = make_definition(location, requires_staff=True, use_staff_from_location=False)
    first_linked = ProfileFactory(id=LOW_ID)
    second_linked = ProfileFactory(id=HIGH_ID)
    DefinitionStaffFactory(definition=own, staff=first_linked, sort_order=2)
    DefinitionStaffFactory(definition=own, staff=second_linked, sort_order=1)

    first = book(own, ProfileFactory(), location, local(DAY, 10))
    second = book(own, ProfileFactory(), location, local(DAY, 10))

    assert (first.assigned_staff_id, second.assigned_staff_id) == (second_linked.pk, first_linked.pk)
    refused(422, "scheduled_start_at", FULL,
            book, own, ProfileFactory(), location, local(DAY, 10))  # fmt: skip


def test_chosen_staff_is_stored_and_blocks_them(staffed, location, profile):
    member = staff_member(location)
    appointment = book(staffed, profile, location, local(DAY, 10), assigned_staff_id=str(member.pk))

    assert appointment.assigned_staff_id == member.pk
    refused(422, "scheduled_start_at", FULL,
            book, staffed, ProfileFactory(), location, local(DAY, 10))  # fmt: skip


# Overriding availability ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "now", "message"),
    [
        # a Sunday (definition closed), before opening, off the grid
        (
            local(date(2025, 6, 15), 7, 10),
            NOW,
            "That time is off the slot grid: slots start every 30 minutes; none is bookable that day.",
        ),
        (local(DAY, 20), NOW, OUTSIDE_HOURS),  # after the location closes
        (local(DAY, 10, 10), NOW, OFF_GRID),  # off the grid
        (local(DAY, 9, 30), local(DAY, 9), INSIDE_LEAD),  # inside the lead time
        (local(date(2025, 9, 1), 10), NOW, TOO_FAR),  # beyond max_advance_days
    ],
    ids=["closed-day", "after-hours", "off-grid", "lead", "advance"],
)
def test_override_books_outside_hours_grid_lead_and_advance(location, profile, start, now, message):
    strict = make_definition(location, min_lead_minutes=60, max_advance_days=7)

    refused(422, "scheduled_start_at", message,
            book, strict, profile, location, start, now=now)  # fmt: skip
    appointment = book(strict, profile, location, start, now=now, override_availability=True)

    assert appointment.scheduled_start_at == start
    assert appointment.scheduled_end_at == start + timedelta(minutes=30)
    assert appointment.status == "confirmed"


def test_override_still_checks_the_duration(definition, profile, location):
    start = local(DAY, 20)
    refused(422, "scheduled_end_at", "The appointment must last exactly 30 minutes.",
            book, definition, profile, location, start, end=start + timedelta(minutes=45),
            override_availability=True)  # fmt: skip


def test_override_never_exceeds_pooled_capacity(location, profile):
    pooled = make_definition(location, max_concurrent_bookings=2)
    AppointmentFactory(definition=pooled, location=location, scheduled_start_at=local(DAY, 20))
    AppointmentFactory(definition=pooled, location=location, scheduled_start_at=local(DAY, 20, 10), status="requested")

    refused(422, "scheduled_start_at", "No capacity left at that time.",
            book, pooled, profile, location, local(DAY, 20, 5), override_availability=True)  # fmt: skip
    # Off the grid and after hours, with one place left, it goes through.
    appointment = book(pooled, profile, location, local(DAY, 20, 35), override_availability=True)
    assert appointment.scheduled_start_at == local(DAY, 20, 35)


def test_override_never_double_books_a_staff_member(staffed, location, profile):
    member = staff_member(location)
    AppointmentFactory(definition=staffed, location=location, assigned_staff=member, scheduled_start_at=local(DAY, 20))

    refused(422, "assigned_staff_id", "No staff member is free at that time.",
            book, staffed, profile, location, local(DAY, 20, 10), assigned_staff_id=str(member.pk),
            override_availability=True)  # fmt: skip
    refused(422, "scheduled_start_at", "No staff member is free at that time.",
            book, staffed, profile, location, local(DAY, 20, 10), override_availability=True)  # fmt: skip
    appointment = book(staffed, profile, location, local(DAY, 20, 30), assigned_staff_id=str(member.pk),
                       override_availability=True)  # fmt: skip
    assert appointment.assigned_staff_id == member.pk


def test_override_still_requires_an_eligible_staff_member(staffed, location, profile):
    staff_member(location)
    stranger = ProfileFactory()

    refused(422, "assigned_staff_id", "This staff member cannot take this appointment here.",
            book, staffed, profile, location, local(DAY, 20), assigned_staff_id=str(stranger.pk),
            override_availability=True)  # fmt: skip


def test_override_auto_assigns_the_free_staff_member(staffed, location, profile):
    busy = staff_member(location, profile_id=LOW_ID)
    free = staff_member(location, profile_id=HIGH_ID)
    AppointmentFactory(definition=staffed, location=location, assigned_staff=busy, scheduled_start_at=local(DAY, 20))

    appointment = book(staffed, profile, location, local(DAY, 20, 10), override_availability=True)

    assert appointment.assigned_staff_id == free.pk
