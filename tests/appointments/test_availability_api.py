"""The availability endpoints end to end (DOMAIN.md "Availability", API.md "Definitions and availability").

The engine's arithmetic has its own unit tests; these prove what the selectors load and the views return: links,
eligibility, cross-definition staff conflicts, hours of every subject, holding statuses, buffers, and the shapes.

Everything happens at a Melbourne location (UTC+10 in June, no daylight saving) on Monday 2025-06-16, with `now`
pinned a week earlier.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

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
    ProfileSpecialHourFactory,
    StaffAssignmentFactory,
)

pytestmark = pytest.mark.django_db

MELBOURNE = ZoneInfo("Australia/Melbourne")
DAY = date(2025, 6, 16)  # a Monday
NOW = datetime(2025, 6, 9, 0, 0, tzinfo=UTC)
BASE = "/api/v3/appointment-definitions"
SLOT_FIELDS = {"time", "label", "start_at", "end_at", "local_start_at", "duration_minutes", "capacity_remaining"}
RULE_META = {"slot_interval_minutes", "duration_minutes", "buffer_before_minutes", "buffer_after_minutes",
             "min_lead_minutes", "max_advance_days", "max_concurrent_bookings"}  # fmt: skip
WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")


@pytest.fixture(autouse=True)
def pinned_now():
    with time_machine.travel(NOW, tick=False):
        yield


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """A Melbourne wall time as an aware UTC instant."""
    return datetime.combine(day, time(hour, minute), tzinfo=MELBOURNE).astimezone(UTC)


def book(definition, location, day: date, hour: int, minute: int = 0, **kwargs):
    """A holding appointment starting at a Melbourne wall time (occupancy from the definition's buffers)."""
    return AppointmentFactory(definition=definition, location=location, scheduled_start_at=local(day, hour, minute),
                              **kwargs)  # fmt: skip


def make_location(days=WEEKDAYS, open_at=time(9), close_at=time(17), **kwargs):
    location = LocationFactory(**kwargs)
    for day in days:
        LocationNormalHourFactory(location=location, day_of_week=day, open_at=open_at, close_at=close_at)
    return location


def make_definition(location=None, days=("MON",), available_from=time(10), available_until=time(12), **kwargs):
    definition = DefinitionFactory(**kwargs)
    for day in days:
        DefinitionNormalHourFactory(definition=definition, day_of_week=day, available_from=available_from,
                                    available_until=available_until)  # fmt: skip
    if location is not None:
        DefinitionLocationFactory(definition=definition, location=location)
    return definition


def assign(location, profile=None, **kwargs):
    return StaffAssignmentFactory(location=location, profile=profile or ProfileFactory(), **kwargs).profile


def slots(client, definition, location, day=DAY, **extra):
    body = {"location_id": location if isinstance(location, int) else location.pk, "date": day.isoformat(), **extra}
    return client.post(f"{BASE}/{definition.pk}/available-slots", body, format="json")


def times(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [slot["time"] for slot in response.json()["data"]["slots"]]


def capacities(response) -> list[tuple[str, int]]:
    assert response.status_code == 200, response.json()
    return [(slot["time"], slot["capacity_remaining"]) for slot in response.json()["data"]["slots"]]


def error_keys(response) -> set[str]:
    return set(response.json()["errors"])


@pytest.fixture
def location():
    return make_location(name="Fitzroy", handle="fitzroy")


@pytest.fixture
def simple(location):
    """30-minute slots; the definition's Monday 10:00-12:00 inside the location's 09:00-17:00."""
    return make_definition(location)


# Shape and a simple day ------------------------------------------------------------------------------------


def test_available_slots_shape_and_slots(api, simple, location):
    response = slots(api, simple, location)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"data", "meta"}
    data = body["data"]
    assert set(data) == {"date", "timezone", "appointment_definition_id", "location_id", "requires_staff",
                         "customer_must_select_staff", "assigned_staff_required", "staff", "slots"}  # fmt: skip
    assert {key: value for key, value in data.items() if key != "slots"} == {
        "date": "2025-06-16",
        "timezone": "Australia/Melbourne",
        "appointment_definition_id": simple.pk,
        "location_id": location.pk,
        "requires_staff": False,
        "customer_must_select_staff": False,
        "assigned_staff_required": False,
        "staff": None,
    }
    assert data["slots"] == [
        {"time": "10:00", "label": "10:00 AM", "start_at": "2025-06-16T00:00:00Z", "end_at": "2025-06-16T00:30:00Z",
         "local_start_at": "2025-06-16 10:00:00", "duration_minutes": 30, "capacity_remaining": 1},
        {"time": "10:30", "label": "10:30 AM", "start_at": "2025-06-16T00:30:00Z", "end_at": "2025-06-16T01:00:00Z",
         "local_start_at": "2025-06-16 10:30:00", "duration_minutes": 30, "capacity_remaining": 1},
        {"time": "11:00", "label": "11:00 AM", "start_at": "2025-06-16T01:00:00Z", "end_at": "2025-06-16T01:30:00Z",
         "local_start_at": "2025-06-16 11:00:00", "duration_minutes": 30, "capacity_remaining": 1},
        {"time": "11:30", "label": "11:30 AM", "start_at": "2025-06-16T01:30:00Z", "end_at": "2025-06-16T02:00:00Z",
         "local_start_at": "2025-06-16 11:30:00", "duration_minutes": 30, "capacity_remaining": 1},
    ]  # fmt: skip
    assert set(body["meta"]) == RULE_META | {"reason", "reason_message"}
    assert body["meta"] == {
        "slot_interval_minutes": 30,  # the interval in effect: the duration when none is set
        "duration_minutes": 30,
        "buffer_before_minutes": 0,
        "buffer_after_minutes": 0,
        "min_lead_minutes": 0,
        "max_advance_days": None,
        "max_concurrent_bookings": None,
        "reason": None,
        "reason_message": None,
    }


def test_meta_echoes_the_rules(api, location):
    definition = make_definition(location, duration_minutes=45, slot_interval_minutes=15, buffer_before_minutes=5,
                                 buffer_after_minutes=10, min_lead_minutes=60, max_advance_days=30,
                                 max_concurrent_bookings=2)  # fmt: skip

    response = slots(api, definition, location)

    assert response.json()["meta"] == {
        "slot_interval_minutes": 15,
        "duration_minutes": 45,
        "buffer_before_minutes": 5,
        "buffer_after_minutes": 10,
        "min_lead_minutes": 60,
        "max_advance_days": 30,
        "max_concurrent_bookings": 2,
        "reason": None,
        "reason_message": None,
    }
    # 45-minute slots every 15 minutes inside 10:00-12:00.
    assert capacities(response) == [("10:00", 2), ("10:15", 2), ("10:30", 2), ("10:45", 2), ("11:00", 2),
                                    ("11:15", 2)]  # fmt: skip


def test_afternoon_slots_have_pm_labels_and_utc_instants(api, location):
    definition = make_definition(location, available_from=time(15), available_until=time(16), duration_minutes=60)

    response = slots(api, definition, location)

    assert [(s["time"], s["label"], s["start_at"], s["end_at"]) for s in response.json()["data"]["slots"]] == [
        ("15:00", "3:00 PM", "2025-06-16T05:00:00Z", "2025-06-16T06:00:00Z"),
    ]


def test_location_hours_cut_the_definition_hours(api):
    location = make_location(open_at=time(11), close_at=time(17))
    definition = make_definition(location, available_from=time(9), available_until=time(12))

    assert times(slots(api, definition, location)) == ["11:00", "11:30"]


def test_closed_weekday_has_no_slots(api, simple, location):
    assert times(slots(api, simple, location, day=date(2025, 6, 17))) == []


def test_min_lead_uses_the_request_time(api, location):
    definition = make_definition(location, min_lead_minutes=30)

    with time_machine.travel(local(DAY, 10, 10), tick=False):
        response = slots(api, definition, location)

    assert times(response) == ["11:00", "11:30"]
    assert response.json()["data"]["slots"][0]["start_at"] == "2025-06-16T01:00:00Z"


def test_max_advance_days_counts_from_the_location_today(api, location):
    definition = make_definition(location, max_advance_days=7)

    # 2025-06-08 23:30 UTC is already Monday 2025-06-09 09:30 in Melbourne: the 16th is 7 days ahead.
    with time_machine.travel(datetime(2025, 6, 8, 23, 30, tzinfo=UTC), tick=False):
        inside = slots(api, definition, location)
    with time_machine.travel(datetime(2025, 6, 8, 13, 0, tzinfo=UTC), tick=False):
        outside = slots(api, definition, location)

    assert times(inside) == ["10:00", "10:30", "11:00", "11:30"]
    assert times(outside) == []


def test_customer_token_can_read_slots(customer, simple, location):
    assert times(slots(customer, simple, location)) == ["10:00", "10:30", "11:00", "11:30"]


def test_customer_cannot_see_slots_of_an_unpublished_definition(customer, location):
    definition = make_definition(location, is_published=False)

    assert slots(customer, definition, location).status_code == 404


def test_read_scope_is_enough(make_integration_client, simple, location):
    reader = make_integration_client(scopes=["appointments:read"])

    assert times(slots(reader, simple, location)) == ["10:00", "10:30", "11:00", "11:30"]


def test_unknown_definition_is_404(api, location):
    body = {"location_id": location.pk, "date": DAY.isoformat()}

    for action in ("available-slots", "available-staff"):
        response = api.post(f"{BASE}/987654/{action}", body, format="json")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_a_malformed_definition_id_is_404_on_every_availability_action(api, location):
    body = {"location_id": location.pk, "date": DAY.isoformat(), "start_date": DAY.isoformat(),
            "end_date": DAY.isoformat()}  # fmt: skip

    for action in ("available-slots", "available-slots-range", "available-staff"):
        response = api.post(f"{BASE}/abc/{action}", body, format="json")
        assert (response.status_code, response.json()["code"]) == (404, "not_found"), action


def test_a_definition_unpublished_after_an_answer_is_hidden_from_customers_at_once(customer, simple, location):
    """The availability actions read the definition from the schedule cache: the edit changes the schedule token."""
    assert times(slots(customer, simple, location)) == ["10:00", "10:30", "11:00", "11:30"]

    simple.is_published = False
    simple.save()

    assert slots(customer, simple, location).status_code == 404


def test_customer_cannot_see_slots_of_an_archived_definition(customer, location):
    definition = make_definition(location, is_archived=True)

    assert slots(customer, definition, location).status_code == 404


def test_missing_fields_are_422(api, simple):
    response = api.post(f"{BASE}/{simple.pk}/available-slots", {}, format="json")

    assert response.status_code == 422
    assert error_keys(response) == {"location_id", "date"}


# Links, walk-in-only and archived --------------------------------------------------------------------------


def test_location_not_linked_is_422(api, simple):
    elsewhere = make_location()

    response = slots(api, simple, elsewhere)

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert error_keys(response) == {"location_id"}


def test_inactive_link_is_422(api, location):
    definition = make_definition()
    DefinitionLocationFactory(definition=definition, location=location, is_active=False)

    response = slots(api, definition, location)

    assert response.status_code == 422
    assert error_keys(response) == {"location_id"}


def test_unknown_location_is_422(api, simple):
    response = slots(api, simple, 987654)

    assert response.status_code == 422
    assert error_keys(response) == {"location_id"}


def test_walk_in_only_has_no_slots(api, location):
    definition = make_definition(location, booking_type="walk_in_only", allow_walk_in=True,
                                 allow_customer_booking=False)  # fmt: skip

    response = slots(api, definition, location)

    assert response.status_code == 200
    assert response.json()["data"]["slots"] == []


def test_archived_has_no_slots(api, location):
    definition = make_definition(location, is_archived=True)

    response = slots(api, definition, location)

    assert response.status_code == 200
    assert response.json()["data"]["slots"] == []


# Pooled capacity, holding statuses and buffers -------------------------------------------------------------


def test_pooled_capacity_counts_holding_appointments_only(api, location):
    definition = make_definition(location, max_concurrent_bookings=3)
    other_definition = make_definition(location, max_concurrent_bookings=3)
    elsewhere = make_location()
    DefinitionLocationFactory(definition=definition, location=elsewhere)
    book(definition, location, DAY, 10, status="confirmed")
    book(definition, location, DAY, 10, status="requested")
    book(definition, location, DAY, 10, status="cancelled")
    book(definition, location, DAY, 10, 30, status="arrived")
    for status in ("completed", "no_show", "rejected"):
        book(definition, location, DAY, 10, 30, status=status)
    book(other_definition, location, DAY, 11)  # another definition's bookings do not use this pool
    book(definition, elsewhere, DAY, 11)  # nor do bookings at another location

    assert capacities(slots(api, definition, location)) == [("10:00", 1), ("10:30", 2), ("11:00", 3), ("11:30", 3)]


def test_full_slot_is_left_out(api, simple, location):
    book(simple, location, DAY, 10, 30)

    response = slots(api, simple, location)

    assert [(s["time"], s["start_at"]) for s in response.json()["data"]["slots"]] == [
        ("10:00", "2025-06-16T00:00:00Z"),
        ("11:00", "2025-06-16T01:00:00Z"),
        ("11:30", "2025-06-16T01:30:00Z"),
    ]


def test_cancelled_appointment_frees_its_slot(api, simple, location):
    appointment = book(simple, location, DAY, 10, 30)
    appointment.status = "cancelled"
    appointment.save()

    assert times(slots(api, simple, location)) == ["10:00", "10:30", "11:00", "11:30"]


def test_buffers_on_both_sides(api, location):
    definition = make_definition(location, available_from=time(10), available_until=time(13), buffer_before_minutes=15,
                                 buffer_after_minutes=15)  # fmt: skip
    # Occupies 11:15-12:15 (11:30-12:00 plus both buffers).
    book(definition, location, DAY, 11, 30)

    response = slots(api, definition, location)

    # A candidate at s occupies [s - 15, s + 45): 11:00 runs into the booking's before-buffer, 12:00's before-buffer
    # runs into its after-buffer; 10:30 (until 11:15) and 12:30 (from 12:15) just touch it.
    assert [(s["time"], s["start_at"]) for s in response.json()["data"]["slots"]] == [
        ("10:00", "2025-06-16T00:00:00Z"),
        ("10:30", "2025-06-16T00:30:00Z"),
        ("12:30", "2025-06-16T02:30:00Z"),
    ]


def test_appointment_occupancy_uses_its_stored_buffers(api, location):
    definition = make_definition(location, available_from=time(10), available_until=time(13))
    # Booked while the definition had 30-minute buffers: it occupies 11:00-12:30 even after they are removed.
    appointment = book(definition, location, DAY, 11, 30)
    appointment.occupancy_start = local(DAY, 11)
    appointment.occupancy_end = local(DAY, 12, 30)
    appointment.save()

    assert times(slots(api, definition, location)) == ["10:00", "10:30", "12:30"]


# Staff from the location -----------------------------------------------------------------------------------


@pytest.fixture
def staff_definition(location):
    return make_definition(location, requires_staff=True)


def test_capacity_is_the_number_of_free_eligible_staff(api, staff_definition, location):
    for _ in range(3):
        assign(location)
    assign(location, assignment_type="manager")
    assign(location, assignment_type="profile")
    assign(location, is_active=False)
    assign(make_location())  # staff of another location

    response = slots(api, staff_definition, location)

    assert capacities(response) == [("10:00", 3), ("10:30", 3), ("11:00", 3), ("11:30", 3)]
    data = response.json()["data"]
    assert (data["requires_staff"], data["assigned_staff_required"], data["staff"]) == (True, True, None)


def test_staff_busy_through_another_definition_elsewhere_is_blocked(api, staff_definition, location):
    busy, free = assign(location), assign(location)
    elsewhere = make_location()
    other_definition = make_definition(elsewhere, buffer_after_minutes=30)
    # 10:00-10:30 plus a 30-minute after-buffer: busy until 11:00.
    book(other_definition, elsewhere, DAY, 10, assigned_staff=busy)
    # Not holding: does not block.
    book(other_definition, elsewhere, DAY, 11, 30, assigned_staff=busy, status="cancelled")

    assert capacities(slots(api, staff_definition, location)) == [("10:00", 1), ("10:30", 1), ("11:00", 2),
                                                                   ("11:30", 2)]  # fmt: skip
    assert times(slots(api, staff_definition, location, staff_id=str(busy.pk))) == ["11:00", "11:30"]
    assert capacities(slots(api, staff_definition, location, staff_id=str(free.pk))) == [
        ("10:00", 1), ("10:30", 1), ("11:00", 1), ("11:30", 1)
    ]  # fmt: skip


def test_staff_id_echoes_the_staff_member(api, staff_definition, location):
    person = assign(location, ProfileFactory(first_name="Ana", last_name="", email="ana@example.com"))

    response = slots(api, staff_definition, location, staff_id=str(person.pk))

    assert response.json()["data"]["staff"] == {"id": str(person.pk), "first_name": "Ana", "last_name": None,
                                                "email": "ana@example.com"}  # fmt: skip


def test_staff_id_not_eligible_is_422(api, staff_definition, location):
    assign(location)
    manager = assign(location, assignment_type="manager")
    inactive = assign(location, is_active=False)
    outsider = assign(make_location())

    for staff_id in (manager.pk, inactive.pk, outsider.pk, "00000000-0000-0000-0000-000000000000"):
        response = slots(api, staff_definition, location, staff_id=str(staff_id))
        assert response.status_code == 422, staff_id
        assert error_keys(response) == {"staff_id"}


def test_staff_id_on_a_definition_without_staff_is_422(api, simple, location):
    person = assign(location)

    response = slots(api, simple, location, staff_id=str(person.pk))

    assert response.status_code == 422
    assert error_keys(response) == {"staff_id"}


def test_excluded_service_handles(api, staff_definition, location):
    assign(location)
    excluded = assign(location, excluded_service_handles=[staff_definition.handle, "other"])
    assign(location, excluded_service_handles=["other"])

    assert capacities(slots(api, staff_definition, location)) == [("10:00", 2), ("10:30", 2), ("11:00", 2),
                                                                   ("11:30", 2)]  # fmt: skip
    response = slots(api, staff_definition, location, staff_id=str(excluded.pk))
    assert response.status_code == 422
    assert error_keys(response) == {"staff_id"}


def test_date_bounded_assignments(api, location):
    definition = make_definition(location, days=("MON", "TUE"), requires_staff=True)
    tuesday = DAY + timedelta(days=1)
    from_tuesday = assign(location, starts_at=local(tuesday, 0))
    until_sunday = assign(location, ends_at=local(DAY, 0))  # ends at the very start of Monday
    june = assign(location, starts_at=local(date(2025, 6, 1), 0), ends_at=local(date(2025, 7, 1), 0))
    until_monday_noon = assign(location, ends_at=local(DAY, 12))

    assert capacities(slots(api, definition, location)) == [("10:00", 2), ("10:30", 2), ("11:00", 2), ("11:30", 2)]
    assert capacities(slots(api, definition, location, day=tuesday)) == [("10:00", 2), ("10:30", 2), ("11:00", 2),
                                                                         ("11:30", 2)]  # fmt: skip
    for person in (from_tuesday, until_sunday):
        response = slots(api, definition, location, staff_id=str(person.pk))
        assert response.status_code == 422
        assert error_keys(response) == {"staff_id"}
    assert times(slots(api, definition, location, day=tuesday, staff_id=str(from_tuesday.pk))) == [
        "10:00", "10:30", "11:00", "11:30"
    ]  # fmt: skip
    assert times(slots(api, definition, location, staff_id=str(june.pk))) == ["10:00", "10:30", "11:00", "11:30"]
    assert slots(api, definition, location, day=tuesday, staff_id=str(until_monday_noon.pk)).status_code == 422


def test_staff_hours_gate_their_slots(api, staff_definition, location):
    short_day = assign(location)
    ProfileNormalHourFactory(profile=short_day, day_of_week="MON", available_from=time(10), available_until=time(11))
    anytime = assign(location)  # no hours at all: no restriction
    on_leave = assign(location)
    ProfileNormalHourFactory(profile=on_leave, day_of_week="MON", available_from=time(9), available_until=time(17))
    ProfileSpecialHourFactory(profile=on_leave, start_at=DAY, end_at=DAY)  # no times: unavailable
    late_shift = assign(location)
    ProfileNormalHourFactory(profile=late_shift, day_of_week="MON", available_from=time(9), available_until=time(17))
    ProfileSpecialHourFactory(profile=late_shift, start_at=DAY, end_at=DAY, available_from=time(11, 30),
                              available_until=time(18))  # fmt: skip
    tuesday_only = assign(location)
    ProfileNormalHourFactory(profile=tuesday_only, day_of_week="TUE", available_from=time(9), available_until=time(17))

    assert capacities(slots(api, staff_definition, location)) == [("10:00", 2), ("10:30", 2), ("11:00", 1),
                                                                   ("11:30", 2)]  # fmt: skip
    assert times(slots(api, staff_definition, location, staff_id=str(short_day.pk))) == ["10:00", "10:30"]
    assert times(slots(api, staff_definition, location, staff_id=str(anytime.pk))) == ["10:00", "10:30", "11:00",
                                                                                       "11:30"]  # fmt: skip
    assert times(slots(api, staff_definition, location, staff_id=str(late_shift.pk))) == ["11:30"]
    # Eligible but not working: a 200 with no slots, not a 422.
    assert times(slots(api, staff_definition, location, staff_id=str(on_leave.pk))) == []
    assert times(slots(api, staff_definition, location, staff_id=str(tuesday_only.pk))) == []


def test_all_staff_busy_leaves_the_slot_out(api, staff_definition, location):
    first, second = assign(location), assign(location)
    book(staff_definition, location, DAY, 11, assigned_staff=first)
    book(staff_definition, location, DAY, 11, assigned_staff=second)

    assert capacities(slots(api, staff_definition, location)) == [("10:00", 2), ("10:30", 2), ("11:30", 2)]


def test_staff_definition_ignores_the_pooled_capacity(api, location):
    definition = make_definition(location, requires_staff=True, max_concurrent_bookings=5)
    assign(location)
    customer_only = make_definition(location)
    book(definition, location, DAY, 10)  # no staff assigned: blocks nobody
    book(customer_only, location, DAY, 10, 30)

    assert capacities(slots(api, definition, location)) == [("10:00", 1), ("10:30", 1), ("11:00", 1), ("11:30", 1)]


# Staff from the definition's own list ----------------------------------------------------------------------


def test_own_staff_list_ignores_location_assignments(api, location):
    definition = make_definition(location, requires_staff=True, use_staff_from_location=False)
    listed = DefinitionStaffFactory(definition=definition, sort_order=1).staff  # not assigned to the location
    inactive = DefinitionStaffFactory(definition=definition, is_active=False).staff
    at_location = assign(location)
    # Their assignment elsewhere, even one that ended, does not matter either.
    assign(make_location(), listed, ends_at=local(date(2025, 1, 1), 0))

    assert capacities(slots(api, definition, location)) == [("10:00", 1), ("10:30", 1), ("11:00", 1), ("11:30", 1)]
    assert times(slots(api, definition, location, staff_id=str(listed.pk))) == ["10:00", "10:30", "11:00", "11:30"]
    for person in (inactive, at_location):
        response = slots(api, definition, location, staff_id=str(person.pk))
        assert response.status_code == 422
        assert error_keys(response) == {"staff_id"}


def test_own_staff_list_respects_staff_hours_and_conflicts(api, location):
    definition = make_definition(location, requires_staff=True, use_staff_from_location=False)
    first = DefinitionStaffFactory(definition=definition).staff
    second = DefinitionStaffFactory(definition=definition).staff
    ProfileNormalHourFactory(profile=second, day_of_week="MON", available_from=time(11), available_until=time(12))
    elsewhere = make_location()
    book(make_definition(elsewhere), elsewhere, DAY, 11, 30, assigned_staff=first)

    assert capacities(slots(api, definition, location)) == [("10:00", 1), ("10:30", 1), ("11:00", 2), ("11:30", 1)]


# Range -----------------------------------------------------------------------------------------------------


def slots_range(client, definition, location, start, end, **extra):
    body = {"location_id": location.pk, "start_date": start.isoformat(), "end_date": end.isoformat(), **extra}
    return client.post(f"{BASE}/{definition.pk}/available-slots-range", body, format="json")


@pytest.fixture
def week(location):
    """A staff definition open Monday to Friday at a location closed on Sundays, with some bookings."""
    location.normal_hours.filter(day_of_week="SUN").delete()
    definition = make_definition(location, days=WEEKDAYS[:5], available_from=time(9), available_until=time(13),
                                 requires_staff=True, slot_interval_minutes=45)  # fmt: skip
    first, second = assign(location), assign(location)
    for day in WEEKDAYS[:5]:
        ProfileNormalHourFactory(profile=second, day_of_week=day, available_from=time(8), available_until=time(18))
    # Second is off on Wednesday.
    ProfileSpecialHourFactory(profile=second, start_at=DAY + timedelta(days=2), end_at=DAY + timedelta(days=2))
    book(definition, location, DAY, 9, 45, assigned_staff=first)
    book(definition, location, DAY + timedelta(days=1), 12, assigned_staff=second)
    return definition, first


@pytest.mark.parametrize("with_staff", [False, True])
def test_range_is_the_union_of_single_days(api, location, week, with_staff):
    definition, first = week
    extra = {"staff_id": str(first.pk)} if with_staff else {}
    start, end = date(2025, 6, 14), date(2025, 6, 22)  # Saturday to the next Sunday

    response = slots_range(api, definition, location, start, end, **extra)

    assert response.status_code == 200
    expected = []
    for offset in range((end - start).days + 1):
        day = start + timedelta(days=offset)
        single = slots(api, definition, location, day=day, **extra)
        assert single.status_code == 200
        expected += [{**slot, "date": day.isoformat()} for slot in single.json()["data"]["slots"]]
    assert response.json()["data"] == expected
    assert response.json()["meta"]["total"] == len(expected)
    # Five weekdays of 09:00-13:00 with 30-minute slots every 45 minutes: 09:00 .. 12:00 (5 a day).
    assert {row["date"] for row in expected} == {"2025-06-16", "2025-06-17", "2025-06-18", "2025-06-19",
                                                 "2025-06-20"}  # fmt: skip
    assert len(expected) == (24 if with_staff else 25)


def test_range_rows_and_meta(api, location, week):
    definition, _ = week

    response = slots_range(api, definition, location, DAY, DAY)

    body = response.json()
    assert set(body) == {"data", "meta"}
    assert body["data"][:2] == [
        {"time": "09:00", "label": "9:00 AM", "start_at": "2025-06-15T23:00:00Z", "end_at": "2025-06-15T23:30:00Z",
         "local_start_at": "2025-06-16 09:00:00", "duration_minutes": 30, "capacity_remaining": 2,
         "date": "2025-06-16"},
        {"time": "09:45", "label": "9:45 AM", "start_at": "2025-06-15T23:45:00Z", "end_at": "2025-06-16T00:15:00Z",
         "local_start_at": "2025-06-16 09:45:00", "duration_minutes": 30, "capacity_remaining": 1,
         "date": "2025-06-16"},
    ]  # fmt: skip
    assert [row["time"] for row in body["data"]] == ["09:00", "09:45", "10:30", "11:15", "12:00"]
    assert body["meta"] == {
        "appointment_definition_id": definition.pk,
        "location_id": location.pk,
        "timezone": "Australia/Melbourne",
        "start_date": "2025-06-16",
        "end_date": "2025-06-16",
        "requires_staff": True,
        "customer_must_select_staff": False,
        "assigned_staff_required": True,
        "staff": None,
        "slot_interval_minutes": 45,
        "duration_minutes": 30,
        "buffer_before_minutes": 0,
        "buffer_after_minutes": 0,
        "min_lead_minutes": 0,
        "max_advance_days": None,
        "max_concurrent_bookings": None,
        "total": 5,
        "empty_days": [],
    }


def test_range_sort_desc_reverses(api, location, week):
    definition, first = week
    start, end = date(2025, 6, 15), date(2025, 6, 18)

    ascending = slots_range(api, definition, location, start, end)
    explicit = slots_range(api, definition, location, start, end, sort="asc")
    descending = slots_range(api, definition, location, start, end, sort="desc")

    rows = ascending.json()["data"]
    assert [row["start_at"] for row in rows] == sorted(row["start_at"] for row in rows)
    assert explicit.json()["data"] == rows
    assert descending.json()["data"] == list(reversed(rows))
    assert descending.json()["meta"]["total"] == ascending.json()["meta"]["total"] == len(rows) == 15
    assert descending.json()["data"][0]["start_at"] == "2025-06-18T02:00:00Z"


def test_range_with_staff_echoes_it_in_meta(api, location, week):
    definition, first = week

    response = slots_range(api, definition, location, DAY, DAY, staff_id=str(first.pk))

    assert response.json()["meta"]["staff"] == str(first.pk)
    assert [(row["time"], row["capacity_remaining"]) for row in response.json()["data"]] == [
        ("09:00", 1), ("10:30", 1), ("11:15", 1), ("12:00", 1)
    ]  # fmt: skip


def test_range_of_31_days_is_allowed_and_32_is_not(api, location, week):
    definition, _ = week

    thirty_one = slots_range(api, definition, location, date(2025, 6, 1), date(2025, 7, 1))
    thirty_two = slots_range(api, definition, location, date(2025, 6, 1), date(2025, 7, 2))

    assert thirty_one.status_code == 200
    assert thirty_one.json()["data"][-1]["date"] == "2025-07-01"
    assert thirty_two.status_code == 422
    assert error_keys(thirty_two) == {"end_date"}


def test_range_end_before_start_is_422(api, location, week):
    definition, _ = week

    response = slots_range(api, definition, location, date(2025, 6, 17), date(2025, 6, 16))

    assert response.status_code == 422
    assert error_keys(response) == {"end_date"}


def test_range_bad_sort_and_unlinked_location_are_422(api, location, week):
    definition, _ = week

    bad_sort = slots_range(api, definition, location, DAY, DAY, sort="sideways")
    unlinked = slots_range(api, definition, make_location(), DAY, DAY)

    assert (bad_sort.status_code, error_keys(bad_sort)) == (422, {"sort"})
    assert (unlinked.status_code, error_keys(unlinked)) == (422, {"location_id"})


def test_range_staff_not_eligible_anywhere_is_422(api, location, week):
    definition, _ = week
    manager = assign(location, assignment_type="manager")

    response = slots_range(api, definition, location, DAY, DAY + timedelta(days=3), staff_id=str(manager.pk))

    assert response.status_code == 422
    assert error_keys(response) == {"staff_id"}


def test_range_staff_eligible_part_of_the_range(api, location, week):
    definition, _ = week
    wednesday = DAY + timedelta(days=2)
    joiner = assign(location, starts_at=local(wednesday, 0))

    response = slots_range(api, definition, location, DAY, DAY + timedelta(days=3), staff_id=str(joiner.pk))

    assert response.status_code == 200
    assert sorted({row["date"] for row in response.json()["data"]}) == ["2025-06-18", "2025-06-19"]


# Available staff -------------------------------------------------------------------------------------------


def available_staff(client, definition, location, day=DAY, **extra):
    body = {"location_id": location.pk, "date": day.isoformat(), **extra}
    return client.post(f"{BASE}/{definition.pk}/available-staff", body, format="json")


STAFF_ROW_FIELDS = {"id", "first_name", "last_name", "email", "has_available_slots", "is_default_location",
                    "appointment_definition_staff_sort_order", "location_profile_sort_order"}  # fmt: skip


def test_available_staff_rows_and_meta(api, staff_definition, location):
    working = ProfileFactory(first_name="Wen", last_name="Li", email="wen@example.com")
    StaffAssignmentFactory(location=location, profile=working, sort_order=2, is_default=True)
    away = ProfileFactory(first_name="Ada", last_name="", email="")
    StaffAssignmentFactory(location=location, profile=away, sort_order=1)
    ProfileSpecialHourFactory(profile=away, start_at=DAY, end_at=DAY)
    booked_out = ProfileFactory(first_name="Bo", last_name="Xu", email="bo@example.com")
    StaffAssignmentFactory(location=location, profile=booked_out, sort_order=3)
    ProfileNormalHourFactory(profile=booked_out, day_of_week="MON", available_from=time(10), available_until=time(11))
    book(staff_definition, location, DAY, 10, assigned_staff=booked_out)
    book(staff_definition, location, DAY, 10, 30, assigned_staff=booked_out)
    StaffAssignmentFactory(location=location, assignment_type="manager")

    response = available_staff(api, staff_definition, location)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"data", "meta"}
    assert all(set(row) == STAFF_ROW_FIELDS for row in body["data"])
    assert body["data"] == [
        {"id": str(away.pk), "first_name": "Ada", "last_name": None, "email": None, "has_available_slots": False,
         "is_default_location": False, "appointment_definition_staff_sort_order": None,
         "location_profile_sort_order": 1},
        {"id": str(working.pk), "first_name": "Wen", "last_name": "Li", "email": "wen@example.com",
         "has_available_slots": True, "is_default_location": True, "appointment_definition_staff_sort_order": None,
         "location_profile_sort_order": 2},
        {"id": str(booked_out.pk), "first_name": "Bo", "last_name": "Xu", "email": "bo@example.com",
         "has_available_slots": False, "is_default_location": False,
         "appointment_definition_staff_sort_order": None, "location_profile_sort_order": 3},
    ]  # fmt: skip
    assert body["meta"] == {
        "appointment_definition_id": staff_definition.pk,
        "location_id": location.pk,
        "date": "2025-06-16",
        "requires_staff": True,
        "customer_must_select_staff": False,
        "selection_required_by_customer": False,
        "assigned_staff_required": True,
    }

    only = available_staff(api, staff_definition, location, available_only=True)
    assert [row["id"] for row in only.json()["data"]] == [str(working.pk)]
    assert only.json()["meta"] == body["meta"]


def test_available_staff_leaves_out_staff_not_eligible_that_day(api, staff_definition, location):
    present = assign(location)
    assign(location, starts_at=local(DAY + timedelta(days=1), 0))
    assign(location, excluded_service_handles=[staff_definition.handle])

    response = available_staff(api, staff_definition, location)

    assert [(row["id"], row["has_available_slots"]) for row in response.json()["data"]] == [(str(present.pk), True)]


def test_available_staff_from_the_definitions_own_list(api, location):
    definition = make_definition(location, requires_staff=True, use_staff_from_location=False,
                                 customer_must_select_staff=True)  # fmt: skip
    second = DefinitionStaffFactory(definition=definition, sort_order=2).staff
    first = DefinitionStaffFactory(definition=definition, sort_order=1).staff
    DefinitionStaffFactory(definition=definition, sort_order=0, is_active=False)
    assign(location)

    response = available_staff(api, definition, location)

    assert [
        (row["id"], row["has_available_slots"], row["is_default_location"],
         row["appointment_definition_staff_sort_order"], row["location_profile_sort_order"])
        for row in response.json()["data"]
    ] == [(str(first.pk), True, False, 1, None), (str(second.pk), True, False, 2, None)]  # fmt: skip
    meta = response.json()["meta"]
    assert (meta["customer_must_select_staff"], meta["selection_required_by_customer"]) == (True, True)


def test_available_staff_on_a_definition_without_staff_is_422(api, simple, location):
    response = available_staff(api, simple, location)

    assert response.status_code == 422
    assert error_keys(response) == {"requires_staff"}


def test_available_staff_unlinked_location_is_422(api, staff_definition):
    response = available_staff(api, staff_definition, make_location())

    assert response.status_code == 422
    assert error_keys(response) == {"location_id"}


def test_available_staff_for_customers(customer, staff_definition, location):
    person = assign(location)

    response = available_staff(customer, staff_definition, location)

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["data"]] == [str(person.pk)]
