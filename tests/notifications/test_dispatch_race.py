"""Two dispatchers racing on PostgreSQL never send a row twice (ARCHITECTURE.md rule 6).

Each dispatcher runs in its own thread with its own database connection, released together by a barrier, claiming
small batches with `select_for_update(skip_locked=True)` from the same set of due rows. Every row must reach the
real local receiver exactly once and be recorded `sent` with one attempt.
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from django.db import connection, connections, transaction

from notifications.enums import Status
from notifications.models import DeliveryAttempt, Notification
from notifications.services.dispatch import claim_due, dispatch_due
from tests.notifications.factories import NotificationFactory, TargetFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROWS = 120
DISPATCHERS = 2
NOW = datetime(2025, 6, 9, tzinfo=UTC)


def test_two_dispatchers_deliver_every_row_exactly_once(receiver, settings):
    settings.NOTIFICATIONS_SEND_THREADS = 4
    target = TargetFactory(url=receiver.url)
    NotificationFactory.create_batch(ROWS, target=target, due_at=NOW)
    barrier = threading.Barrier(DISPATCHERS)

    def run():
        try:
            barrier.wait(timeout=30)
            return dispatch_due(now=NOW, batch=7)
        finally:
            connection.close()

    with ThreadPoolExecutor(DISPATCHERS) as pool:
        results = list(pool.map(lambda _: run(), range(DISPATCHERS)))

    assert sum(r.sent for r in results) == ROWS
    assert all(r.sent > 0 for r in results), "both dispatchers took part"
    ids = Counter(r.headers["x-notification-id"] for r in receiver.requests)
    assert len(ids) == ROWS and set(ids.values()) == {1}
    assert set(Notification.objects.values_list("status", "attempts")) == {(Status.SENT, 1)}
    assert DeliveryAttempt.objects.count() == ROWS


def test_a_claimed_row_is_skipped_not_waited_for():
    NotificationFactory.create_batch(3, target=TargetFactory(), due_at=NOW)
    # Hold row locks on the first two rows in another connection, as a dispatcher in the middle of claiming would.
    held = threading.Event()
    done = threading.Event()

    def hold():
        try:
            with transaction.atomic():
                list(Notification.objects.select_for_update().order_by("id")[:2])
                held.set()
                done.wait(30)
        finally:
            connections["default"].close()

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert held.wait(30)
        claim = claim_due(now=NOW, batch=10)
        claimed = list(Notification.objects.filter(claim=claim).values_list("id", flat=True))
        assert claimed == [Notification.objects.order_by("id").last().pk]
    finally:
        done.set()
        thread.join()
