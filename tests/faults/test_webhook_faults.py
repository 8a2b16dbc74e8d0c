"""Webhook targets that break at the socket level (tests/notifications/test_webhook_delivery.py covers 500s, a single
timeout and a refused connection): a connection reset instead of an answer, a 200 whose body is cut off by a reset,
and a target that never answers. Each is retried with backoff, then `failed` after NOTIFICATIONS_MAX_ATTEMPTS; every
try is in the attempt log, no row disappears, and a healthy target in the same batches gets its notifications."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from notifications.enums import Status
from notifications.models import DeliveryAttempt, Notification
from notifications.services.dispatch import dispatch_due
from tests.notifications.factories import NotificationFactory, TargetFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 6, 9, tzinfo=UTC)
ATTEMPTS = 3
RESET = "ProtocolError: ('Connection aborted.', ConnectionResetError(104, 'Connection reset by peer'))"
CUT = "ProtocolError: ('Connection broken: IncompleteRead(10 bytes read, 990 more expected)', IncompleteRead(10 bytes read, 990 more expected))"  # noqa: E501


@pytest.fixture(autouse=True)
def _few_retries(settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = ATTEMPTS
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 60
    settings.NOTIFICATIONS_RETRY_MAX_SECONDS = 600


def run_until_settled(start: datetime) -> list[datetime]:
    """Dispatch at `start`, then at each moment a retry falls due, until nothing is pending; the moments used."""
    moments = [start]
    dispatch_due(now=start)
    while pending := Notification.objects.filter(status=Status.PENDING).order_by("next_attempt_at").first():
        moments.append(pending.next_attempt_at)
        dispatch_due(now=pending.next_attempt_at)
        assert len(moments) <= ATTEMPTS * 4, "dispatching never settled"
    return moments


def test_reset_cut_and_hanging_targets_fail_after_their_retries_and_lose_nothing(fault_server, receiver):
    reset, cut, hang = fault_server("reset"), fault_server("cut"), fault_server("hang")
    broken = {
        mode: NotificationFactory(target=TargetFactory(url=server.url, timeout_seconds=1), due_at=NOW)
        for mode, server in (("reset", reset), ("cut", cut), ("hang", hang))
    }
    healthy = TargetFactory(url=receiver.url)
    first = NotificationFactory(target=healthy, due_at=NOW)
    later = NotificationFactory(target=healthy, due_at=NOW + timedelta(minutes=3))  # due between the retries

    run_until_settled(NOW)

    for mode, server in (("reset", reset), ("cut", cut), ("hang", hang)):
        row = broken[mode]
        row.refresh_from_db()
        assert (row.status, row.attempts, row.sent_at) == (Status.FAILED, ATTEMPTS, None), mode
        assert server.ids == [str(row.uuid)] * ATTEMPTS, mode  # the same id on every try: receivers can dedupe
        tries = list(DeliveryAttempt.objects.filter(notification=row).order_by("id"))
        assert [(t.ok, t.response_status) for t in tries] == [(False, None)] * ATTEMPTS, mode
        expected = {"reset": RESET, "cut": CUT, "hang": "Timed out after 1s."}[mode]
        assert {t.error for t in tries} == {expected}, mode
        assert row.last_error == expected
    for row in (first, later):
        row.refresh_from_db()
        assert (row.status, row.attempts) == (Status.SENT, 1)
        assert DeliveryAttempt.objects.filter(notification=row, ok=True).count() == 1
    assert [r.headers["x-notification-id"] for r in receiver.requests] == [str(first.uuid), str(later.uuid)]
    assert Notification.objects.count() == 5
    assert DeliveryAttempt.objects.count() == 3 * ATTEMPTS + 2


def test_a_reset_is_retried_with_growing_backoff(fault_server):
    server = fault_server("reset")
    row = NotificationFactory(target=TargetFactory(url=server.url), due_at=NOW)

    moments = run_until_settled(NOW)

    gaps = [(b - a).total_seconds() for a, b in zip(moments, moments[1:], strict=False)]
    # NOTIFICATIONS_RETRY_BASE_SECONDS * 2^(n-1), plus up to 50% jitter
    assert len(gaps) == ATTEMPTS - 1
    assert 60 <= gaps[0] <= 90 and 120 <= gaps[1] <= 180, gaps
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.FAILED, ATTEMPTS)
