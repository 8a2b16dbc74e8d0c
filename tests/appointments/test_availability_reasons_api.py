"""Empty days explained in availability `meta`, and booking refusals that name the rule in the envelope's `code`.

A Melbourne location (UTC+10 in June) open 09:00-17:00 every day; `now` is Monday 2025-06-09 10:00 local. The
definition takes 30-minute slots on Mondays 10:00-12:00 unless a test says otherwise.
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
    LocationFactory,
    LocationNormalHourFactory,
    ProfileFactory,
    ProfileNormalHourFactory,
    StaffAssignmentFactory,
)

pytestmark = pytest.mark.django_db

MELBOURNE = ZoneInfo("Australia/Melbourne")
NOW = datetime(2025, 6, 9, 0, 0, tzinfo=UTC)  # Monday 10:00 in Melbourne
DAY = date(2025, 6, 16)  # the next Monday
BASE = "/api/v3/appointment-definitions"
WEEK = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
MESSAGES = {
    "archived": "The appointment definition is archived.",
    "walk_in_only": "The service is walk-in only: join the queue instead of booking.",
    "beyond_advance_limit": "The date is beyond how far ahead this service can be booked (max_advance_days).",
    "closed": "Closed: no opening hours of the service at this location on that date.",
    "no_staff": "No staff member can take this service here on that date.",
    "staff_not_working": "No staff member who takes this service works in the opening hours on that date.",
    "past": "Every time on that date has passed.",
    "inside_lead_time": "The remaining times are too soon to book (min_lead_minutes).",
    "fully_booked": "Fully booked.",
}


@pytest.fixture(autouse=True)
def pinned_now():
    with time_machine.travel(NOW, tick=False):
        yield


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=MELBOURNE).astimezone(UTC)


@pytest.fixture
def location():
    location = LocationFactory()
    for day in WEEK:
        LocationNormalHourFactory(location=location, day_of_week=day, open_at=time(9), close_at=time(17))
    return location


def make_definition(location, **kwargs):
    definition = DefinitionFactory(**kwargs)
    DefinitionNormalHourFactory(definition=definition, day_of_week="MON", available_from=time(10),
                                available_until=time(12))  # fmt: skip
    DefinitionLocationFactory(definition=definition, location=location)
    return definition


def day_meta(client, definition, location, day=DAY) -> dict:
    response = client.post(f"{BASE}/{definition.pk}/available-slots",
                           {"location_id": location.pk, "date": day.isoformat()}, format="json")  # fmt: skip
    assert response.status_code == 200, response.json()
    return response.json()


def reason_of(client, definition, location, day=DAY) -> str | None:
    body = day_meta(client, definition, location, day)
    meta = body["meta"]
    assert meta["reason_message"] == MESSAGES.get(meta["reason"])
    assert (meta["reason"] is None) == bool(body["data"]["slots"])
    return meta["reason"]


def fill(definition, location, day=DAY):
    for hour, minute in ((10, 0), (10, 30), (11, 0), (11, 30)):
        AppointmentFactory(definition=definition, location=location, scheduled_start_at=local(day, hour, minute))


class TestSingleDay:
    def test_a_day_with_slots_has_no_reason(self, api, location):
        assert reason_of(api, make_definition(location), location) is None

    def test_closed(self, api, location):
        assert reason_of(api, make_definition(location), location, DAY + timedelta(days=1)) == "closed"

    def test_fully_booked(self, api, location):
        definition = make_definition(location)
        fill(definition, location)

        assert reason_of(api, definition, location) == "fully_booked"

    def test_beyond_max_advance_days(self, api, location):
        assert reason_of(api, make_definition(location, max_advance_days=6), location) == "beyond_advance_limit"
        assert reason_of(api, make_definition(location, max_advance_days=7), location) is None

    def test_inside_min_lead_minutes(self, api, location):
        # At 10:00 today, a 120-minute lead leaves nothing of today's 10:00-12:00 window.
        definition = make_definition(location, min_lead_minutes=120)

        assert reason_of(api, definition, location, NOW.date()) == "inside_lead_time"

    def test_past(self, api, location):
        assert reason_of(api, make_definition(location), location, DAY - timedelta(days=14)) == "past"

    def test_archived_and_walk_in_only(self, api, location):
        assert reason_of(api, make_definition(location, is_archived=True), location) == "archived"
        assert reason_of(api, make_definition(location, booking_type="walk_in_only"), location) == "walk_in_only"

    def test_staff_not_working_and_no_staff(self, api, location):
        definition = make_definition(location, requires_staff=True, use_staff_from_location=True)
        assert reason_of(api, definition, location) == "no_staff"

        staff = StaffAssignmentFactory(location=location, profile=ProfileFactory()).profile
        ProfileNormalHourFactory(profile=staff, day_of_week="MON", available_from=time(13), available_until=time(17))
        assert reason_of(api, definition, location) == "staff_not_working"


def test_range_lists_every_empty_day_with_its_reason(api, location):
    definition = make_definition(location, max_advance_days=14)
    DefinitionNormalHourFactory(definition=definition, day_of_week="TUE", available_from=time(10),
                                available_until=time(11))  # fmt: skip
    fill(definition, location)

    response = api.post(f"{BASE}/{definition.pk}/available-slots-range",
                        {"location_id": location.pk, "start_date": "2025-06-15", "end_date": "2025-06-24"},
                        format="json")  # fmt: skip

    assert response.status_code == 200, response.json()
    assert sorted({row["date"] for row in response.json()["data"]}) == ["2025-06-17", "2025-06-23"]
    expected = [("2025-06-15", "closed"), ("2025-06-16", "fully_booked"), *((f"2025-06-{d}", "closed") for d in
                range(18, 23)), ("2025-06-24", "beyond_advance_limit")]  # fmt: skip
    assert response.json()["meta"]["empty_days"] == [
        {"date": day, "reason": reason, "message": MESSAGES[reason]} for day, reason in expected
    ]


# Booking refusals name the rule ----------------------------------------------------------------------------------


def book(client, definition, location, start: str, **extra):
    body = {"appointment_definition_id": definition.pk, "profile_id": str(ProfileFactory().pk),
            "location_id": location.pk, "scheduled_start_at": start, "timezone": "Australia/Melbourne", **extra}  # fmt: skip
    return client.post("/api/v3/appointments", body, format="json")


FULL = "That slot is fully booked: every place is taken. Pick another slot."
NOBODY_WORKING = "No staff member who takes this service is working then; pick another slot."
CHOSEN_UNAVAILABLE = "This staff member is not available then; pick another time or another staff member."


def refusal(response, message: str, field="scheduled_start_at") -> str:
    assert response.status_code == 422, response.json()
    payload = response.json()
    assert payload["message"] == message
    assert payload["errors"] == {field: [message]}
    return payload["code"]


@pytest.mark.parametrize(
    ("start", "rules", "code", "message"),
    [
        ("2025-06-16 09:30:00", {}, "outside_hours",
         "That time is outside this service's hours here: on 2025-06-16 they are 10:00-12:00 (Australia/Melbourne)."),
        ("2025-06-16 12:00:00", {}, "outside_hours",
         "That time is outside this service's hours here: on 2025-06-16 they are 10:00-12:00 (Australia/Melbourne)."),
        ("2025-06-17 10:00:00", {}, "outside_hours",
         "That time is outside this service's hours here: it is closed on 2025-06-17."),
        ("2025-06-16 10:10:00", {}, "off_grid",
         "That time is off the slot grid: slots start every 30 minutes; the nearest bookable starts that day are "
         "10:00 and 10:30 (Australia/Melbourne)."),
        ("2025-06-09 09:30:00", {}, "past", "That time has passed; pick a later slot."),
        ("2025-06-09 11:00:00", {"min_lead_minutes": 90}, "inside_lead_time",
         "That time is too soon to book: this service needs 90 minutes' notice, so the earliest start is "
         "2025-06-09 11:30 Australia/Melbourne."),
        ("2025-06-16 10:00:00", {"max_advance_days": 6}, "beyond_advance_limit",
         "That time is too far ahead: this service can be booked at most 6 days ahead, up to 2025-06-15."),
    ],
)  # fmt: skip
def test_booking_refusal_names_the_rule_and_says_what_to_do(api, location, start, rules, code, message):
    """Each rule has its own message (issue 19 finding 6), with the limit it names in local time and zone."""
    assert refusal(book(api, make_definition(location, **rules), location, start), message) == code


def test_booking_a_full_slot_is_fully_booked(api, location):
    definition = make_definition(location)
    fill(definition, location)

    assert refusal(book(api, definition, location, "2025-06-16 10:30:00"), FULL) == "fully_booked"
    # Overriding the hours never overrides capacity: the same code.
    override = book(api, definition, location, "2025-06-16 10:30:00", override_availability=True)
    assert refusal(override, message="No capacity left at that time.") == "fully_booked"


def test_booking_staff_refusals(api, location):
    # `a` works 10:00-11:00 and is booked at 10:00; `b` works 11:30-12:00.
    definition = make_definition(location, requires_staff=True, use_staff_from_location=True)
    a, b = (StaffAssignmentFactory(location=location, profile=ProfileFactory()).profile for _ in range(2))
    ProfileNormalHourFactory(profile=a, day_of_week="MON", available_from=time(10), available_until=time(11))
    ProfileNormalHourFactory(profile=b, day_of_week="MON", available_from=time(11, 30), available_until=time(12))
    AppointmentFactory(definition=definition, location=location, assigned_staff=a, scheduled_start_at=local(DAY, 10))

    # Everyone working at 10:00 is busy: fully booked. Nobody works at 11:00: staff unavailable.
    assert refusal(book(api, definition, location, "2025-06-16 10:00:00"), FULL) == "fully_booked"
    assert refusal(book(api, definition, location, "2025-06-16 11:00:00"), NOBODY_WORKING) == "staff_unavailable"
    # A chosen member who is busy, or off, then.
    for member in (a, b):
        chosen = book(api, definition, location, "2025-06-16 10:00:00", assigned_staff_id=str(member.pk))
        assert refusal(chosen, CHOSEN_UNAVAILABLE) == "staff_unavailable"
    # `a` is off at 11:30 while `b` is free then: on the staff field, as before, with the same code.
    off = book(api, definition, location, "2025-06-16 11:30:00", assigned_staff_id=str(a.pk))
    assert refusal(off, "This staff member is not free at that time.", "assigned_staff_id") == "staff_unavailable"
