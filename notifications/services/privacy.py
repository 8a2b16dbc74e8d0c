"""The notifications' part of erasing and exporting a person (docs/privacy.md).

The notifications app does not know what its subjects are: the caller names them as (subject_type, ids) and says
how to scrub a row's rendering context (`scrub`) and which strings identify the person (`redact`). Rows still to
be delivered are cancelled (there is nobody to tell any more); every row keeps its status and times for the
outbox figures, with the scrubbed context, and the person's details redacted from error texts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from django.db.models import Q, QuerySet

from core.export import row
from notifications.models import DeliveryAttempt, Notification
from notifications.services.scheduling import cancel_unsent

REDACTED = "[erased]"
CANCEL_REASON = "Cancelled: the person's data was erased."


def notifications_about(subjects: Iterable[tuple[str, Iterable]]) -> QuerySet[Notification]:
    condition = Q(pk__in=[])
    for subject_type, ids in subjects:
        condition |= Q(subject_type=subject_type, subject_id__in=[str(pk) for pk in ids])
    return Notification.objects.filter(condition)


def _redacted(text: str, values: list[str]) -> str:
    for value in values:
        text = text.replace(value, REDACTED)
    return text


def notifications_erase(
    subjects: Iterable[tuple[str, Iterable]], *, scrub: Callable[[dict], dict], redact: list[str], now: datetime
) -> dict[str, int]:
    rows = notifications_about(subjects)
    # Rows that would still go out are cancelled; a row being sent right now is left to its worker.
    cancelled = cancel_unsent(rows, reason=CANCEL_REASON, now=now)
    count = 0
    for notification in rows.only("pk", "context", "last_error"):
        count += 1
        context, error = scrub(notification.context), _redacted(notification.last_error, redact)
        if (context, error) != (notification.context, notification.last_error):
            notification.context, notification.last_error = context, error
            notification.save(update_fields=["context", "last_error", "updated_at"])
    if redact:
        for attempt in DeliveryAttempt.objects.filter(notification__in=rows).exclude(error="").only("pk", "error"):
            error = _redacted(attempt.error, redact)
            if error != attempt.error:
                attempt.error = error
                attempt.save(update_fields=["error"])
    return {"notifications": count, "notifications_cancelled": cancelled}


def notifications_export(subjects: Iterable[tuple[str, Iterable]]) -> list[dict]:
    rows = list(notifications_about(subjects).order_by("due_at", "id"))
    attempts: dict[int, list[dict]] = {}
    for attempt in DeliveryAttempt.objects.filter(notification__in=rows).order_by("at", "id"):
        attempts.setdefault(attempt.notification_id, []).append(row(attempt, exclude=("notification",)))
    return [{**row(item, exclude=("claim",)), "attempts": attempts.get(item.pk, [])} for item in rows]
