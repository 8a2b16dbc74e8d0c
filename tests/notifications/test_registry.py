"""The outbox's registry (notifications.registry): what the producing app registers is all the outbox knows."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError

from appointments.enums import NotificationEvent
from notifications import registry
from notifications.services.scheduling import Planned, notifications_schedule
from tests.notifications.factories import NotificationFactory

NOW = datetime(2030, 1, 7, 9, tzinfo=UTC)


def test_appointments_registers_its_events_in_order_with_their_titles():
    assert registry.event_choices() == list(NotificationEvent.choices)
    assert registry.reminder_events() == ["reminder"]
    assert registry.label_of("created") == "Appointment booked"
    assert registry.label_of("waitlist_offer") == "A slot is available"
    assert registry.label_of("not-registered") == "not-registered"


def test_a_name_registered_twice_is_refused():
    with pytest.raises(ValueError, match="'created' is registered already"):
        registry.register_event(registry.EventType(name="created", title="Again", label="Again"))
    with pytest.raises(ValueError, match="'appointment' is registered already"):
        registry.register_subject(registry.SubjectType("appointment", "appointment_id", "again"))
    with pytest.raises(ValueError, match="registered already"):
        registry.register_defaults(registry.defaults())
    assert registry.event_type("created").title == "Created"


def test_only_calendar_events_carry_the_appointment_ics():
    context = registry.defaults().sample_context

    attached = {name: registry.attachment_for(name, context, now=NOW) for name in registry.event_names()}

    assert {name for name, item in attached.items() if item is not None} == {"created", "confirmed", "reminder"}
    ics = attached["created"]
    assert (ics.filename, ics.mimetype) == ("appointment.ics", "text/calendar; method=PUBLISH")
    assert b"BEGIN:VEVENT" in ics.content and b"SUMMARY:Sample service" in ics.content


@pytest.mark.django_db
def test_an_unregistered_event_is_refused_before_anything_is_written(django_assert_num_queries):
    row = Planned(subject_type="appointment", subject_id=1, event="party", target_id=1, due_at=NOW, context={})

    with django_assert_num_queries(0), pytest.raises(ValueError, match="Unknown notification event 'party'"):
        notifications_schedule([row], now=NOW)


@pytest.mark.django_db
def test_the_outbox_console_filters_by_every_registered_event_title(admin_client):
    page = admin_client.get("/admin/notifications/notification/")

    event_filter = next(spec for spec in page.context["cl"].filter_specs if spec.field.name == "event")
    assert [choice["display"] for choice in event_filter.choices(page.context["cl"])][1:] == [
        title for _, title in NotificationEvent.choices
    ]


@pytest.mark.django_db
def test_a_row_with_an_unregistered_event_fails_model_validation():
    row = NotificationFactory.build(event="party", target=None)

    with pytest.raises(ValidationError) as refused:
        row.full_clean(exclude=["target"])
    assert refused.value.message_dict == {"event": ["Value 'party' is not a valid choice."]}
