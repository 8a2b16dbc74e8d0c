"""Email delivery through Django's SMTP backend to a real local SMTP server (aiosmtpd), the .ics parsed back."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from icalendar import Calendar

from notifications.enums import Channel, Status
from notifications.services.dispatch import dispatch_due
from tests.notifications.factories import NotificationFactory, TargetFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 6, 9, 0, 0, tzinfo=UTC)


def email_target(**kwargs):
    return TargetFactory(channel=Channel.EMAIL, url="", **kwargs)


def parts(message) -> dict[str, object]:
    return {part.get_content_type(): part for part in message.walk() if not part.is_multipart()}


def test_confirmed_email_goes_to_the_customer_with_text_html_and_an_ics(smtp_server):
    row = NotificationFactory(target=email_target(), event="confirmed", due_at=NOW)
    row.context["profile"]["first_name"] = "Ada <b>"
    row.save()

    result = dispatch_due(now=NOW)

    assert result.sent == 1
    [message] = smtp_server.messages
    assert message["To"] == "ada@example.com"
    assert message["From"] == "appointments@localhost"
    assert message["Subject"] == "Appointment confirmed: Haircut on 2025-06-16 10:00"
    assert message["X-Notification-Id"] == str(row.uuid)
    found = parts(message)
    assert set(found) == {"text/plain", "text/html", "text/calendar"}
    text = found["text/plain"].get_payload(decode=True).decode().replace("\r\n", "\n")
    assert (
        text
        == "Hello Ada <b>,\n\nAppointment confirmed: Haircut at Collins St,\n2025-06-16 10:00 (Australia/Melbourne).\n"
    )
    assert "Hello Ada &lt;b&gt;," in found["text/html"].get_payload(decode=True).decode()
    # One charset, once (the header used to repeat it).
    assert (
        " ".join(found["text/calendar"]["Content-Type"].split()) == 'text/calendar; method="PUBLISH"; charset="utf-8"'
    )
    calendar = Calendar.from_ical(found["text/calendar"].get_payload(decode=True))
    [event] = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == datetime(2025, 6, 16, 0, 0, tzinfo=UTC)
    assert event.decoded("dtend") == datetime(2025, 6, 16, 0, 30, tzinfo=UTC)
    assert str(event["summary"]) == "Haircut"
    assert str(event["location"]) == "Collins St"
    assert str(event["uid"]) == "appointment-1@appointments.invalid"
    assert str(event["status"]) == "CONFIRMED"
    row.refresh_from_db()
    assert (row.status, row.sent_at) == (Status.SENT, NOW)


def test_a_named_address_and_custom_templates_and_no_ics_for_a_cancellation(smtp_server):
    target = email_target(email="desk@example.com", subject_template="{{ event }} #{{ appointment.id }}",
                          body_template="{{ profile.last_name }} cancelled.")  # fmt: skip
    NotificationFactory(target=target, event="cancelled", due_at=NOW)

    dispatch_due(now=NOW)

    [message] = smtp_server.messages
    assert (message["To"], message["Subject"]) == ("desk@example.com", "cancelled #1")
    found = parts(message)
    assert set(found) == {"text/plain", "text/html"}
    assert found["text/plain"].get_payload(decode=True).decode() == "Lovelace cancelled."
    assert found["text/html"].get_payload(decode=True).decode() == "<p>Lovelace cancelled.</p>"


def test_no_customer_address_is_skipped(smtp_server):
    row = NotificationFactory(target=email_target(), due_at=NOW)
    row.context["profile"]["email"] = ""
    row.save()

    dispatch_due(now=NOW)

    row.refresh_from_db()
    assert (row.status, row.last_error) == (Status.SKIPPED, "No recipient: the customer has no email address.")
    assert smtp_server.messages == []


def test_an_unreachable_smtp_server_is_retried(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9
    row = NotificationFactory(target=email_target(), due_at=NOW)

    dispatch_due(now=NOW)

    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.PENDING, 1)
    assert row.last_error.startswith("ConnectionRefusedError")
