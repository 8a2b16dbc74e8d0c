"""Reads behind the operator console's own pages: the dashboard numbers and the day schedule of a location.

Selectors like appointments.selectors, kept apart because they serve only the console. Every day here is the
location's local day (DOMAIN.md "Time").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q

from appointments.enums import AppointmentStatus as S
from appointments.models import Appointment
from core.localtime import local_day_bounds
from directory.hours import windows_on
from directory.models import Location, Profile, StaffAssignment
from directory.selectors import schedules_by_owner

# Day schedule's axis when the location has no hours that day (and never narrower than its appointments).
DEFAULT_DAY = (time(8), time(20))


def day_counts(location: Location, day: date, now: datetime) -> dict[str, int]:
    """The dashboard's numbers for one location and local day, in one query: appointments still to come today,
    requests awaiting approval (any future day), and today's arrivals, completions and no-shows."""
    start, end = local_day_bounds(location.timezone, day)
    today = Q(scheduled_start_at__gte=start, scheduled_start_at__lt=end)
    return Appointment.objects.filter(location=location).aggregate(
        upcoming=Count("pk", filter=today & Q(scheduled_start_at__gte=now, status__in=(S.REQUESTED, S.CONFIRMED))),
        awaiting_approval=Count("pk", filter=Q(status=S.REQUESTED, scheduled_start_at__gte=now)),
        arrived=Count("pk", filter=today & Q(status=S.ARRIVED)),
        completed=Count("pk", filter=today & Q(status=S.COMPLETED)),
        no_show=Count("pk", filter=today & Q(status=S.NO_SHOW)),
    )


@dataclass
class Lane:
    """One row of the day schedule: a staff member, or the lane of appointments without staff."""

    key: str
    title: str
    subtitle: str = ""
    appointments: list[Appointment] = field(default_factory=list)


@dataclass
class DaySchedule:
    location: Location
    day: date
    start: datetime  # the axis, in UTC
    end: datetime
    lanes: list[Lane]
    open_windows: list[tuple[datetime, datetime]]  # the location's hours that day, in UTC


def _axis(location: Location, day: date, windows, appointments) -> tuple[datetime, datetime]:
    tz = location.timezone
    first, last = (windows[0][0], windows[-1][1]) if windows else DEFAULT_DAY
    start = datetime.combine(day, time(first.hour), tzinfo=tz)
    end = datetime.combine(day, time(0), tzinfo=tz) + timedelta(hours=last.hour + (1 if last.minute else 0))
    for appointment in appointments:
        start = min(start, appointment.scheduled_start_at.astimezone(tz).replace(minute=0))
        end = max(end, appointment.scheduled_end_at.astimezone(tz))
    day_start, day_end = local_day_bounds(tz, day)
    return max(start.astimezone(day_start.tzinfo), day_start), min(end.astimezone(day_end.tzinfo), day_end)


def day_schedule(location: Location, day: date) -> DaySchedule:
    """The location's appointments of one local day by staff lane, in 4 queries whatever their number: the
    appointments, the staff on shift there that day, and the location's normal and special hours."""
    start, end = local_day_bounds(location.timezone, day)
    appointments = list(
        Appointment.objects.filter(location=location, scheduled_start_at__gte=start, scheduled_start_at__lt=end)
        .select_related("definition", "profile", "assigned_staff")
        .order_by("scheduled_start_at", "id")
    )
    on_shift = (
        StaffAssignment.objects.filter(location=location, assignment_type="staff", is_active=True)
        .filter(Q(starts_at__isnull=True) | Q(starts_at__lt=end), Q(ends_at__isnull=True) | Q(ends_at__gt=start))
        .select_related("profile")
        .order_by("sort_order", "profile__first_name", "id")
    )
    lanes: dict[str, Lane] = {}
    for assignment in on_shift:
        profile: Profile = assignment.profile
        lanes.setdefault(str(profile.pk), Lane(str(profile.pk), str(profile), assignment.role_type or "staff"))
    # Appointments without staff get a lane per definition: one pooled service's day reads on its own line.
    no_staff: dict[int, Lane] = {}
    for appointment in appointments:
        if appointment.assigned_staff_id is None:
            definition = appointment.definition
            no_staff.setdefault(definition.pk, Lane(f"none-{definition.pk}", f"No staff: {definition.name}",
                                                    "pooled, no staff member"))  # fmt: skip
            no_staff[definition.pk].appointments.append(appointment)
            continue
        key = str(appointment.assigned_staff_id)
        lanes.setdefault(key, Lane(key, str(appointment.assigned_staff), "not on shift here"))
        lanes[key].appointments.append(appointment)
    schedule = schedules_by_owner(location.normal_hours.all(), location.special_hours.all(), "location_id").get(
        location.pk
    )
    windows = list((windows_on(schedule, day) if schedule is not None else None) or ())
    axis_start, axis_end = _axis(location, day, windows, appointments)
    open_windows = [
        (datetime.combine(day, a, tzinfo=location.timezone), datetime.combine(day, b, tzinfo=location.timezone))
        for a, b in windows
    ]
    pooled = sorted(no_staff.values(), key=lambda lane: lane.title)
    return DaySchedule(location, day, axis_start, axis_end, [*lanes.values(), *pooled], open_windows)
