"""What appointments tell the notifications app, and when (DOMAIN.md "Notifications").

Called from the booking and lifecycle services inside their transaction, so the outbox rows commit (or roll back)
with the change. The notifications app never reads appointments: each row gets the context it will render, as plain
data built here.

Offsets: `notify_<event>_offset_days` are calendar days in the appointment's time zone (the same wall time, across
a DST change), `_hours` are elapsed hours. Events are due that long after they happen; the reminder that long
before `scheduled_start_at` (or at once if that moment has passed, and not at all once the start has passed).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from appointments.enums import NOTIFICATION_EVENTS
from appointments.enums import AppointmentStatus as S
from appointments.enums import NotificationEvent as Event
from appointments.models import Appointment
from appointments.services import customer_links
from core.localtime import utc_iso
from notifications.services.scheduling import (
    Planned,
    notification_schedule,
    notifications_cancel,
    notifications_reschedule,
    notifications_schedule,
)

SUBJECT = "appointment"
OFFER_SUBJECT = "waitlist_offer"
# Entering these statuses is the event of the same name.
STATUS_EVENTS = {S.CONFIRMED: Event.CONFIRMED, S.CANCELLED: Event.CANCELLED, S.REJECTED: Event.REJECTED,
                 S.COMPLETED: Event.COMPLETED}  # fmt: skip


def _wall(value: datetime, tz) -> str:
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _summary(definition, location, start: datetime, **extra) -> dict:
    """What the default templates say (notifications.rendering): which service, where, and when at the location
    (the customer goes there, whatever zone the booking was made in)."""
    tz = location.timezone
    return {"what": definition.name, "where": location.name, "when": _wall(start, tz), "zone": str(tz), **extra}


def appointment_context(appointment: Appointment) -> dict:
    """The documented context (docs/notifications.md) of an appointment, as plain JSON data. Local times are the
    location's; `timezone` echoes the zone the booking was made in."""
    definition, location, profile = appointment.definition, appointment.location, appointment.profile
    tz = location.timezone
    staff = appointment.assigned_staff if appointment.assigned_staff_id else None
    return {
        "summary": _summary(definition, location, appointment.scheduled_start_at),
        "appointment": {
            "id": appointment.pk,
            "status": appointment.status,
            "scheduled_start_at": utc_iso(appointment.scheduled_start_at),
            "scheduled_end_at": utc_iso(appointment.scheduled_end_at),
            "timezone": str(appointment.timezone),
            "local_start": _wall(appointment.scheduled_start_at, tz),
            "local_end": _wall(appointment.scheduled_end_at, tz),
            "notes": appointment.notes or "",
            "definition": {"id": definition.pk, "handle": definition.handle, "name": definition.name},
            "location": {"id": location.pk, "handle": location.handle, "name": location.name,
                         "timezone": str(location.timezone)},
            "staff": {"id": str(staff.pk), "first_name": staff.first_name, "last_name": staff.last_name}
            if staff else None,
        },
        "profile": {"id": str(profile.pk), "first_name": profile.first_name, "last_name": profile.last_name,
                    "email": profile.email or ""},
    }  # fmt: skip


def _offset(definition, event: str) -> tuple[int, int]:
    days = getattr(definition, f"notify_{event}_offset_days") or 0
    hours = getattr(definition, f"notify_{event}_offset_hours") or 0
    return days, hours


def _shift(moment: datetime, tz, days: int, hours: int, sign: int) -> datetime:
    """`moment` moved by calendar `days` in `tz` (wall-clock arithmetic) and by elapsed `hours`."""
    local = moment.astimezone(tz) + sign * timedelta(days=days)
    return local.astimezone(UTC) + sign * timedelta(hours=hours)


def reminder_due_at(appointment: Appointment, *, now: datetime) -> datetime | None:
    """When the reminder goes: `offset` before the start, at once if that has passed, None once it started."""
    if appointment.scheduled_start_at <= now:
        return None
    days, hours = _offset(appointment.definition, Event.REMINDER)
    return max(_shift(appointment.scheduled_start_at, appointment.timezone, days, hours, -1), now)


def _schedule_events(appointment: Appointment, events: list[str], now: datetime, *, new: bool = False) -> None:
    definition = appointment.definition
    wanted = [event for event in events if getattr(definition, f"{event}_target_id") is not None]
    if not wanted:
        return
    context = with_links(appointment_context(appointment), now=now, appointment=appointment, new=new)
    planned = []
    for event in wanted:
        if event == Event.REMINDER:
            due = reminder_due_at(appointment, now=now)
            if due is None:
                continue
        else:
            due = _shift(now, appointment.timezone, *_offset(definition, event), 1)
        planned.append(
            Planned(
                subject_type=SUBJECT,
                subject_id=appointment.pk,
                location_id=appointment.location_id,
                event=event,
                target_id=getattr(definition, f"{event}_target_id"),
                due_at=due,
                context=context,
            )  # fmt: skip
        )
    notifications_schedule(planned, now=now)


def on_created(appointment: Appointment, *, now: datetime) -> None:
    """A booking (an appointment created in this transaction): `created`, and for an instant booking (already
    confirmed) `confirmed` and the reminder."""
    events = [Event.CREATED]
    if appointment.status == S.CONFIRMED:
        events += [Event.CONFIRMED, Event.REMINDER]
    _schedule_events(appointment, events, now, new=True)


def on_transition(appointment: Appointment, before: str, to: str, *, now: datetime) -> None:
    """A status move: its event, the reminder on entering `confirmed`, reminders cancelled on leaving it."""
    if before == S.CONFIRMED:
        notifications_cancel(subject_type=SUBJECT, subject_id=appointment.pk, reason=f"Appointment {to}.", now=now)
    events = [STATUS_EVENTS[to]] if to in STATUS_EVENTS else []
    if to == S.CONFIRMED:
        events.append(Event.REMINDER)
    if events:
        _schedule_events(appointment, events, now)


def on_deleted(appointment: Appointment, *, now: datetime) -> None:
    """A deleted appointment: nothing more is sent about it."""
    notifications_cancel(subject_type=SUBJECT, subject_id=appointment.pk, reason="Appointment deleted.", now=now)


def on_rescheduled(appointment: Appointment, *, now: datetime) -> None:
    """A move in time: pending rows get the new context, pending reminders the new due time."""
    due = reminder_due_at(appointment, now=now)
    context = with_links(appointment_context(appointment), now=now, appointment=appointment)
    if due is None:
        # The new start has already passed: a reminder would be pointless.
        notifications_cancel(subject_type=SUBJECT, subject_id=appointment.pk, reason="Rescheduled into the past.",
                             now=now)  # fmt: skip
    notifications_reschedule(
        subject_type=SUBJECT, subject_id=appointment.pk, context=context, reminder_due_at=due, now=now
    )


def on_waitlist_offer(offer, *, now: datetime) -> None:
    """A freed place offered to a waitlisted customer: `waitlist_offer` to the definition's target for it, due
    `offset` after the offer (at once by default), with the offer, the place and the customer as context."""
    definition = offer.definition
    target_id = definition.waitlist_offer_target_id
    if target_id is None:
        return
    location, profile = offer.location, offer.entry.profile
    tz = location.timezone
    context = {
        "summary": _summary(definition, location, offer.start_at, held_until=_wall(offer.expires_at, tz)),
        "offer": {
            "id": offer.pk, "waitlist_entry_id": offer.entry_id, "start_at": utc_iso(offer.start_at),
            "end_at": utc_iso(offer.end_at), "expires_at": utc_iso(offer.expires_at), "timezone": str(tz),
            "local_start": offer.start_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
            "local_expires": offer.expires_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
            "definition": {"id": definition.pk, "handle": definition.handle, "name": definition.name},
            "location": {"id": location.pk, "handle": location.handle, "name": location.name, "timezone": str(tz)},
        },
        "profile": {"id": str(profile.pk), "first_name": profile.first_name, "last_name": profile.last_name,
                    "email": profile.email or ""},
    }  # fmt: skip
    notification_schedule(
        subject_type=OFFER_SUBJECT, subject_id=offer.pk, location_id=offer.location_id,
        event=Event.WAITLIST_OFFER, target_id=target_id,
        due_at=_shift(now, tz, *_offset(definition, Event.WAITLIST_OFFER), 1),
        context=with_links(context, now=now, offer=offer), now=now,
    )  # fmt: skip


# Customers act from their messages (docs/customer-links.md) ---------------------------------------------------


def with_links(
    context: dict, *, now: datetime, appointment: Appointment | None = None, offer=None, new: bool = False
) -> dict:
    """The context plus `links`: the customer's signed action URLs for the appointment (view, reschedule, cancel,
    calendar) or the waitlist offer (claim, decline). None are minted for a definition that sends no messages.
    `new`: the appointment was created in this transaction (customer_links._live)."""
    definition = appointment.definition if appointment is not None else offer.definition
    if not any(getattr(definition, f"{event}_target_id") for event in NOTIFICATION_EVENTS):
        return context
    if appointment is not None:
        return {**context, "links": customer_links.appointment_links(appointment, now=now, new=new)}
    return {**context, "links": customer_links.offer_links(offer, now=now)}
