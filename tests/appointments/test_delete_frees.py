"""Deleting an appointment frees what cancelling frees (issue 19 finding 3; docs/domain.md "Deleting an appointment").

A Melbourne location; the definition is open Mondays 09:00-17:00 with one place per 30-minute slot and a reminder a
day ahead. DAY is Monday 2025-06-16; NOW is a week before.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from appointments.models import Appointment, AppointmentEvent, WaitlistOffer
from appointments.services.booking import BookingRequest, appointment_book
from directory.enums import DayOfWeek
from directory.models import AuditRecord
from notifications.models import Notification
from tests.appointments.factories import WaitlistEntryFactory
from tests.factories import (
    DefinitionFactory,
    DefinitionLocationFactory,
    DefinitionNormalHourFactory,
    LocationFactory,
    ProfileFactory,
)
from tests.notifications.factories import TargetFactory

pytestmark = pytest.mark.django_db

MELBOURNE = ZoneInfo("Australia/Melbourne")
DAY = date(2025, 6, 16)
NOW = datetime(2025, 6, 9, 0, 0, tzinfo=UTC)
TEN = datetime.combine(DAY, time(10), tzinfo=MELBOURNE).astimezone(UTC)


@pytest.fixture
def booked():
    """A confirmed 10:00 booking with its created/confirmed notifications and a pending reminder, and a waitlisted
    customer who wants that day."""
    location = LocationFactory(timezone="Australia/Melbourne")
    target = TargetFactory()
    definition = DefinitionFactory(allow_waitlist=True, duration_minutes=30, max_concurrent_bookings=1,
                                   reminder_target=target, notify_reminder_offset_days=1)  # fmt: skip
    DefinitionLocationFactory(definition=definition, location=location)
    DefinitionNormalHourFactory(definition=definition, day_of_week=DayOfWeek.MON, available_from=time(9),
                                available_until=time(17))  # fmt: skip
    request = BookingRequest(definition_id=definition.pk, profile_id=str(ProfileFactory().pk),
                             location_id=location.pk, start=TEN)  # fmt: skip
    appointment = appointment_book(request, actor="token:1", now=NOW)
    with time_machine.travel(NOW - timedelta(hours=1), tick=False):
        waiting = WaitlistEntryFactory(definition=definition, location=location)
    return appointment, waiting


def test_deleting_a_holding_appointment_offers_its_place_cancels_its_reminder_and_is_audited(api, booked):
    appointment, waiting = booked
    reminder = Notification.objects.get(subject_type="appointment", subject_id=str(appointment.pk), event="reminder")
    assert reminder.status == "pending"

    with time_machine.travel(NOW, tick=False):
        response = api.delete(f"/api/v3/appointments/{appointment.pk}")

    assert response.status_code == 204
    assert not Appointment.objects.filter(pk=appointment.pk).exists()
    assert not AppointmentEvent.objects.filter(appointment_id=appointment.pk).exists()
    # The place goes to the waitlist, as on a cancel.
    offer = WaitlistOffer.objects.get()
    assert (offer.entry_id, offer.status, offer.start_at, offer.end_at) == (waiting.pk, "open", TEN,
                                                                          TEN + timedelta(minutes=30))  # fmt: skip
    # Nothing more is sent about the deleted appointment.
    reminder.refresh_from_db()
    assert (reminder.status, reminder.last_error) == ("cancelled", "Appointment deleted.")
    assert not Notification.objects.filter(subject_type="appointment", subject_id=str(appointment.pk),
                                           status="pending").exists()  # fmt: skip
    # Who deleted what, in the audit trail that outlives the appointment's own events.
    record = AuditRecord.objects.get(action="appointment.delete")
    assert (record.actor, record.subject_type, record.subject_id, record.at) == (
        f"token:{api.token.pk}", "appointment", str(appointment.pk), NOW)  # fmt: skip
    assert record.data == {"status": "confirmed", "definition_id": appointment.definition_id,
                           "location_id": appointment.location_id, "scheduled_start_at": "2025-06-16T00:00:00Z"}  # fmt: skip


def test_deleting_a_finished_appointment_offers_nothing(api, booked):
    appointment, waiting = booked
    Appointment.objects.filter(pk=appointment.pk).update(status="cancelled")

    with time_machine.travel(NOW, tick=False):
        assert api.delete(f"/api/v3/appointments/{appointment.pk}").status_code == 204

    assert WaitlistOffer.objects.count() == 0
    assert AuditRecord.objects.get(action="appointment.delete").data["status"] == "cancelled"


def test_a_manager_deletes_in_the_console_through_the_same_service_after_confirming(booked):
    from django.test import Client

    from tests.console.conftest import console_user

    appointment, waiting = booked
    manager = console_user("max", "Manager")
    client = Client()
    client.force_login(manager)
    url = f"/admin/appointments/appointment/{appointment.pk}/delete/"

    with time_machine.travel(NOW, tick=False):
        confirm = client.get(url)
        assert confirm.status_code == 200 and Appointment.objects.filter(pk=appointment.pk).exists()
        assert client.post(url, {"post": "yes"}).status_code == 302

    assert not Appointment.objects.filter(pk=appointment.pk).exists()
    assert WaitlistOffer.objects.get().entry_id == waiting.pk
    assert AuditRecord.objects.get(action="appointment.delete").actor == f"user:{manager.pk}"


def test_an_operator_cannot_delete_in_the_console(booked):
    from django.test import Client

    from tests.console.conftest import console_user

    appointment, _ = booked
    client = Client()
    client.force_login(console_user("olive", "Operator"))

    assert client.post(f"/admin/appointments/appointment/{appointment.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Appointment.objects.filter(pk=appointment.pk).exists()
