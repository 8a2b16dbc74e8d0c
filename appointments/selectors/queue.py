"""Reads of the walk-in queue: computed positions and estimated waits, in a fixed number of queries.

Position: first in, first out per (definition, location) among waiting entries, by the time they joined (an entry
returned to the queue keeps its place). Estimated wait: position x service minutes / staff on shift now, and for
anyone not first at least one service and never less than the definition's duration. Service minutes are the
definition's duration until there is enough history: the median of the last QUEUE_SERVICE_SAMPLE served entries
(called -> served) of that definition at that location, once at least QUEUE_SERVICE_MIN_SAMPLE of them are
plausible (between a quarter of the duration and four times it; a mis-click served in seconds, or an entry left
"called" over lunch, says nothing about how long a service takes).
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Count, F, OuterRef, Q, Subquery, Window
from django.db.models.functions import RowNumber

from appointments.enums import QueueStatus
from appointments.models import QueueEntry
from directory.enums import AssignmentType
from directory.hours import windows_on
from directory.models import ProfileNormalHour, ProfileSpecialHour, StaffAssignment
from directory.selectors import schedules_by_owner


@dataclass(frozen=True)
class QueueFigures:
    position: int | None
    estimated_wait_minutes: int | None


def with_position(queryset):
    """Annotate `queue_position` (only meaningful on waiting entries): one correlated count, no extra query."""
    ahead = (
        QueueEntry.objects.filter(
            definition_id=OuterRef("definition_id"), location_id=OuterRef("location_id"), status=QueueStatus.WAITING
        )
        .filter(Q(created_at__lt=OuterRef("created_at")) | Q(created_at=OuterRef("created_at"), id__lte=OuterRef("id")))
        .order_by()
        .values("definition_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return queryset.annotate(queue_position=Subquery(ahead))


# A recorded service outside [duration / OUTLIER_FACTOR, duration x OUTLIER_FACTOR] is not a real service time.
OUTLIER_FACTOR = 4


def learned_service_minutes(pairs: dict[tuple[int, int], int]) -> dict[tuple[int, int], float]:
    """(definition, location) -> median minutes from called to served over the recent sample; one query.

    `pairs` maps each (definition, location) to the definition's duration, which decides what is an outlier. A pair
    is left out (the caller uses the duration) until its sample holds QUEUE_SERVICE_MIN_SAMPLE plausible services.
    """
    if not pairs:
        return {}
    condition = Q()
    for definition_id, location_id in pairs:
        condition |= Q(definition_id=definition_id, location_id=location_id)
    ranked = (
        QueueEntry.objects.filter(condition, status=QueueStatus.SERVED, called_at__isnull=False,
                                  served_at__isnull=False)
        .annotate(rank=Window(RowNumber(), partition_by=[F("definition_id"), F("location_id")],
                              order_by=F("served_at").desc()))
        .filter(rank__lte=settings.QUEUE_SERVICE_SAMPLE)
        .values_list("definition_id", "location_id", "called_at", "served_at")
    )  # fmt: skip
    samples: dict[tuple[int, int], list[float]] = defaultdict(list)
    for definition_id, location_id, called, served in ranked:
        duration = pairs[(definition_id, location_id)]
        minutes = (served - called).total_seconds() / 60
        if duration / OUTLIER_FACTOR <= minutes <= duration * OUTLIER_FACTOR:
            samples[(definition_id, location_id)].append(minutes)
    minimum = max(settings.QUEUE_SERVICE_MIN_SAMPLE, 1)
    return {key: statistics.median(values) for key, values in samples.items() if len(values) >= minimum}


def staff_on_shift(location_ids: set[int], now: datetime, timezones: dict[int, object]) -> dict[int, int]:
    """Location -> staff members assigned there now whose own hours (if any) contain the local time; 2 queries."""
    if not location_ids:
        return {}
    rows = list(
        StaffAssignment.objects.filter(location_id__in=location_ids, assignment_type=AssignmentType.STAFF,
                                       is_active=True)
        .exclude(starts_at__gt=now)
        .exclude(ends_at__lte=now)
        .values_list("location_id", "profile_id")
        .distinct()
    )  # fmt: skip
    profiles = {profile_id for _, profile_id in rows}
    schedules = (
        schedules_by_owner(
            ProfileNormalHour.objects.filter(profile_id__in=profiles),
            ProfileSpecialHour.objects.filter(profile_id__in=profiles),
            "profile_id",
        )
        if profiles
        else {}
    )
    counts: dict[int, int] = defaultdict(int)
    for location_id, profile_id in rows:
        local = now.astimezone(timezones[location_id])
        schedule = schedules.get(profile_id)
        windows = windows_on(schedule, local.date()) if schedule is not None else None
        if windows is None or any(start <= local.time() < end for start, end in windows):
            counts[location_id] += 1
    return counts


def queue_figures(entries: list[QueueEntry], *, now: datetime) -> dict[int, QueueFigures]:
    """Position and estimated wait of each entry (annotated by with_position), in at most 3 more queries."""
    waiting = [entry for entry in entries if entry.status == QueueStatus.WAITING]
    pairs = {(entry.definition_id, entry.location_id): entry.definition.duration_minutes for entry in waiting}
    learned = learned_service_minutes(pairs)
    timezones = {entry.location_id: entry.location.timezone for entry in waiting}
    staff = staff_on_shift(set(timezones), now, timezones)
    figures = {}
    for entry in entries:
        if entry.status != QueueStatus.WAITING:
            figures[entry.pk] = QueueFigures(None, None)
            continue
        position = entry.queue_position
        duration = entry.definition.duration_minutes
        service = learned.get((entry.definition_id, entry.location_id), duration)
        wait = position * service / max(staff.get(entry.location_id, 0), 1)
        if position > 1:
            # Whoever is not next waits for at least one whole service, and never less than the definition says.
            wait = max(wait, service, duration)
        figures[entry.pk] = QueueFigures(position, math.ceil(round(wait, 6)))
    return figures


def queue_entries():
    return with_position(
        QueueEntry.objects.select_related("definition", "location", "profile", "staff").order_by("created_at", "id")
    )
