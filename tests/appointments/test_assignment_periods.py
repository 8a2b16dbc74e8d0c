"""A staff assignment that starts or ends within a local day offers only the slots inside it (issue 19, finding 4;
DOMAIN.md "Availability" step 8): `starts_at`/`ends_at` are instants, not whole days.

Over HTTP at a New York location, then a property of the engine across zones and daylight-saving days: the slots
with a period are exactly the slots without it that lie wholly inside it, and booking agrees slot by slot.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from hypothesis import given, settings
from hypothesis import strategies as st

from appointments.availability import (
    Context,
    EmptyReason,
    Period,
    Rules,
    StaffMember,
    empty_day_reason,
    has_slot,
    no_slot_reason,
    slots_for_day,
)
from appointments.selectors.schedule import merged_periods
from directory.hours import Schedule, WeeklyHours
from tests.factories import (
    DefinitionFactory,
    DefinitionLocationFactory,
    LocationFactory,
    LocationNormalHourFactory,
    ProfileFactory,
)

NEW_YORK = ZoneInfo("America/New_York")
DAY = date(2027, 3, 13)  # a Saturday; New York moves its clocks forward early the next day
NOW = datetime(2027, 3, 1, tzinfo=UTC)
WEEK = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
DEFINITIONS = "/api/v3/appointment-definitions"


def ny(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=NEW_YORK).astimezone(UTC)


@pytest.fixture
def soho(api):
    """A New York location open 08:00-22:00 every day, a 45-minute service with staff from the location, and a
    staff member assigned (over the API) from 2027-03-14T00:00:00Z: 19:00 on Saturday 13 March, local time."""
    location = LocationFactory(timezone="America/New_York", handle="soho")
    for day in WEEK:
        LocationNormalHourFactory(location=location, day_of_week=day, open_at=time(8), close_at=time(22))
    definition = DefinitionFactory(requires_staff=True, duration_minutes=45, slot_interval_minutes=15)
    DefinitionLocationFactory(definition=definition, location=location)
    staff = ProfileFactory()
    body = {"profile_id": str(staff.pk), "assignment_type": "staff", "starts_at": "2027-03-14T00:00:00Z"}
    assert api.post(f"/api/v3/locations/{location.pk}/profiles", body, format="json").status_code == 201
    with time_machine.travel(NOW, tick=False):
        yield definition, location, staff


def offered(api, definition, location, day: date) -> list[str]:
    body = {"location_id": location.pk, "date": day.isoformat()}
    response = api.post(f"{DEFINITIONS}/{definition.pk}/available-slots", body, format="json")
    assert response.status_code == 200, response.json()
    return [slot["start_at"] for slot in response.json()["data"]["slots"]]


def book(api, definition, location, start: datetime, **extra):
    body = {"appointment_definition_id": definition.pk, "location_id": location.pk,
            "profile_id": str(ProfileFactory().pk), "scheduled_start_at": start.isoformat(), **extra}  # fmt: skip
    return api.post("/api/v3/appointments", body, format="json")


def iso(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.django_db
def test_an_assignment_starting_at_19_00_local_offers_nothing_before_it(api, soho):
    definition, location, _ = soho

    slots = offered(api, definition, location, DAY)

    # 19:00, 19:15, ... the last 45 minutes ending by 22:00: nothing in the morning.
    expected = [iso(ny(DAY, 19) + timedelta(minutes=15 * k)) for k in range(10)]
    assert slots == expected
    assert offered(api, definition, location, DAY - timedelta(days=1)) == []


@pytest.mark.django_db
def test_booking_refuses_what_availability_hides_even_with_an_override(api, soho):
    definition, location, staff = soho

    morning = book(api, definition, location, ny(DAY, 8, 15))
    named = book(api, definition, location, ny(DAY, 18, 30), assigned_staff_id=str(staff.pk))
    forced = book(api, definition, location, ny(DAY, 18, 30), override_availability=True)
    evening = book(api, definition, location, ny(DAY, 19))

    assert (morning.status_code, morning.json()["code"], list(morning.json()["errors"])) == (
        422, "staff_unavailable", ["scheduled_start_at"],
    )  # fmt: skip
    assert (named.status_code, named.json()["code"]) == (422, "staff_unavailable")
    assert (forced.status_code, list(forced.json()["errors"])) == (422, ["scheduled_start_at"])
    assert evening.status_code == 201, evening.json()
    assert evening.json()["data"]["assigned_staff_id"] == str(staff.pk)


@pytest.mark.django_db
def test_a_day_emptied_by_the_assignment_says_no_staff_works_then(api, soho):
    definition, location, _ = soho
    later = DefinitionFactory(requires_staff=True, duration_minutes=45)
    DefinitionLocationFactory(definition=later, location=location)
    # Open only in the morning: the assignment's evening start leaves nothing.
    for day in WEEK:
        later.normal_hours.create(day_of_week=day, available_from=time(9), available_until=time(12))

    body = {"location_id": location.pk, "date": DAY.isoformat()}
    response = api.post(f"{DEFINITIONS}/{later.pk}/available-slots", body, format="json")

    assert response.json()["data"]["slots"] == []
    assert response.json()["meta"]["reason"] == EmptyReason.STAFF_NOT_WORKING


# --- the engine, across zones and daylight-saving days --------------------------------------------------------------

ZONES = {
    # zone: an ordinary day, the day clocks go forward, the day they go back
    "America/New_York": (date(2027, 6, 14), date(2027, 3, 14), date(2027, 11, 7)),
    "Europe/London": (date(2027, 6, 14), date(2027, 3, 28), date(2027, 10, 31)),
    "Australia/Melbourne": (date(2027, 6, 14), date(2027, 10, 3), date(2027, 4, 4)),
}
DAYS = [(zone, day) for zone, days in ZONES.items() for day in days]
EVERY_DAY = tuple(WeeklyHours(weekday, time(0), time(23, 59)) for weekday in range(7))


def context(tz: ZoneInfo, periods, *, duration: int, interval: int, hours: Schedule) -> Context:
    rules = Rules(duration_minutes=duration, slot_interval_minutes=interval, requires_staff=True)
    member = StaffMember(id="s", schedule=hours, periods=periods)
    return Context(rules=rules, tz=tz, definition_hours=Schedule(), location_hours=Schedule(), staff=(member,))


def instant(tz: ZoneInfo, day: date, minutes: int) -> datetime:
    """`minutes` after the local midnight of `day` (negative: before it), as a UTC instant."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC) + timedelta(minutes=minutes)


@settings(max_examples=150, deadline=None)
@given(
    place=st.sampled_from(DAYS),
    start=st.none() | st.integers(-180, 26 * 60).map(lambda m: m - m % 5),
    length=st.none() | st.integers(0, 26 * 60).map(lambda m: m - m % 5),
    duration=st.sampled_from([15, 30, 45, 60]),
    interval=st.sampled_from([15, 30, 60]),
    working=st.booleans(),
)
def test_slots_are_exactly_those_inside_the_assignment_and_booking_agrees(place, start, length, duration, interval,
                                                                           working):  # fmt: skip
    zone, day = place
    tz = ZoneInfo(zone)
    starts_at = None if start is None else instant(tz, day, start)
    ends_at = None if length is None else instant(tz, day, (start or 0) + length)
    hours = Schedule(normal=EVERY_DAY) if working else Schedule()
    now = datetime(2027, 1, 1, tzinfo=UTC)
    free = context(tz, None, duration=duration, interval=interval, hours=hours)
    bound = context(tz, (Period(starts_at, ends_at),), duration=duration, interval=interval, hours=hours)
    eligible = (starts_at is None or starts_at < instant(tz, day + timedelta(days=1), 0)) and (
        ends_at is None or ends_at > instant(tz, day, 0)
    )
    if not eligible:
        return  # a period missing the day leaves the member out of it altogether, as before

    everything = slots_for_day(free, day, now=now)
    inside = [
        slot.start for slot in everything
        if (starts_at is None or starts_at <= slot.start) and (ends_at is None or slot.end <= ends_at)
    ]  # fmt: skip

    assert [slot.start for slot in slots_for_day(bound, day, now=now)] == inside
    for slot in everything:
        booked = has_slot(bound, slot.start, now=now, staff_id="s")
        assert (booked is not None) == (slot.start in inside)
        if booked is None:
            assert no_slot_reason(bound, slot.start, now=now) == EmptyReason.STAFF_UNAVAILABLE
    if everything and not inside:
        assert empty_day_reason(bound, day, now=now) == EmptyReason.STAFF_NOT_WORKING


@pytest.mark.django_db
def test_back_to_back_assignments_count_as_one(api, soho):
    definition, location, staff = soho
    # The same person was also assigned until the first assignment began: 13:00 to 19:00 local, then onwards.
    body = {"profile_id": str(staff.pk), "assignment_type": "staff", "starts_at": iso(ny(DAY, 13)),
            "ends_at": "2027-03-14T00:00:00Z"}  # fmt: skip
    assert api.post(f"/api/v3/locations/{location.pk}/profiles", body, format="json").status_code == 201

    slots = offered(api, definition, location, DAY)

    # 18:30 runs across the seam at 19:00 and is offered; nothing starts before 13:00.
    assert slots == [iso(ny(DAY, 13) + timedelta(minutes=15 * k)) for k in range(34)]


@pytest.mark.parametrize(
    ("periods", "merged"),
    [
        ([(None, 5), (5, 9)], [(None, 9)]),
        ([(3, 6), (1, 4), (8, None)], [(1, 6), (8, None)]),
        ([(1, 2), (3, 4)], [(1, 2), (3, 4)]),
        ([(1, None), (2, 3)], [(1, None)]),
    ],
)
def test_merged_periods(periods, merged):
    at = lambda hour: None if hour is None else datetime(2027, 1, 1, hour, tzinfo=UTC)  # noqa: E731
    result = merged_periods([Period(at(a), at(b)) for a, b in periods])
    assert result == tuple(Period(at(a), at(b)) for a, b in merged)
