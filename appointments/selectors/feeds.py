"""The iCalendar document of a staff calendar feed (docs/customer-links.md "Staff calendar feeds").

One feed lists one staff member's appointments (at any location) or one location's, from DAYS_BACK days ago to the
advance limit (the largest `max_advance_days` of the definitions; DAYS_AHEAD when one has none), in two queries.
Times are UTC; the calendar names the location's zone (X-WR-TIMEZONE) and each event's description says the local
time. UIDs are stable (`appointment-<id>@appointments.invalid`, the same as the email attachment's) and SEQUENCE is
the number of changes the appointment has had (its audit events after creation), so a calendar app sees a
reschedule as the same event moved and a cancellation as STATUS:CANCELLED, which makes it remove the event.
Customer names follow the location's `feed_customer_names` setting.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, Max, Q
from icalendar import Calendar, Event

from appointments.enums import AppointmentStatus as S
from appointments.models import Appointment, AppointmentDefinition, CalendarFeed
from core.localtime import local_label
from directory.enums import FeedNames
from directory.models import Profile, StaffAssignment
from directory.selectors import token_hash

DAYS_BACK = 30
DAYS_AHEAD = 365
DOMAIN = "appointments.invalid"
STATUS = {S.REQUESTED: "TENTATIVE", S.CANCELLED: "CANCELLED", S.REJECTED: "CANCELLED"}


def usable_feed(secret: str) -> CalendarFeed | None:
    """The feed a URL's secret opens, or None (unknown or revoked: the caller answers 404)."""
    feed = CalendarFeed.objects.select_related("staff", "location").filter(key_hash=token_hash(secret)).first()
    return feed if feed is not None and feed.revoked_at is None else None


def horizon(now: datetime) -> datetime:
    limits = AppointmentDefinition.objects.filter(is_archived=False).aggregate(
        most=Max("max_advance_days"), unlimited=Count("pk", filter=Q(max_advance_days__isnull=True))
    )
    days = DAYS_AHEAD if limits["unlimited"] or limits["most"] is None else limits["most"]
    return now + timedelta(days=days + 1)


def feed_appointments(feed: CalendarFeed, *, now: datetime) -> list[Appointment]:
    """The feed's appointments in its window, each with `changes` (its audit events after creation)."""
    rows = Appointment.objects.filter(scheduled_start_at__gte=now - timedelta(days=DAYS_BACK),
                                      scheduled_start_at__lt=horizon(now))  # fmt: skip
    rows = rows.filter(assigned_staff=feed.staff_id) if feed.staff_id else rows.filter(location=feed.location_id)
    return list(
        rows.select_related("definition", "location", "profile", "assigned_staff")
        .annotate(changes=Count("events"))
        .order_by("scheduled_start_at", "id")
    )


def customer_label(profile: Profile, mode: str) -> str:
    """The customer as the location wants staff calendars to name them ("" for no name)."""
    if mode == FeedNames.NONE:
        return ""
    if mode == FeedNames.FULL:
        return profile.full_name or "Customer"
    if not profile.first_name:
        return "Customer"
    return f"{profile.first_name} {profile.last_name[:1]}.".strip() if profile.last_name else profile.first_name


def calendar_zone(feed: CalendarFeed, appointments: list[Appointment]) -> str:
    """The zone the calendar names: the location's; for a staff member their default location's, else the first
    appointment's location's, else UTC."""
    if feed.location_id:
        return feed.location.timezone.key
    assignment = (
        StaffAssignment.objects.filter(profile=feed.staff_id, is_active=True)
        .select_related("location")
        .order_by("-is_default", "sort_order", "id")
        .first()
    )
    if assignment is not None:
        return assignment.location.timezone.key
    return appointments[0].location.timezone.key if appointments else "UTC"


def _event(appointment: Appointment, now: datetime) -> Event:
    location, tz = appointment.location, appointment.location.timezone
    who = customer_label(appointment.profile, location.feed_customer_names)
    event = Event()
    event.add("uid", f"appointment-{appointment.pk}@{DOMAIN}")
    event.add("sequence", max(appointment.changes - 1, 0))
    event.add("dtstamp", now)
    event.add("last-modified", appointment.updated_at)
    event.add("dtstart", appointment.scheduled_start_at)
    event.add("dtend", appointment.scheduled_end_at)
    event.add("summary", f"{appointment.definition.name} \u2013 {who}" if who else appointment.definition.name)
    event.add("location", ", ".join([location.name, *location.address_lines]))
    event.add("status", STATUS.get(appointment.status, "CONFIRMED"))
    lines = [
        f"{local_label(appointment.scheduled_start_at, tz)} ({tz.key})",
        f"Status: {appointment.get_status_display()}",
    ]
    if appointment.assigned_staff_id:
        lines.append(f"With: {appointment.assigned_staff.full_name}")
    event.add("description", "\n".join(lines))
    return event


def feed_ics(feed: CalendarFeed, *, now: datetime) -> bytes:
    """The whole feed as an iCalendar document."""
    appointments = feed_appointments(feed, now=now)
    whose = feed.staff.full_name if feed.staff_id else feed.location.name
    calendar = Calendar()
    calendar.add("prodid", "-//appointments-backoffice//calendar feed//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"Appointments: {whose}")
    calendar.add("x-wr-timezone", calendar_zone(feed, appointments))
    calendar.add("x-published-ttl", "PT15M")
    for appointment in appointments:
        calendar.add_component(_event(appointment, now))
    return calendar.to_ical()
