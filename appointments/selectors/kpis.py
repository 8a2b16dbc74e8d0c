"""Appointment KPIs per location and local day: counts by status, no-show rate, queue wait and service time.

Days are the location's local dates. An appointment counts on the local date of its scheduled start; a walk-in
on the local date it joined the queue. No-show rate = no_show / (arrived + completed + no_show), the
appointments that were due and settled; null when there are none. Queue wait = joined -> called, service time
= called -> served, both averaged in minutes over the walk-ins that reached that point.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Count
from django.db.models.functions import TruncDate

from appointments.enums import AppointmentStatus
from appointments.models import Appointment, QueueEntry
from core.errors import ValidationFailed
from directory.models import Location
from questionnaires.enums import RatingScale
from questionnaires.reports import rating_report
from visits.selectors import footfall_for

MAX_REPORT_DAYS = 366
SETTLED = (AppointmentStatus.ARRIVED, AppointmentStatus.COMPLETED, AppointmentStatus.NO_SHOW)


def _check_range(start: date, end: date) -> None:
    if end < start:
        raise ValidationFailed.on("end_date", "end_date must be on or after start_date.")
    if (end - start).days + 1 > MAX_REPORT_DAYS:
        raise ValidationFailed.on("end_date", f"A report covers at most {MAX_REPORT_DAYS} days.")


def _bounds(location: Location, start: date, end: date) -> tuple[datetime, datetime]:
    tz = location.timezone
    low = datetime.combine(start, time(0), tzinfo=tz).astimezone(UTC)
    high = datetime.combine(end + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    return low, high


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def _figures(counts: dict[str, int], waits: list[float], services: list[float]) -> dict:
    by_status = {status.value: counts.get(status.value, 0) for status in AppointmentStatus}
    settled = sum(by_status[status] for status in SETTLED)
    return {
        "total": sum(by_status.values()),
        "by_status": by_status,
        "no_show_rate": round(by_status[AppointmentStatus.NO_SHOW] / settled, 4) if settled else None,
        "average_queue_wait_minutes": _mean(waits),
        "average_service_minutes": _mean(services),
    }


def appointment_report(location: Location, start: date, end: date) -> tuple[list[dict], dict]:
    """(one row per local day, the whole range's figures); two queries."""
    return appointment_report_for([location], start, end)


def appointment_report_for(locations: list[Location], start: date, end: date) -> tuple[list[dict], dict]:
    """`appointment_report` over several locations, each counted on its own local days; two queries per location.
    The averages are over every walk-in of every location (not an average of the locations' averages)."""
    counts: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    waits: dict[date, list[float]] = defaultdict(list)
    services: dict[date, list[float]] = defaultdict(list)
    _check_range(start, end)
    for location in locations:
        _collect(location, start, end, counts, waits, services)
    out = []
    day = start
    while day <= end:
        out.append({"date": day, **_figures(counts[day], waits[day], services[day])})
        day += timedelta(days=1)
    total_counts: dict[str, int] = defaultdict(int)
    for per_day in counts.values():
        for status, n in per_day.items():
            total_counts[status] += n
    summary = _figures(total_counts, [w for v in waits.values() for w in v], [s for v in services.values() for s in v])
    return out, summary


def _collect(location: Location, start: date, end: date, counts: dict, waits: dict, services: dict) -> None:
    """Add one location's counts by local day and status, and its walk-ins' waits and service times."""
    low, high = _bounds(location, start, end)
    tz = location.timezone
    rows = (
        Appointment.objects.filter(location=location, scheduled_start_at__gte=low, scheduled_start_at__lt=high)
        .annotate(day=TruncDate("scheduled_start_at", tzinfo=tz))
        .values_list("day", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for day, status, n in rows:
        counts[day][status] += n
    walk_ins = QueueEntry.objects.filter(
        location=location, created_at__gte=low, created_at__lt=high, called_at__isnull=False
    ).values_list("created_at", "called_at", "served_at")
    for joined, called, served in walk_ins:
        day = joined.astimezone(tz).date()
        waits[day].append((called - joined).total_seconds() / 60)
        if served is not None:
            services[day].append((served - called).total_seconds() / 60)


def daily_report(locations: list[Location], start: date, end: date, *, all_locations: bool) -> dict:
    """The console's morning report over some locations and local days: per day the appointment figures
    (`appointment_report_for`), the footfall by source (`visits.selectors.footfall_for`) and the NPS
    (`questionnaires.reports.rating_report`, by day and by week), plus the whole range's figures. `all_locations`
    says `locations` are every location (the NPS then reads without a location filter)."""
    rows, summary = appointment_report_for(locations, start, end)
    visits = footfall_for(locations, start, end)
    within = None if all_locations else [location.pk for location in locations]
    nps_days = rating_report(RatingScale.NPS, start=start, end=end, interval="day", within=within)
    nps_weeks = rating_report(RatingScale.NPS, start=start, end=end, interval="week", within=within)
    for row, footfall_row, nps in zip(rows, visits, nps_days["series"], strict=True):
        row.update(visits=footfall_row["total"], visits_by_source=footfall_row["by_source"], ratings=nps["total"],
                   nps=nps["score"])  # fmt: skip
    return {
        "days": rows,
        "summary": {
            **summary,
            "visits": sum(row["total"] for row in visits),
            "ratings": nps_days["total"],
            "nps": nps_days["score"],
        },  # fmt: skip
        "nps_weeks": nps_weeks["series"],
    }
