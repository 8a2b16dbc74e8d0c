"""Reads of the visits app: footfall per location and local day, split by source."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate

from core.errors import ValidationFailed
from directory.models import Location
from visits.enums import VisitSource
from visits.models import Visit

MAX_REPORT_DAYS = 366


def local_day_bounds(location: Location, start: date, end: date) -> tuple[datetime, datetime]:
    """UTC instants of local midnight on `start` and local midnight after `end` (the report covers [low, high))."""
    tz = location.timezone
    low = datetime.combine(start, time(0), tzinfo=tz).astimezone(UTC)
    high = datetime.combine(end + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    return low, high


def check_report_range(start: date, end: date) -> None:
    if end < start:
        raise ValidationFailed.on("end_date", "end_date must be on or after start_date.")
    if (end - start).days + 1 > MAX_REPORT_DAYS:
        raise ValidationFailed.on("end_date", f"A report covers at most {MAX_REPORT_DAYS} days.")


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def footfall(location: Location, start: date, end: date) -> list[dict]:
    """Visits per local day of `location` on [start, end], by source, in one query (every day listed, zeros too)."""
    check_report_range(start, end)
    low, high = local_day_bounds(location, start, end)
    rows = (
        Visit.objects.filter(location=location, visited_at__gte=low, visited_at__lt=high)
        .annotate(day=TruncDate("visited_at", tzinfo=location.timezone))
        .values_list("day", "source")
        .annotate(visits=Count("*"))
        .order_by()
    )
    counts: dict[date, dict[str, int]] = defaultdict(dict)
    for day, source, visits in rows:
        counts[day][source] = visits
    out = []
    for day in days(start, end):
        by_source = {source.value: counts[day].get(source.value, 0) for source in VisitSource}
        out.append({"date": day, "total": sum(by_source.values()), "by_source": by_source})
    return out


def footfall_for(locations: list[Location], start: date, end: date) -> list[dict]:
    """`footfall` summed over several locations, each counted on its own local days; one query per location."""
    check_report_range(start, end)
    total = [{"date": day, "total": 0, "by_source": dict.fromkeys(VisitSource.values, 0)} for day in days(start, end)]
    for location in locations:
        for row, summed in zip(footfall(location, start, end), total, strict=True):
            summed["total"] += row["total"]
            for source, count in row["by_source"].items():
                summed["by_source"][source] += count
    return total


def visits_with_relations() -> QuerySet[Visit]:
    return Visit.objects.select_related("location", "profile", "staff").order_by("-visited_at", "-id")
