"""Appointments write the notification outbox in the same transaction as the change (DOMAIN.md "Notifications"):
which events are scheduled when, the reminder's due instant (across DST), reschedules and moves out of confirmed.

Melbourne location (UTC+10 in June); the definition is offered Monday 2025-06-16 09:00-17:00; `now` is a week before.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from appointments.services.booking import BookingRequest, appointment_book
from appointments.services.lifecycle import appointment_reschedule, appointment_transition
from notifications.models import Notification
from notifications.services.scheduling import notification_schedule
from tests.factories import (
    AppointmentFactory,
    DefinitionFactory,
    DefinitionLocationFactory,
    DefinitionNormalHourFactory,
    LocationFactory,
    LocationNormalHourFactory,
    ProfileFactory,
)
from tests.notifications.factories import TargetFactory

pytestmark = pytest.mark.django_db

MELBOURNE = ZoneInfo("Australia/Melbourne")
NEW_YORK = ZoneInfo("America/New_York")
DAY = date(2025, 6, 16)
NOW = datetime(2025, 6, 9, 0, 0, tzinfo=UTC)


def local(day: date, hour: int, minute: int = 0, tz=MELBOURNE) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=tz).astimezone(UTC)


def rows(appointment) -> dict[str, tuple]:
    found = Notification.objects.filter(subject_type="appointment", subject_id=str(appointment.pk))
    return {n.event: (n.status, n.due_at, n.target_id) for n in found}


@pytest.fixture
def target():
    return TargetFactory()


@pytest.fixture
def location():
    location = LocationFactory(handle="fitzroy", name="Fitzroy")
    LocationNormalHourFactory(location=location, day_of_week="MON", open_at=time(8), close_at=time(18))
    return location


def make_definition(location, target, **kwargs):
    fields = {f"{event}_target": target for event in ("created", "confirmed", "cancelled", "rejected", "completed",
                                                       "reminder")}  # fmt: skip
    definition = DefinitionFactory(name="Fitting", handle="fitting", **(fields | kwargs))
    DefinitionNormalHourFactory(definition=definition, day_of_week="MON", available_from=time(9),
                                available_until=time(17))  # fmt: skip
    DefinitionLocationFactory(definition=definition, location=location)
    return definition


def book(definition, location, start, *, now=NOW):
    profile = ProfileFactory(first_name="Ada", last_name="Lovelace", email="ada@example.com")
    request = BookingRequest(definition_id=definition.pk, profile_id=str(profile.pk), location_id=location.pk,
                             start=start)  # fmt: skip
    return appointment_book(request, actor="token:1", now=now)


def test_instant_booking_schedules_created_confirmed_and_the_reminder(location, target):
    definition = make_definition(location, target, notify_created_offset_hours=1, notify_reminder_offset_days=1,
                                 notify_reminder_offset_hours=2)  # fmt: skip

    appointment = book(definition, location, local(DAY, 10))

    assert rows(appointment) == {
        "created": ("pending", NOW + timedelta(hours=1), target.pk),
        "confirmed": ("pending", NOW, target.pk),
        "reminder": ("pending", local(date(2025, 6, 15), 8), target.pk),
    }
    confirmed = Notification.objects.get(event="confirmed")
    assert confirmed.key == f"appointment:{appointment.pk}:confirmed:{target.pk}"
    assert confirmed.location_id == location.pk
    assert confirmed.next_attempt_at == confirmed.due_at
    context = dict(confirmed.context)
    # The customer's signed links (docs/customer-links.md; tests/appointments/test_customer_links.py).
    assert set(context.pop("links")) == {"view", "reschedule", "cancel", "calendar"}
    assert context == {
        "summary": {"what": "Fitting", "where": "Fitzroy", "when": "2025-06-16 10:00", "zone": "Australia/Melbourne"},
        "appointment": {
            "id": appointment.pk, "status": "confirmed", "scheduled_start_at": "2025-06-16T00:00:00Z",
            "scheduled_end_at": "2025-06-16T00:30:00Z", "timezone": "Australia/Melbourne",
            "local_start": "2025-06-16 10:00", "local_end": "2025-06-16 10:30", "notes": "", "staff": None,
            "definition": {"id": definition.pk, "handle": "fitting", "name": "Fitting"},
            "location": {"id": location.pk, "handle": "fitzroy", "name": "Fitzroy", "timezone": "Australia/Melbourne"},
        },
        "profile": {"id": str(appointment.profile_id), "first_name": "Ada", "last_name": "Lovelace",
                    "email": "ada@example.com"},
    }  # fmt: skip


def test_the_outbox_rows_roll_back_with_the_booking(location, target):
    definition = make_definition(location, target)

    with pytest.raises(RuntimeError), transaction.atomic():
        book(definition, location, local(DAY, 10))
        assert Notification.objects.count() == 3
        raise RuntimeError("the surrounding transaction fails")

    assert Notification.objects.count() == 0


def test_events_without_a_target_are_not_scheduled(location, target):
    definition = make_definition(location, target, created_target=None, reminder_target=None)

    appointment = book(definition, location, local(DAY, 10))

    assert set(rows(appointment)) == {"confirmed"}


def test_approval_flow_schedules_confirmed_and_reminder_on_approval(location, target):
    definition = make_definition(location, target, booking_type="approval_required")
    appointment = book(definition, location, local(DAY, 10))
    assert set(rows(appointment)) == {"created"}

    later = NOW + timedelta(hours=3)
    appointment_transition(appointment_id=appointment.pk, to="confirmed", actor="staff", now=later)

    assert rows(appointment) == {
        "created": ("pending", NOW, target.pk),
        "confirmed": ("pending", later, target.pk),
        "reminder": ("pending", local(DAY, 10), target.pk),
    }
    assert Notification.objects.get(event="confirmed").context["appointment"]["status"] == "confirmed"


def test_rejection_is_scheduled_and_no_reminder_ever_was(location, target):
    definition = make_definition(location, target, booking_type="approval_required")
    appointment = book(definition, location, local(DAY, 10))

    appointment_transition(appointment_id=appointment.pk, to="rejected", actor="staff", now=NOW)

    assert set(rows(appointment)) == {"created", "rejected"}


@pytest.mark.parametrize("to", ["cancelled", "no_show", "arrived", "completed"])
def test_every_move_out_of_confirmed_cancels_the_pending_reminder(location, target, to):
    definition = make_definition(location, target)
    appointment = book(definition, location, local(DAY, 10))
    # Past the no-show grace, on the appointment's day: every one of these moves is allowed then.
    moved_at = appointment.scheduled_start_at + timedelta(minutes=20)

    appointment_transition(appointment_id=appointment.pk, to=to, actor="staff", now=moved_at)

    found = rows(appointment)
    assert found["reminder"][0] == "cancelled"
    assert Notification.objects.get(event="reminder").last_error == f"Appointment {to}."
    assert found["confirmed"][0] == "pending"
    if to in ("cancelled", "completed"):
        assert found[to] == ("pending", moved_at, target.pk)


def test_a_sent_reminder_is_not_touched_by_a_cancel(location, target):
    definition = make_definition(location, target)
    appointment = book(definition, location, local(DAY, 10))
    Notification.objects.filter(event="reminder").update(status="sent")

    appointment_transition(appointment_id=appointment.pk, to="cancelled", actor="staff", now=NOW)

    assert rows(appointment)["reminder"][0] == "sent"


def test_reschedule_moves_the_reminder_and_refreshes_every_pending_context(location, target):
    definition = make_definition(location, target, notify_reminder_offset_hours=3)
    appointment = book(definition, location, local(DAY, 10))
    Notification.objects.filter(event="created").update(status="sent")

    appointment_reschedule(appointment_id=appointment.pk, start=local(DAY, 14), actor="staff", now=NOW)

    assert rows(appointment)["reminder"] == ("pending", local(DAY, 11), target.pk)
    for row in Notification.objects.filter(event__in=["confirmed", "reminder"]):
        assert row.context["appointment"]["local_start"] == "2025-06-16 14:00"
    sent = Notification.objects.get(event="created")
    assert sent.context["appointment"]["local_start"] == "2025-06-16 10:00"


def test_a_reminder_whose_moment_has_passed_is_due_at_once(location, target):
    definition = make_definition(location, target, notify_reminder_offset_days=2)
    now = local(DAY, 9) - timedelta(days=1)

    appointment = book(definition, location, local(DAY, 10), now=now)

    assert rows(appointment)["reminder"] == ("pending", now, target.pk)


@pytest.mark.parametrize(
    ("start_at", "due", "elapsed_hours"),
    [
        # Melbourne: clocks go forward 02:00 -> 03:00 on Sunday 2025-10-05 (UTC+10 -> UTC+11).
        (local(date(2025, 10, 5), 10, tz=MELBOURNE), local(date(2025, 10, 4), 8, tz=MELBOURNE), 25),
        (local(date(2025, 10, 6), 10, tz=MELBOURNE), local(date(2025, 10, 5), 8, tz=MELBOURNE), 26),
        # New York: clocks go back 02:00 -> 01:00 on Sunday 2025-11-02 (UTC-4 -> UTC-5).
        (local(date(2025, 11, 2), 10, tz=NEW_YORK), local(date(2025, 11, 1), 8, tz=NEW_YORK), 27),
        (local(date(2025, 11, 3), 9, tz=NEW_YORK), local(date(2025, 11, 2), 7, tz=NEW_YORK), 26),
    ],
)
def test_reminder_days_are_calendar_days_in_the_appointment_zone_across_dst(target, start_at, due, elapsed_hours):
    definition = DefinitionFactory(
        reminder_target=target, notify_reminder_offset_days=1, notify_reminder_offset_hours=2
    )
    tz = MELBOURNE if start_at.month == 10 else NEW_YORK
    appointment = AppointmentFactory(definition=definition, status="requested", scheduled_start_at=start_at,
                                     timezone=str(tz))  # fmt: skip

    appointment_transition(appointment_id=appointment.pk, to="confirmed", actor="staff", now=NOW)

    row = Notification.objects.get(event="reminder")
    assert row.due_at == due
    # "1 day and 2 hours before" is the same wall time a day earlier, less 2 hours: 25 or 27 hours across a change.
    assert start_at - row.due_at == timedelta(hours=elapsed_hours)


def test_scheduling_the_same_event_twice_writes_one_row(target):
    for _ in range(2):
        notification_schedule(subject_type="waitlist_entry", subject_id=5, event="waitlist_offer",
                              target_id=target.pk, due_at=NOW, context={"a": 1}, now=NOW)  # fmt: skip

    assert list(Notification.objects.values_list("key", "event")) == [
        (f"waitlist_entry:5:waitlist_offer:{target.pk}", "waitlist_offer")
    ]


def test_an_unknown_event_is_refused(target):
    with pytest.raises(ValueError, match="Unknown notification event 'nope'"):
        notification_schedule(subject_type="x", subject_id=1, event="nope", target_id=target.pk, due_at=NOW,
                              context={}, now=NOW)  # fmt: skip
