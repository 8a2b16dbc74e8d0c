"""The held place under real concurrency (PostgreSQL): the offered customer claiming while others try to book it.

Every request runs in its own thread and connection, released together by a barrier, through the HTTP stack.
Exactly one appointment ends up holding the place, and it is the waitlisted customer's.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, time, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from appointments.enums import HOLDING_STATUSES
from appointments.models import Appointment, WaitlistEntry
from appointments.services.lifecycle import appointment_transition
from directory.enums import TokenKind
from directory.services.tokens import token_issue
from tests.appointments.factories import WaitlistEntryFactory
from tests.conftest import BearerClient
from tests.factories import (
    AppointmentFactory,
    DefinitionFactory,
    DefinitionLocationFactory,
    LocationFactory,
    ProfileFactory,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BOOKERS = 8


def iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def run_together(calls):
    barrier = threading.Barrier(len(calls))

    def run(call):
        try:
            barrier.wait(timeout=30)
            return call()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return [future.result(timeout=60) for future in [pool.submit(run, call) for call in calls]]


@pytest.mark.parametrize("repeat", range(2))
def test_claim_races_bookings_of_the_held_place_and_exactly_one_wins(repeat):
    location = LocationFactory(timezone="Australia/Melbourne")
    definition = DefinitionFactory(allow_waitlist=True, duration_minutes=30, max_concurrent_bookings=1)
    DefinitionLocationFactory(definition=definition, location=location)
    day = timezone.now().astimezone(location.timezone).date() + timedelta(days=2)
    start = datetime.combine(day, time(10), tzinfo=location.timezone).astimezone(UTC)
    appointment = AppointmentFactory(definition=definition, location=location, scheduled_start_at=start)
    waiting = WaitlistEntryFactory(definition=definition, location=location)
    appointment_transition(appointment_id=appointment.pk, to="cancelled", actor="token:1")
    _, customer_raw = token_issue(name="waitlisted", kind=TokenKind.CUSTOMER, profile=waiting.profile)
    _, staff_raw = token_issue(name="bookers", scopes=["admin"])
    bodies = [{"appointment_definition_id": definition.pk, "profile_id": str(ProfileFactory().pk),
               "location_id": location.pk, "scheduled_start_at": iso(start)} for _ in range(BOOKERS)]  # fmt: skip
    claims = [lambda: BearerClient(customer_raw).post(f"/api/v3/appointment-waitlists/{waiting.pk}/claim")] * 2
    books = [lambda body=body: BearerClient(staff_raw).post("/api/v3/appointments", body, format="json")
             for body in bodies]  # fmt: skip

    responses = run_together([*claims, *books])

    codes = [response.status_code for response in responses]
    assert codes.count(201) == 1, codes
    assert codes[:2].count(201) == 1  # the claim won, the second claim found no open offer
    assert all(code in (409, 422) for code in codes if code != 201), codes
    holding = Appointment.objects.filter(definition=definition, location=location, status__in=HOLDING_STATUSES)
    assert [a.profile_id for a in holding] == [waiting.profile_id]
    waiting.refresh_from_db()
    assert waiting.status == "fulfilled"
    assert WaitlistEntry.objects.get(pk=waiting.pk).appointment_id == holding.get().pk
