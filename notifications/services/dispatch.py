"""Delivering due outbox rows (docs/notifications.md "Delivery guarantee").

1. Claim: in a short transaction, lock up to `batch` due rows with `select_for_update(skip_locked=True)` (so
   competing dispatchers never take the same row), mark them `sending` with a lease and a fresh claim id, commit.
   A row whose lease ran out (its dispatcher died between sending and recording) is due again.
2. Send, outside any transaction, after re-reading the rows still held by this claim (a row cancelled meanwhile is
   not sent).
3. Record: each outcome is written only `where claim = ours and status = sending`, so a dispatcher that lost its
   lease cannot overwrite what the next one recorded.
"""

from __future__ import annotations

import logging
import random
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from notifications.channels import mail, webhook
from notifications.channels.webhook import Outcome
from notifications.enums import Channel, Status
from notifications.models import DeliveryAttempt, Notification
from notifications.registry import attachment_for, defaults, label_of
from notifications.rendering import TemplateError, default_webhook_body, render_email, render_webhook
from notifications.services.scheduling import notification_key, notification_schedule

logger = logging.getLogger("notifications")


@dataclass(frozen=True)
class DispatchResult:
    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0


def backoff(attempts: int, *, rng: random.Random | None = None) -> timedelta:
    """Exponential delay after the `attempts`-th failure, capped, plus up to 50% random jitter."""
    base = settings.NOTIFICATIONS_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    delay = min(base, settings.NOTIFICATIONS_RETRY_MAX_SECONDS)
    return timedelta(seconds=delay * (1 + (rng or random).random() * 0.5))


def claim_due(*, now: datetime, batch: int, only: int | None = None) -> uuid.UUID | None:
    """Lock and lease up to `batch` due rows for this dispatcher; returns the claim id, or None if none were due.

    `only` limits the claim to one row (sending a test now).
    """
    claim = uuid.uuid4()
    due = Q(status=Status.PENDING, next_attempt_at__lte=now) | Q(status=Status.SENDING, lease_until__lte=now)
    with transaction.atomic():
        rows = Notification.objects.select_for_update(skip_locked=True).filter(due)
        if only is not None:
            rows = rows.filter(pk=only)
        ids = list(rows.order_by("next_attempt_at", "id").values_list("id", flat=True)[:batch])
        if not ids:
            return None
        lease = now + timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS)
        Notification.objects.filter(id__in=ids).update(
            status=Status.SENDING, claim=claim, lease_until=lease, attempts=F("attempts") + 1, updated_at=now
        )
    return claim


def _context(row: Notification) -> dict:
    return {
        **row.context,
        "event": row.event,
        "event_label": label_of(row.event),
        "notification_id": str(row.uuid),
    }


def send_one(row: Notification, *, now: datetime) -> Outcome:
    """Render and send one row to its target (no database access, so it can run in a thread)."""
    target = row.target
    if not target.is_active:
        return Outcome(ok=False, error="The target is inactive.", retry=False, skip=True)
    context = _context(row)
    try:
        if target.channel == Channel.WEBHOOK:
            body = (
                render_webhook(target.body_template, context)
                if target.body_template
                else default_webhook_body(str(row.uuid), row.event, row.context)
            )
            return webhook.post(
                url=target.url, body=body, notification_id=str(row.uuid), event=row.event, secret=target.secret,
                timeout=target.timeout_seconds,
            )  # fmt: skip
        to = target.email or (context.get("profile") or {}).get("email") or ""
        if not to:
            return Outcome(ok=False, error="No recipient: the customer has no email address.", retry=False, skip=True)
        subject, text, html = render_email(target.subject_template, target.body_template, context)
        return mail.send(
            to=to, subject=subject, text=text, html=html, attachment=attachment_for(row.event, row.context, now=now),
            notification_id=str(row.uuid),
            timeout=target.timeout_seconds,
        )  # fmt: skip
    except TemplateError as exc:
        return Outcome(ok=False, error=str(exc), retry=False)


def _outcome_fields(row: Notification, outcome: Outcome, now: datetime) -> dict:
    if outcome.ok:
        return {"status": Status.SENT, "sent_at": now, "last_error": "", "lease_until": None}
    if outcome.skip:
        return {"status": Status.SKIPPED, "last_error": outcome.error, "lease_until": None}
    if not outcome.retry or row.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
        return {"status": Status.FAILED, "last_error": outcome.error, "lease_until": None}
    return {
        "status": Status.PENDING, "last_error": outcome.error, "lease_until": None,
        "next_attempt_at": now + backoff(row.attempts),
    }  # fmt: skip


def deliver_claimed(claim: uuid.UUID, *, now: datetime | None = None) -> DispatchResult:
    """Send the rows held by `claim` and record each outcome (see the module docstring)."""
    rows = list(Notification.objects.filter(claim=claim, status=Status.SENDING).select_related("target"))
    if not rows:
        return DispatchResult()
    started = now or timezone.now()
    workers = min(settings.NOTIFICATIONS_SEND_THREADS, len(rows))
    if workers > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            outcomes = list(pool.map(lambda row: send_one(row, now=started), rows))
    else:
        outcomes = [send_one(row, now=started) for row in rows]
    finished = now or timezone.now()
    counts = {Status.SENT: 0, Status.PENDING: 0, Status.FAILED: 0, Status.SKIPPED: 0}
    held = Notification.objects.filter(claim=claim, status=Status.SENDING)
    with transaction.atomic():
        # Successes, the common case, are recorded in one statement; the rest row by row.
        sent_ids = [row.pk for row, outcome in zip(rows, outcomes, strict=True) if outcome.ok]
        if sent_ids:
            counts[Status.SENT] = held.filter(pk__in=sent_ids).update(
                status=Status.SENT, sent_at=finished, last_error="", lease_until=None, updated_at=finished
            )
        for row, outcome in zip(rows, outcomes, strict=True):
            if outcome.ok:
                continue
            fields = _outcome_fields(row, outcome, finished)
            counts[fields["status"]] += held.filter(pk=row.pk).update(**fields, updated_at=finished)
        DeliveryAttempt.objects.bulk_create(
            DeliveryAttempt(
                notification_id=row.pk,
                target_id=row.target_id,
                at=started,
                duration_ms=outcome.duration_ms,
                response_status=outcome.status,
                error=outcome.error,
                ok=outcome.ok,
            )  # fmt: skip
            for row, outcome in zip(rows, outcomes, strict=True)
        )
    return DispatchResult(
        claimed=len(rows), sent=counts[Status.SENT], retrying=counts[Status.PENDING], failed=counts[Status.FAILED],
        skipped=counts[Status.SKIPPED],
    )  # fmt: skip


def dispatch_due(*, now: datetime | None = None, batch: int | None = None, max_batches: int | None = None):
    """Claim and deliver due rows batch after batch until none are due (or `max_batches` ran).

    With `now` fixed (tests) every batch uses that instant; otherwise each batch reads the clock.
    """
    batch = batch or settings.NOTIFICATIONS_BATCH_SIZE
    total = DispatchResult()
    done = 0
    while max_batches is None or done < max_batches:
        claim = claim_due(now=now or timezone.now(), batch=batch)
        if claim is None:
            break
        result = deliver_claimed(claim, now=now)
        total = DispatchResult(*(a + b for a, b in zip(_astuple(total), _astuple(result), strict=True)))
        done += 1
    return total


def _astuple(result: DispatchResult) -> tuple[int, ...]:
    return (result.claimed, result.sent, result.retrying, result.failed, result.skipped)


def target_send_test(target, *, now: datetime | None = None) -> Notification:
    """Send a sample notification to `target` right away, recorded in the outbox like any other row."""
    now = now or timezone.now()
    stamp = now.strftime("%Y%m%dT%H%M%S%f")
    sample = defaults()  # the producing app's sample event and context (notifications.registry)
    notification_schedule(
        subject_type="test", subject_id=stamp, event=sample.sample_event, target_id=target.pk, due_at=now,
        context=sample.sample_context, now=now, enqueue=False,
    )  # fmt: skip
    row = Notification.objects.get(key=notification_key("test", stamp, sample.sample_event, target.pk))
    claim = claim_due(now=now, batch=1, only=row.pk)
    if claim is not None:
        deliver_claimed(claim, now=now)
    row.refresh_from_db()
    return row
