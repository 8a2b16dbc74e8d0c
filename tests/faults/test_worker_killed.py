"""A dispatcher process is SIGKILLed in the middle of a delivery (it claimed the row and the webhook is still
answering). The row stays `sending` under the dead process's lease, no other dispatcher takes it while the lease
holds, and once it expires the next dispatcher (a new process) sends it again and records it: one notification,
one successful attempt in our records. The receiver saw the request twice with the same X-Notification-Id and body:
delivery is at least once on the wire, and that header is what receivers dedupe on (docs/notifications.md).
"""

from __future__ import annotations

import signal
import subprocess
import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.enums import Status
from notifications.models import DeliveryAttempt, Notification
from notifications.services.dispatch import dispatch_due
from tests.faults.conftest import BASE_DIR, manage
from tests.notifications.factories import NotificationFactory, TargetFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

LEASE_SECONDS = 3
WAIT = 60


def test_a_killed_dispatcher_leaves_the_row_to_the_next_one_after_its_lease(receiver, subprocess_env):
    receiver.answer("hang")  # the first request gets no answer while the dispatcher is alive
    row = NotificationFactory(
        target=TargetFactory(url=receiver.url, timeout_seconds=30), due_at=timezone.now() - timedelta(seconds=1)
    )
    env = {**subprocess_env, "NOTIFICATIONS_LEASE_SECONDS": str(LEASE_SECONDS)}
    first = subprocess.Popen(
        manage("dispatch_notifications"), cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    try:
        assert receiver.received.wait(WAIT), "the first dispatcher never sent"
    finally:
        first.send_signal(signal.SIGKILL)
        first.communicate(timeout=WAIT)
    assert first.returncode == -signal.SIGKILL

    row.refresh_from_db()
    assert (row.status, row.attempts, row.sent_at) == (Status.SENDING, 1, None)
    dead_claim, lease_until = row.claim, row.lease_until
    assert DeliveryAttempt.objects.count() == 0  # the killed process never got to record its try
    assert dispatch_due(now=lease_until - timedelta(microseconds=1)).claimed == 0  # the lease still holds

    threading.Event().wait(max(0.0, (lease_until - timezone.now()).total_seconds()))  # until the lease runs out
    second = subprocess.run(
        manage("dispatch_notifications"), cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=WAIT
    )

    assert second.returncode == 0, second.stderr
    assert second.stdout.strip().splitlines()[-1] == "claimed 1: sent 1, retrying 0, failed 0, skipped 0"
    row.refresh_from_db()
    assert (row.status, row.attempts, row.lease_until) == (Status.SENT, 2, None)
    assert row.claim != dead_claim
    assert Notification.objects.count() == 1
    assert list(DeliveryAttempt.objects.values_list("notification_id", "ok", "response_status")) == [
        (row.pk, True, 200)
    ]
    assert [r.headers["x-notification-id"] for r in receiver.requests] == [str(row.uuid)] * 2
    assert receiver.requests[0].body == receiver.requests[1].body
