"""An appointment's timestamps keep their order through the services (issue 19, finding 8): booking stamps
created_at with the same `now` as confirmed_at, a walk-in converted into an appointment was created when the
walk-in arrived, and every move afterwards comes later. (The demo data is checked in tests/ops/test_seed_demo.py.)
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appointments.models import Appointment
from appointments.services.booking import BookingRequest, appointment_book
from appointments.services.lifecycle import appointment_transition
from appointments.services.queue import queue_convert, queue_join, queue_transition
from tests.appointments.timestamps import out_of_order
from tests.factories import DefinitionFactory, DefinitionLocationFactory, LocationFactory, ProfileFactory

pytestmark = pytest.mark.django_db

MELBOURNE = ZoneInfo("Australia/Melbourne")
DAY = date(2025, 6, 16)  # a Monday
START = datetime.combine(DAY, time(10), tzinfo=MELBOURNE).astimezone(UTC)
BOOKED = START - timedelta(days=7)  # well before the real clock: a service must not mix the two
# The moves after booking, each path as the lifecycle allows it.
PATHS = {
    "instant": [["cancelled"], ["arrived"], ["arrived", "completed"], ["completed"], ["no_show"]],
    "approval_required": [["rejected"], ["cancelled"], ["confirmed"], ["confirmed", "cancelled"],
                          ["confirmed", "arrived", "completed"], ["confirmed", "no_show"]],
}  # fmt: skip
CASES = [(kind, path) for kind, paths in PATHS.items() for path in paths]


def moment(status: str, minutes: int) -> datetime:
    """A time the move to `status` is allowed at, `minutes` into its window."""
    if status == "arrived":
        return START - timedelta(minutes=60) + timedelta(minutes=minutes % 60)
    if status == "completed":
        return START + timedelta(minutes=30 + minutes)
    if status == "no_show":
        return START + timedelta(minutes=15 + minutes)
    return BOOKED + timedelta(minutes=1 + minutes)  # confirmed (approved), rejected, cancelled: days before


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=st.sampled_from(CASES), minutes=st.lists(st.integers(0, 600), min_size=3, max_size=3))
def test_booking_and_every_move_keep_the_timestamps_in_order(case, minutes):
    kind, path = case
    location = LocationFactory(timezone="Australia/Melbourne")
    definition = DefinitionFactory(booking_type=kind)
    DefinitionLocationFactory(definition=definition, location=location)
    request = BookingRequest(definition_id=definition.pk, profile_id=str(ProfileFactory().pk), location_id=location.pk,
                             start=START, override_availability=True)  # fmt: skip
    appointment = appointment_book(request, actor="token:1", now=BOOKED)
    assert appointment.created_at == BOOKED
    previous = BOOKED
    for status, offset in zip(path, sorted(minutes), strict=False):
        at = max(moment(status, offset), previous)
        appointment_transition(appointment_id=appointment.pk, to=status, actor="user:1", now=at)
        previous = at

    appointment.refresh_from_db()
    assert appointment.status == path[-1]
    assert out_of_order(appointment) == []
    Appointment.objects.all().delete()


def test_a_converted_walk_in_was_created_when_the_walk_in_arrived():
    location = LocationFactory(timezone="Australia/Melbourne")
    definition = DefinitionFactory(allow_walk_in=True, allow_queue=True, duration_minutes=20)
    DefinitionLocationFactory(definition=definition, location=location)
    joined = START
    entry = queue_join(definition_id=definition.pk, location_id=location.pk, profile_id=ProfileFactory().pk,
                       actor="token:1", now=joined)  # fmt: skip
    queue_transition(entry_id=entry.pk, to="called", actor="user:1", now=joined + timedelta(minutes=5))
    queue_transition(entry_id=entry.pk, to="served", actor="user:1", now=joined + timedelta(minutes=25))

    appointment = queue_convert(entry_id=entry.pk, actor="user:1", now=joined + timedelta(hours=2))

    assert (appointment.created_at, appointment.arrived_at, appointment.completed_at) == (
        joined, joined, joined + timedelta(minutes=25),
    )  # fmt: skip
    assert out_of_order(appointment) == []
