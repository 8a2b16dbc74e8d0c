"""A lock the request needs is held by another connection past PostgreSQL's lock_timeout: the API answers 409 with
Retry-After and the error envelope, and nothing of the request is written.

The locks (appointments/services/reservation.py, lifecycle.py): a booking takes the (definition, location) link row,
then, for a staffed definition, the staff member's profile row; a status change takes the appointment row. Another
connection (a thread) holds one of them in an open transaction; this connection's lock_timeout is cut to 200 ms
(DB_LOCK_TIMEOUT_MS is 5000 by default) so the wait gives up quickly. Once the holder lets go, the same request
succeeds: the 409 was the lock and nothing else.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

import pytest
from django.db import connection, connections, transaction

from appointments.enums import AppointmentStatus, BookingType
from appointments.models import Appointment, AppointmentEvent, DefinitionLocation
from directory.models import Profile
from notifications.models import Notification
from tests.factories import ProfileFactory, StaffAssignmentFactory
from tests.faults.conftest import envelope_of, make_bookable

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

URL = "/api/v3/appointments"
HOLD_TIMEOUT = 30


@pytest.fixture(autouse=True)
def short_lock_timeout():
    """This connection (the one the in-process API requests use) waits at most 200 ms for a row lock."""
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '200ms'")
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET lock_timeout")


@contextmanager
def held(queryset):
    """Lock the queryset's rows FOR UPDATE in another connection until the block ends."""
    locked, done = threading.Event(), threading.Event()
    failure: list[BaseException] = []

    def hold():
        try:
            with transaction.atomic():
                assert list(queryset.select_for_update()), "nothing to lock"
                locked.set()
                done.wait(HOLD_TIMEOUT)
        except BaseException as exc:  # reported in the test's thread
            failure.append(exc)
            locked.set()
        finally:
            connections["default"].close()

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert locked.wait(HOLD_TIMEOUT) and not failure, failure
        yield
    finally:
        done.set()
        thread.join(HOLD_TIMEOUT)


def assert_busy(response, code: str) -> None:
    assert response.status_code == 409, response.content
    assert response["Retry-After"] == "1"
    assert envelope_of(response)["code"] == code


@pytest.mark.parametrize("lock", ["link", "staff"])
def test_a_booking_that_cannot_get_its_lock_is_a_409_and_writes_nothing(api, lock):
    bookable = make_bookable("http://127.0.0.1:9/hook", requires_staff=(lock == "staff"))
    staff = ProfileFactory()
    StaffAssignmentFactory(location=bookable.location, profile=staff)
    body = bookable.body(ProfileFactory(), **({"assigned_staff_id": str(staff.pk)} if lock == "staff" else {}))
    rows = {
        "link": DefinitionLocation.objects.filter(definition=bookable.definition, location=bookable.location),
        "staff": Profile.objects.filter(pk=staff.pk),
    }[lock]

    with held(rows):
        response = api.post(URL, body, format="json")

    assert_busy(response, "slot_unavailable")
    assert envelope_of(response)["message"] == "The slot is busy being booked; try again."
    assert Appointment.objects.count() == 0
    assert AppointmentEvent.objects.count() == 0
    assert Notification.objects.count() == 0

    again = api.post(URL, body, format="json")
    assert again.status_code == 201, again.content
    assert Appointment.objects.count() == 1
    assert AppointmentEvent.objects.count() == 1
    assert set(Notification.objects.values_list("event", flat=True)) == {"created", "confirmed"}


def test_a_status_change_that_cannot_lock_the_appointment_is_a_409_and_writes_nothing(api):
    bookable = make_bookable("http://127.0.0.1:9/hook", booking_type=BookingType.APPROVAL_REQUIRED)
    created = api.post(URL, bookable.body(ProfileFactory()), format="json")
    assert created.status_code == 201, created.content
    appointment = Appointment.objects.get()
    before = (AppointmentEvent.objects.count(), Notification.objects.count())

    with held(Appointment.objects.filter(pk=appointment.pk)):
        response = api.put(f"{URL}/{appointment.pk}", {"status": "confirmed"}, format="json")

    assert_busy(response, "lock_timeout")
    assert envelope_of(response)["message"] == "The resource is busy; try again."
    appointment.refresh_from_db()
    assert (appointment.status, appointment.confirmed_at) == (AppointmentStatus.REQUESTED, None)
    assert (AppointmentEvent.objects.count(), Notification.objects.count()) == before

    again = api.put(f"{URL}/{appointment.pk}", {"status": "confirmed"}, format="json")
    assert again.status_code == 200, again.content
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CONFIRMED
    assert sorted(Notification.objects.values_list("event", flat=True)) == ["confirmed", "created"]
