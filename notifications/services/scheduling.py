"""Writing the outbox: other apps call these inside the transaction of the change that causes the notification.

Callers hand over plain data (the subject's type and id, its location and the context to render); this app never
imports theirs. Rows are unique by `key` (subject, event, target), so scheduling the same event twice writes once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from celery import current_app
from django.db import transaction
from django.db.models import Q

from notifications.enums import OPEN_STATUSES, Status
from notifications.models import Notification
from notifications.registry import event_type, reminder_events

logger = logging.getLogger("notifications")

DISPATCH_TASK = "notifications.dispatch"


def notification_key(subject_type: str, subject_id, event: str, target_id: int, discriminator: str = "") -> str:
    key = f"{subject_type}:{subject_id}:{event}:{target_id}"
    return f"{key}:{discriminator}" if discriminator else key


@dataclass(frozen=True)
class Planned:
    """One outbox row to write: what it is about, which event, to which target, when, and what it will render."""

    subject_type: str
    subject_id: object
    event: str
    target_id: int
    due_at: datetime
    context: dict
    location_id: int | None = None
    discriminator: str = ""


def notifications_schedule(planned: list[Planned], *, now: datetime, enqueue: bool = True) -> None:
    """Write pending outbox rows, once per key, in one statement (INSERT ... ON CONFLICT DO NOTHING): a booking's
    rows are written while it holds the booking lock, so one round trip instead of four per row (a SELECT, a
    savepoint, the INSERT and its release, as get_or_create did) is what bench/booking.py's realistic mode measures.

    Rows already due are handed to the dispatcher after commit, so they do not wait for the next beat tick.
    """
    for row in planned:
        if event_type(row.event) is None:
            raise ValueError(f"Unknown notification event {row.event!r}.")
    Notification.objects.bulk_create(
        [
            Notification(
                key=notification_key(row.subject_type, row.subject_id, row.event, row.target_id, row.discriminator),
                subject_type=row.subject_type,
                subject_id=str(row.subject_id),
                location_id=row.location_id,
                event=row.event,
                target_id=row.target_id,
                due_at=row.due_at,
                next_attempt_at=row.due_at,
                context=row.context,
            )  # fmt: skip
            for row in planned
        ],
        ignore_conflicts=True,
    )
    if enqueue and any(row.due_at <= now for row in planned):
        transaction.on_commit(enqueue_dispatch)


def notification_schedule(
    *, subject_type: str, subject_id, event: str, target_id: int, due_at: datetime, context: dict,
    location_id: int | None = None, discriminator: str = "", now: datetime, enqueue: bool = True,
) -> None:  # fmt: skip
    """Write one pending outbox row (once per key): notifications_schedule of one."""
    row = Planned(subject_type, subject_id, event, target_id, due_at, context, location_id, discriminator)
    notifications_schedule([row], now=now, enqueue=enqueue)


def notifications_reschedule(
    *, subject_type: str, subject_id, context: dict, reminder_due_at: datetime | None = None, now: datetime
) -> int:
    """After the subject moved in time: refresh every open row's context and move pending reminders.

    `reminder_due_at` None leaves the reminders' times as they are. Returns the number of rows changed.
    """
    rows = Notification.objects.filter(subject_type=subject_type, subject_id=str(subject_id), status=Status.PENDING)
    reminders = rows.filter(event__in=reminder_events())
    changed = rows.exclude(event__in=reminder_events()).update(context=context, updated_at=now)
    if reminder_due_at is None:
        return changed + reminders.update(context=context, updated_at=now)
    moved = reminders.update(
        context=context, due_at=reminder_due_at, next_attempt_at=reminder_due_at, attempts=0, updated_at=now
    )
    if moved and reminder_due_at <= now:
        transaction.on_commit(enqueue_dispatch)
    return changed + moved


def notifications_cancel(*, subject_type: str, subject_id, events=None, reason: str = "", now: datetime) -> int:
    """Cancel the subject's not-yet-sent rows of these events (the reminders when None); a row being sent right
    now is cancelled too, and the dispatcher, which re-reads the row after claiming it, then leaves it alone."""
    events = reminder_events() if events is None else events
    rows = Notification.objects.filter(
        Q(status__in=OPEN_STATUSES), subject_type=subject_type, subject_id=str(subject_id), event__in=list(events)
    )
    return rows.update(status=Status.CANCELLED, lease_until=None, last_error=reason, updated_at=now)


def enqueue_dispatch() -> None:
    """Ask a worker to dispatch now. Best effort: with the broker down the rows wait for the next beat tick.

    No publish retry, and `ignore_result` so that a Redis result backend is not subscribed to (a frozen Redis would
    hang the request there, outside the broker's socket timeouts); settings.py bounds the broker connection.
    """
    try:
        current_app.send_task(DISPATCH_TASK, retry=False, ignore_result=True)
    except Exception:  # the outbox row is committed; a broker outage must never fail the caller
        logger.warning("could not enqueue the notification dispatcher; the periodic task will deliver", exc_info=True)


@transaction.atomic
def notifications_retry_now(*, ids, now: datetime) -> int:
    """Make pending or failed rows due now (the console's "retry now"); returns how many were changed.

    Attempts are kept (they are the record), so a failed row gets one more try before it fails again.
    """
    rows = Notification.objects.filter(pk__in=list(ids), status__in=[Status.PENDING, Status.FAILED])
    changed = rows.update(status=Status.PENDING, next_attempt_at=now, lease_until=None, updated_at=now)
    if changed:
        transaction.on_commit(enqueue_dispatch)
    return changed


def cancel_unsent(rows, *, reason: str, now: datetime) -> int:
    """Cancel the pending or failed rows among `rows`; sent rows, and a row being sent right now, stay as they are."""
    unsent = rows.filter(status__in=[Status.PENDING, Status.FAILED])
    return unsent.update(status=Status.CANCELLED, lease_until=None, last_error=reason, updated_at=now)


@transaction.atomic
def notifications_cancel_rows(*, ids, reason: str, now: datetime) -> int:
    """Cancel pending or failed rows by id (the console's "cancel")."""
    return cancel_unsent(Notification.objects.filter(pk__in=list(ids)), reason=reason, now=now)
