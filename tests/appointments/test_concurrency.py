"""Simultaneous bookings never overbook (DOMAIN.md "Booking", Concurrency; ARCHITECTURE.md rule 3).

Every test commits for real (`transaction=True`) and fires its bookings from separate threads, each with its own
PostgreSQL connection, released together by a barrier, through the whole HTTP stack in-process. The losers must get a
409 `slot_unavailable` (with Retry-After) when they lost the race under the lock, or a 422 when they only reached
the check after the winner committed; never a 500, and never one booking too many.

The booked slot is always available: the definitions, locations and staff have no hours rows (no restriction),
no lead time, and the start is 10:00 local time two days ahead of the real clock, on the 30-minute grid.
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, time, timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from appointments.enums import HOLDING_STATUSES, AppointmentStatus
from appointments.models import Appointment, AppointmentEvent
from directory.services.tokens import token_issue
from tests.conftest import BearerClient
from tests.factories import (
    AppointmentFactory,
    DefinitionFactory,
    DefinitionLocationFactory,
    DefinitionStaffFactory,
    LocationFactory,
    ProfileFactory,
    StaffAssignmentFactory,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 24
URL = "/api/v3/appointments"
BARRIER_TIMEOUT = 30
REQUEST_TIMEOUT = 60


def start_in_two_days(location) -> datetime:
    """10:00 at the location two local days from now: always in the future and on the 30-minute grid."""
    day = timezone.now().astimezone(location.timezone).date() + timedelta(days=2)
    return datetime.combine(day, time(10, 0), tzinfo=location.timezone).astimezone(UTC)


def iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def race(bodies: list[dict]) -> list:
    """POST every body at once, one thread and one database connection each; the responses in body order."""
    _, raw = token_issue(name="concurrency test", scopes=["admin"])
    barrier = threading.Barrier(len(bodies))

    def post(body: dict):
        client = BearerClient(raw)
        try:
            barrier.wait(timeout=BARRIER_TIMEOUT)
            return client.post(URL, body, format="json")
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        futures = [pool.submit(post, body) for body in bodies]
        return [future.result(timeout=REQUEST_TIMEOUT) for future in futures]


def statuses(responses) -> Counter:
    return Counter(response.status_code for response in responses)


def assert_losers_well_formed(responses) -> None:
    """A loser is a 409 slot_unavailable with Retry-After, or a 422 saying why; nothing else (in particular no 500)."""
    for response in responses:
        if response.status_code == 201:
            continue
        assert response.status_code in (409, 422), (response.status_code, response.content)
        if response.status_code == 409:
            assert response.json()["code"] == "slot_unavailable", response.json()
            assert response["Retry-After"] == "1"
        else:
            # Taken by a winner: the slot is full, or the chosen staff member is busy (docs/api-guide-notes.md).
            assert response.json()["code"] in ("fully_booked", "staff_unavailable"), response.json()


def bodies_for(definition, location, start: datetime, profiles, **extra) -> list[dict]:
    return [
        {
            "appointment_definition_id": definition.pk,
            "profile_id": str(profile.pk),
            "location_id": location.pk,
            "scheduled_start_at": iso(start),
            **extra,
        }
        for profile in profiles
    ]


def pooled(capacity: int):
    location = LocationFactory()
    definition = DefinitionFactory(duration_minutes=30, min_lead_minutes=0, max_concurrent_bookings=capacity)
    DefinitionLocationFactory(definition=definition, location=location)
    return definition, location


def holding(**filters):
    return Appointment.objects.filter(status__in=HOLDING_STATUSES, **filters)


@pytest.mark.parametrize("capacity", [1, 3])
def test_simultaneous_bookings_of_a_pooled_slot_fill_exactly_its_capacity(capacity):
    definition, location = pooled(capacity)
    start = start_in_two_days(location)
    profiles = ProfileFactory.create_batch(THREADS)

    responses = race(bodies_for(definition, location, start, profiles))

    assert statuses(responses)[201] == capacity, statuses(responses)
    assert_losers_well_formed(responses)
    booked = holding(definition=definition, location=location, scheduled_start_at=start)
    assert booked.count() == capacity
    winners = {response.json()["data"]["profile_id"] for response in responses if response.status_code == 201}
    assert {str(pk) for pk in booked.values_list("profile_id", flat=True)} == winners
    assert set(booked.values_list("status", flat=True)) == {AppointmentStatus.CONFIRMED}
    assert Appointment.objects.count() == capacity
    assert AppointmentEvent.objects.filter(kind=AppointmentEvent.Kind.CREATED).count() == capacity


def test_one_staff_member_booked_through_two_definitions_at_once_is_booked_once():
    """One definition takes its staff from the location, the other from its own list: both reach the same person.

    Their link locks differ, so only the staff member's row lock and the exclusion constraint keep them apart.
    Half the requests name the staff member, half leave the choice to auto-assignment.
    """
    location = LocationFactory()
    staff = ProfileFactory()
    from_location = DefinitionFactory(duration_minutes=30, min_lead_minutes=0, requires_staff=True)
    from_own_list = DefinitionFactory(
        duration_minutes=30, min_lead_minutes=0, requires_staff=True, use_staff_from_location=False
    )
    for definition in (from_location, from_own_list):
        DefinitionLocationFactory(definition=definition, location=location)
    StaffAssignmentFactory(location=location, profile=staff)
    DefinitionStaffFactory(definition=from_own_list, staff=staff)
    start = start_in_two_days(location)
    profiles = ProfileFactory.create_batch(THREADS)
    bodies = []
    for index, profile in enumerate(profiles):
        definition = (from_location, from_own_list)[index % 2]
        named = {"assigned_staff_id": str(staff.pk)} if index % 4 < 2 else {}
        bodies += bodies_for(definition, location, start, [profile], **named)

    responses = race(bodies)

    assert statuses(responses)[201] == 1, statuses(responses)
    assert_losers_well_formed(responses)
    booked = holding(assigned_staff=staff)
    assert booked.count() == 1
    (winner,) = (response.json()["data"] for response in responses if response.status_code == 201)
    appointment = booked.get()
    assert (str(appointment.profile_id), appointment.scheduled_start_at) == (winner["profile_id"], start)
    assert winner["assigned_staff_id"] == str(staff.pk)
    assert Appointment.objects.count() == 1


# The exclusion constraint on its own (migration 0003) -----------------------------------------------------------


def insert(first: Appointment, **changes) -> Appointment:
    """Write an appointment like `first` straight to the table, bypassing the booking service."""
    values = {
        "definition": first.definition,
        "profile": ProfileFactory(),
        "location": first.location,
        "assigned_staff": first.assigned_staff,
        "status": AppointmentStatus.CONFIRMED,
        "scheduled_start_at": first.scheduled_start_at,
        "timezone": first.timezone,
        **changes,
    }
    duration = timedelta(minutes=first.definition.duration_minutes)
    values.setdefault("scheduled_end_at", values["scheduled_start_at"] + duration)
    values.setdefault("occupancy_start", values["scheduled_start_at"])
    values.setdefault("occupancy_end", values["scheduled_end_at"])
    with transaction.atomic():
        return Appointment.objects.create(**values)


@pytest.fixture
def staffed():
    """A confirmed 10:00-10:30 appointment of staff member S, written by the factory."""
    location = LocationFactory()
    definition = DefinitionFactory(duration_minutes=30, requires_staff=True)
    start = start_in_two_days(location)
    return AppointmentFactory(
        definition=definition, location=location, assigned_staff=ProfileFactory(), scheduled_start_at=start
    )


def test_the_exclusion_constraint_rejects_an_overlapping_holding_insert_of_the_same_staff_member(staffed):
    with pytest.raises(IntegrityError, match="appointment_staff_no_overlap"):
        insert(staffed, scheduled_start_at=staffed.scheduled_start_at + timedelta(minutes=15))

    assert holding(assigned_staff=staffed.assigned_staff).count() == 1


@pytest.mark.parametrize("status", [AppointmentStatus.REQUESTED, AppointmentStatus.ARRIVED])
def test_the_exclusion_constraint_covers_every_holding_status(staffed, status):
    with pytest.raises(IntegrityError, match="appointment_staff_no_overlap"):
        insert(staffed, status=status)


def test_the_exclusion_constraint_counts_occupancy_buffers_not_the_schedule(staffed):
    later = staffed.scheduled_end_at + timedelta(minutes=5)
    with pytest.raises(IntegrityError, match="appointment_staff_no_overlap"):
        insert(staffed, scheduled_start_at=later, occupancy_start=later - timedelta(minutes=10))


def test_the_exclusion_constraint_allows_an_adjacent_appointment_half_open_ranges(staffed):
    adjacent = insert(staffed, scheduled_start_at=staffed.scheduled_end_at)
    before = insert(staffed, scheduled_start_at=staffed.scheduled_start_at - timedelta(minutes=30))

    assert adjacent.occupancy_start == staffed.occupancy_end
    assert before.occupancy_end == staffed.occupancy_start
    assert holding(assigned_staff=staffed.assigned_staff).count() == 3


@pytest.mark.parametrize(
    "status",
    [
        AppointmentStatus.CANCELLED,
        AppointmentStatus.REJECTED,
        AppointmentStatus.COMPLETED,
        AppointmentStatus.NO_SHOW,
    ],
)
def test_the_exclusion_constraint_ignores_appointments_that_do_not_hold_their_slot(staffed, status):
    overlapping = insert(staffed, status=status)

    assert overlapping.pk is not None
    assert Appointment.objects.filter(assigned_staff=staffed.assigned_staff).count() == 2


def test_the_exclusion_constraint_only_binds_the_same_staff_member(staffed):
    other_staff = insert(staffed, assigned_staff=ProfileFactory())
    no_staff = insert(staffed, assigned_staff=None)

    assert Appointment.objects.filter(pk__in=[other_staff.pk, no_staff.pk]).count() == 2
