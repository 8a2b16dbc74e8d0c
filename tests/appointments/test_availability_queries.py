"""Query counts do not grow with the number of staff, days or definitions (selectors' and views' promise)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appointments.selectors import load_availability
from appointments.selectors.fastpath import clear_schedule_cache
from tests.factories import (
    AppointmentFactory,
    DefinitionFactory,
    DefinitionLocationFactory,
    DefinitionNormalHourFactory,
    DefinitionSpecialHourFactory,
    DefinitionStaffFactory,
    LocationFactory,
    LocationNormalHourFactory,
    LocationSpecialHourFactory,
    ProfileFactory,
    ProfileNormalHourFactory,
    ProfileSpecialHourFactory,
    StaffAssignmentFactory,
)

pytestmark = pytest.mark.django_db

MELBOURNE = ZoneInfo("Australia/Melbourne")
START = date(2025, 6, 2)  # a Monday
NOW = datetime(2025, 5, 26, tzinfo=UTC)
WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
MAX_RANGE_QUERIES = 12


@pytest.fixture(autouse=True)
def pinned_now():
    with time_machine.travel(NOW, tick=False):
        yield


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=MELBOURNE).astimezone(UTC)


def scenario(kind: str, staff_count: int) -> tuple:
    """A definition at a location, both with normal and special hours; staff with hours and bookings."""
    location = LocationFactory()
    for day in WEEKDAYS:
        LocationNormalHourFactory(location=location, day_of_week=day, open_at=time(8), close_at=time(18))
    LocationSpecialHourFactory(
        location=location, start_at=START + timedelta(days=10), end_at=START + timedelta(days=10)
    )
    definition = DefinitionFactory(requires_staff=kind != "pooled", use_staff_from_location=kind != "definition_staff",
                                   max_concurrent_bookings=2 if kind == "pooled" else None,
                                   buffer_before_minutes=5, buffer_after_minutes=10)  # fmt: skip
    for day in WEEKDAYS[:6]:
        DefinitionNormalHourFactory(definition=definition, day_of_week=day, available_from=time(9),
                                    available_until=time(17))  # fmt: skip
    DefinitionSpecialHourFactory(
        definition=definition,
        start_at=START + timedelta(days=3),
        end_at=START + timedelta(days=3),
        available_from=time(12),
        available_until=time(14),
    )
    DefinitionLocationFactory(definition=definition, location=location)
    other_location = LocationFactory()
    other_definition = DefinitionFactory()
    if kind == "pooled":
        for offset in range(5):
            AppointmentFactory(definition=definition, location=location,
                               scheduled_start_at=local(START + timedelta(days=offset), 10))  # fmt: skip
        return definition, location
    for index in range(staff_count):
        person = ProfileFactory()
        if kind == "definition_staff":
            DefinitionStaffFactory(definition=definition, staff=person, sort_order=index)
        else:
            StaffAssignmentFactory(location=location, profile=person, sort_order=index, is_default=index == 0)
        for day in WEEKDAYS[:5]:
            ProfileNormalHourFactory(profile=person, day_of_week=day, available_from=time(9), available_until=time(16))
        ProfileSpecialHourFactory(profile=person, start_at=START + timedelta(days=index % 7),
                                  end_at=START + timedelta(days=index % 7))  # fmt: skip
        AppointmentFactory(definition=definition, location=location, assigned_staff=person,
                           scheduled_start_at=local(START + timedelta(days=1), 9 + index % 6))  # fmt: skip
        AppointmentFactory(definition=other_definition, location=other_location, assigned_staff=person,
                           scheduled_start_at=local(START + timedelta(days=2), 11))  # fmt: skip
    return definition, location


def range_query_count(client, definition, location, days: int) -> tuple[int, int]:
    """(queries, slots) of one available-slots-range call, after a warm-up call that settles token bookkeeping."""
    body = {"location_id": location.pk, "start_date": START.isoformat(),
            "end_date": (START + timedelta(days=days - 1)).isoformat()}  # fmt: skip
    url = f"/api/v3/appointment-definitions/{definition.pk}/available-slots-range"
    assert client.post(url, body, format="json").status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, body, format="json")
    assert response.status_code == 200, response.json()
    return len(captured), response.json()["meta"]["total"]


@pytest.mark.parametrize(
    ("kind", "dimension"),
    [
        ("location_staff", "staff"),
        ("definition_staff", "staff"),
        ("location_staff", "days"),
        ("definition_staff", "days"),
        ("pooled", "days"),
    ],
)
def test_range_query_count_does_not_grow(api, kind, dimension):
    if dimension == "staff":
        small, big = scenario(kind, 1), scenario(kind, 25)
        small_count, small_slots = range_query_count(api, *small, days=7)
        big_count, big_slots = range_query_count(api, *big, days=7)
    else:
        definition, location = scenario(kind, 10)
        small_count, small_slots = range_query_count(api, definition, location, days=1)
        big_count, big_slots = range_query_count(api, definition, location, days=31)

    assert small_slots > 0
    assert big_slots > small_slots
    assert big_count == small_count
    assert big_count <= MAX_RANGE_QUERIES


def test_range_query_count_for_one_staff_member(api):
    definition, location = scenario("location_staff", 25)
    staff_id = str(definition.appointments.exclude(assigned_staff=None).first().assigned_staff_id)
    url = f"/api/v3/appointment-definitions/{definition.pk}/available-slots-range"
    bodies = [
        {"location_id": location.pk, "start_date": START.isoformat(), "end_date": end.isoformat(),
         "staff_id": staff_id}
        for end in (START, START + timedelta(days=30))
    ]  # fmt: skip
    assert api.post(url, bodies[0], format="json").status_code == 200

    # Hours and staff come from the schedule cache once read: count both the first (cold) and a repeated request.
    cold, warm = [], []
    for body in bodies:
        for counts in (cold, warm):
            if counts is cold:
                clear_schedule_cache()
            with CaptureQueriesContext(connection) as captured:
                assert api.post(url, body, format="json").status_code == 200
            counts.append(len(captured))

    assert cold[0] == cold[1] <= MAX_RANGE_QUERIES
    assert warm[0] == warm[1] < cold[0]


def definitions_with_children(count: int) -> None:
    for _ in range(count):
        definition = DefinitionFactory()
        DefinitionNormalHourFactory(definition=definition, day_of_week="MON")
        DefinitionNormalHourFactory(definition=definition, day_of_week="TUE")
        DefinitionSpecialHourFactory(definition=definition)
        DefinitionLocationFactory(definition=definition)
        DefinitionLocationFactory(definition=definition)
        DefinitionStaffFactory(definition=definition)
        DefinitionStaffFactory(definition=definition)


def list_query_count(client, params=None) -> tuple[int, int]:
    url = "/api/v3/appointment-definitions"
    assert client.get(url, params).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured), len(response.json()["data"])


@pytest.mark.parametrize("params", [None, {"filter[is_published]": "1", "sort": "-name"}])
def test_definitions_list_query_count_does_not_grow(api, params):
    definitions_with_children(1)
    small_count, small_rows = list_query_count(api, params)
    definitions_with_children(9)
    big_count, big_rows = list_query_count(api, params)

    assert (small_rows, big_rows) == (1, 10)
    assert big_count == small_count


def test_definitions_list_query_count_for_customers(make_customer_client):
    client = make_customer_client()
    definitions_with_children(1)
    small_count, _ = list_query_count(client)
    definitions_with_children(9)
    big_count, big_rows = list_query_count(client)

    assert big_rows == 10
    assert big_count == small_count


@pytest.mark.parametrize("kind", ["location_staff", "definition_staff"])
def test_load_availability_runs_a_fixed_number_of_queries(kind):
    counts = []
    for staff_count in (1, 25):
        definition, location = scenario(kind, staff_count)
        with CaptureQueriesContext(connection) as captured:
            loaded = load_availability(definition, location, START, START + timedelta(days=30))
        assert len(loaded.context.staff) == staff_count
        assert sum(len(member.busy) for member in loaded.context.staff) == 2 * staff_count
        counts.append(len(captured))

    assert counts[0] == counts[1] <= 10


def test_load_availability_without_staff_runs_a_fixed_number_of_queries():
    definition, location = scenario("pooled", 0)

    with CaptureQueriesContext(connection) as captured:
        loaded = load_availability(definition, location, START, START + timedelta(days=30))

    assert len(loaded.context.occupancies) == 5
    assert len(captured) <= 10
