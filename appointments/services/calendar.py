"""The iCalendar (.ics) of an appointment, built from a notification context (emails and the customer's link)."""

from __future__ import annotations

from datetime import datetime

from icalendar import Calendar, Event

STATUS = {"confirmed": "CONFIRMED", "requested": "TENTATIVE", "cancelled": "CANCELLED"}


def appointment_ics(context: dict, *, now: datetime, domain: str = "appointments.invalid") -> bytes | None:
    """A VCALENDAR with one VEVENT, or None when the context has no appointment times."""
    appointment = context.get("appointment") or {}
    start, end = appointment.get("scheduled_start_at"), appointment.get("scheduled_end_at")
    if not start or not end:
        return None
    calendar = Calendar()
    calendar.add("prodid", "-//appointments-backoffice//notifications//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"appointment-{appointment.get('id')}@{domain}")
    event.add("dtstamp", now)
    event.add("dtstart", datetime.fromisoformat(start.replace("Z", "+00:00")))
    event.add("dtend", datetime.fromisoformat(end.replace("Z", "+00:00")))
    event.add("summary", (appointment.get("definition") or {}).get("name") or "Appointment")
    location = appointment.get("location") or {}
    if location.get("name"):
        event.add("location", location["name"])
    event.add("status", STATUS.get(appointment.get("status", ""), "CONFIRMED"))
    calendar.add_component(event)
    return calendar.to_ical()
