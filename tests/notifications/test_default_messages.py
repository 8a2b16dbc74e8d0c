"""The default subject and body of every event render with every placeholder filled (issue 19 finding 10), and
customers read the location's local time and zone whatever zone the booking was made in (issue 16).

Every row here is written by the real code path (booking, the lifecycle, a cancel that offers the place to the
waitlist), then rendered with the default templates by an engine that marks every lookup that finds nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
import time_machine
from django.template import Context, Engine

from appointments.enums import NotificationEvent as Event
from appointments.services.lifecycle import appointment_transition
from appointments.services.notification_events import DEFAULT_EMAIL_BODY, DEFAULT_SUBJECT
from notifications.enums import Channel
from notifications.models import Notification
from notifications.services.dispatch import _context, dispatch_due
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

NOW = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)  # 11:00 on Tuesday 1 December in Melbourne
STRICT = Engine(autoescape=False, string_if_invalid="<MISSING %s>")


@pytest.fixture
def melbourne(api):
    """A Melbourne store whose fitting sends every event to an email target; a customer waits for a place."""
    location = LocationFactory(name="Fitzroy", timezone="Australia/Melbourne")
    target = TargetFactory(channel=Channel.EMAIL, url="")
    events = {f"{event}_target": target for event in Event.values}
    definition = DefinitionFactory(name="Fitting", handle="fitting", allow_waitlist=True, max_concurrent_bookings=1,
                                   **events)  # fmt: skip
    DefinitionLocationFactory(definition=definition, location=location)
    DefinitionNormalHourFactory(definition=definition, day_of_week="TUE", available_from=time(9),
                                available_until=time(17))  # fmt: skip
    return definition, location


def book(api, definition, location, start: str, timezone: str):
    body = {"appointment_definition_id": definition.pk, "profile_id": str(ProfileFactory(first_name="Ada").pk),
            "location_id": location.pk, "scheduled_start_at": start, "timezone": timezone}  # fmt: skip
    response = api.post("/api/v3/appointments", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["data"]


def rendered(row: Notification) -> tuple[str, str]:
    context = Context(_context(row), autoescape=False)
    return STRICT.from_string(DEFAULT_SUBJECT).render(context), STRICT.from_string(DEFAULT_EMAIL_BODY).render(context)


def test_every_events_default_message_renders_from_a_real_context_with_nothing_empty(api, melbourne):
    definition, location = melbourne
    with time_machine.travel(NOW, tick=False):
        # 10:00 Tuesday 8 December in Melbourne, booked in UTC: created, confirmed, reminder.
        first = book(api, definition, location, "2026-12-07T23:00:00Z", "UTC")
        second = book(api, definition, location, "2026-12-08 11:00:00", "Australia/Melbourne")
        WaitlistEntryFactory(definition=definition, location=location, profile=ProfileFactory(first_name="Noah"))
        # A cancel offers the place to the waitlist: cancelled and waitlist_offer.
        appointment_transition(appointment_id=first["id"], to="cancelled", actor="token:1", now=NOW)
    appointment_transition(appointment_id=second["id"], to="completed", actor="token:1",
                           now=datetime(2026, 12, 8, 0, 30, tzinfo=UTC))  # fmt: skip
    requested = DefinitionFactory(name="Consultation", booking_type="approval_required", rejected_target=
                                  definition.rejected_target)  # fmt: skip
    DefinitionLocationFactory(definition=requested, location=location)
    DefinitionNormalHourFactory(definition=requested, day_of_week="TUE", available_from=time(9),
                                available_until=time(17))  # fmt: skip
    with time_machine.travel(NOW, tick=False):
        asked = book(api, requested, location, "2026-12-08 09:00:00", "Australia/Melbourne")
        appointment_transition(appointment_id=asked["id"], to="rejected", actor="token:1", now=NOW)

    rows = list(Notification.objects.order_by("id"))
    assert {row.event for row in rows} == set(Event.values)  # every event is exercised
    for row in rows:
        subject, body = rendered(row)
        assert "<MISSING" not in subject + body, (row.event, subject, body)
        assert " on " in subject and "()" not in body and " at ," not in body, (row.event, subject, body)

    offer = Notification.objects.get(event=Event.WAITLIST_OFFER)
    links = offer.context["links"]  # the customer's signed links (docs/customer-links.md)
    assert rendered(offer) == (
        "A slot is available: Fitting on 2026-12-08 10:00",
        "Hello Noah,\n\nA slot is available: Fitting at Fitzroy,\n2026-12-08 10:00 (Australia/Melbourne).\n"
        "The place is held for you until 2026-12-01 11:15 (Australia/Melbourne).\n"
        f"\nClaim this place: {links['claim']}\nDecline it: {links['decline']}\n",
    )


def test_a_booking_made_in_utc_is_told_to_the_customer_in_the_locations_time(api, melbourne, smtp_server):
    definition, location = melbourne
    with time_machine.travel(NOW, tick=False):
        book(api, definition, location, "2026-12-07T23:00:00Z", "UTC")
        Notification.objects.exclude(event=Event.CREATED).delete()
        dispatch_due(now=NOW)

    [message] = smtp_server.messages
    assert message["Subject"] == "Appointment booked: Fitting on 2026-12-08 10:00"
    text = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    links = Notification.objects.get(event=Event.CREATED).context["links"]  # docs/customer-links.md
    assert text.get_payload(decode=True).decode().replace("\r\n", "\n") == (
        "Hello Ada,\n\nAppointment booked: Fitting at Fitzroy,\n2026-12-08 10:00 (Australia/Melbourne).\n"
        f"\nSee your appointment: {links['view']}\nReschedule: {links['reschedule']}\nCancel: {links['cancel']}\n"
        f"Add to your calendar: {links['calendar']}\n"
    )
