"""The notification events of appointments and waitlist offers, registered with the generic outbox at start-up
(AppointmentsConfig.ready): their names, titles and labels, the reminder, the calendar attachment, the default
email templates and the sample context targets' templates are checked against (notifications.registry)."""

from __future__ import annotations

from datetime import datetime

from appointments.enums import NotificationEvent as E
from appointments.services.calendar import appointment_ics
from notifications.registry import (
    Attachment,
    Defaults,
    EventType,
    SubjectType,
    register_defaults,
    register_event,
    register_subject,
)

LABELS = {
    E.CREATED: "Appointment booked",
    E.CONFIRMED: "Appointment confirmed",
    E.CANCELLED: "Appointment cancelled",
    E.REJECTED: "Appointment request declined",
    E.COMPLETED: "Appointment completed",
    E.REMINDER: "Appointment reminder",
    E.WAITLIST_OFFER: "A slot is available",
}
# Events whose email carries an iCalendar attachment of the appointment.
CALENDAR_EVENTS = (E.CREATED, E.CONFIRMED, E.REMINDER)


def calendar_attachment(context: dict, now: datetime) -> Attachment | None:
    ics = appointment_ics(context, now=now)
    # Django adds the charset of a text attachment itself; naming it here as well wrote it twice.
    return Attachment("appointment.ics", ics, "text/calendar; method=PUBLISH") if ics is not None else None


# The defaults read only `summary`, which every producer puts in its context (what, where, when and zone, and
# `held_until` for a place held for the customer), so one pair of templates serves every event.
DEFAULT_SUBJECT = "{{ event_label }}: {{ summary.what }} on {{ summary.when }}"
DEFAULT_EMAIL_BODY = """Hello {{ profile.first_name|default:"there" }},

{{ event_label }}: {{ summary.what }} at {{ summary.where }},
{{ summary.when }} ({{ summary.zone }}).{% if summary.held_until %}
The place is held for you until {{ summary.held_until }} ({{ summary.zone }}).{% endif %}
{% if links %}
{% if links.view %}See your appointment: {{ links.view }}
{% endif %}{% if links.reschedule %}Reschedule: {{ links.reschedule }}
{% endif %}{% if links.cancel %}Cancel: {{ links.cancel }}
{% endif %}{% if links.calendar %}Add to your calendar: {{ links.calendar }}
{% endif %}{% if links.claim %}Claim this place: {{ links.claim }}
{% endif %}{% if links.decline %}Decline it: {{ links.decline }}
{% endif %}{% endif %}"""

# What templates are checked against (and what `send_test_notification` sends): the documented context shape.
SAMPLE_CONTEXT = {
    "summary": {"what": "Sample service", "where": "Sample location", "when": "2030-01-07 09:00", "zone": "UTC"},
    "appointment": {
        "id": 0, "status": "confirmed", "scheduled_start_at": "2030-01-07T09:00:00Z",
        "scheduled_end_at": "2030-01-07T09:30:00Z", "timezone": "UTC", "local_start": "2030-01-07 09:00",
        "local_end": "2030-01-07 09:30", "notes": "A \"quoted\" note", "staff": None,
        "definition": {"id": 0, "handle": "sample", "name": "Sample service"},
        "location": {"id": 0, "handle": "sample", "name": "Sample location", "timezone": "UTC"},
    },
    "profile": {"id": "00000000-0000-0000-0000-000000000000", "first_name": "Sam", "last_name": "Sample",
                "email": "sam@example.com"},
}  # fmt: skip


def register() -> None:
    for event in E:
        register_event(EventType(
            name=event.value, title=event.label, label=LABELS[event], is_reminder=event == E.REMINDER,
            attachment=calendar_attachment if event in CALENDAR_EVENTS else None,
        ))  # fmt: skip
    register_subject(SubjectType("appointment", "appointment_id", "Set when the subject is an appointment."))
    register_defaults(Defaults(subject=DEFAULT_SUBJECT, body=DEFAULT_EMAIL_BODY, sample_context=SAMPLE_CONTEXT,
                               sample_event=E.CONFIRMED.value, target_users="appointment definitions"))  # fmt: skip
