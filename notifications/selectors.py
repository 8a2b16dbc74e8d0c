"""Reads of the outbox for the console."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet

from notifications.enums import Status
from notifications.models import Notification

# A pending row this long past its due time means the dispatcher is not keeping up (or not running).
OVERDUE_AFTER = timedelta(minutes=5)


def outbox_problems(rows: QuerySet[Notification], *, now: datetime) -> dict[str, int]:
    """How many rows failed, and how many are still pending well after they were due, in one query."""
    overdue = Q(status=Status.PENDING, next_attempt_at__lt=now - OVERDUE_AFTER)
    return rows.aggregate(failed=Count("id", filter=Q(status=Status.FAILED)), overdue=Count("id", filter=overdue))
