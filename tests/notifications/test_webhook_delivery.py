"""Webhook delivery to a real local HTTP server: body, signature, retries, timeouts, the failure limit, the stable
X-Notification-Id, URL safety and the bounded response read."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest

from notifications.enums import Status
from notifications.models import DeliveryAttempt
from notifications.services.dispatch import backoff, dispatch_due
from tests.notifications.factories import NotificationFactory, TargetFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 6, 9, 0, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fast_retries(settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 60
    settings.NOTIFICATIONS_RETRY_MAX_SECONDS = 600


def test_default_body_is_the_event_and_context_and_is_signed(receiver):
    target = TargetFactory(url=receiver.url, secret="s3cret")
    row = NotificationFactory(target=target, due_at=NOW)

    result = dispatch_due(now=NOW)

    assert (result.claimed, result.sent) == (1, 1)
    [request] = receiver.requests
    assert request.path == "/hook"
    assert json.loads(request.body) == {"id": str(row.uuid), "event": "confirmed", **row.context}
    assert request.headers["content-type"] == "application/json"
    assert request.headers["x-notification-id"] == str(row.uuid)
    assert request.headers["x-notification-event"] == "confirmed"
    timestamp, mac = (part.split("=", 1)[1] for part in request.headers["x-signature"].split(","))
    expected = hmac.new(b"s3cret", timestamp.encode() + b"." + request.body, hashlib.sha256).hexdigest()
    assert mac == expected
    assert abs(int(timestamp) - datetime.now(UTC).timestamp()) < 60
    row.refresh_from_db()
    assert (row.status, row.attempts, row.sent_at, row.last_error) == (Status.SENT, 1, NOW, "")
    attempt = DeliveryAttempt.objects.get(notification=row)
    assert (attempt.ok, attempt.response_status, attempt.error) == (True, 200, "")


def test_no_secret_no_signature_header(receiver):
    NotificationFactory(target=TargetFactory(url=receiver.url, secret=""), due_at=NOW)

    dispatch_due(now=NOW)

    assert "x-signature" not in receiver.requests[0].headers


def test_template_values_are_json_escaped(receiver):
    template = '{"who": "{{ profile.first_name }}", "what": "{{ event }}", "id": {{ appointment.id }}}'
    target = TargetFactory(url=receiver.url, body_template=template)
    row = NotificationFactory(target=target, due_at=NOW)
    row.context["profile"]["first_name"] = 'Ada "the" \\ Countess\n'
    row.save()

    dispatch_due(now=NOW)

    assert json.loads(receiver.requests[0].body) == {"who": 'Ada "the" \\ Countess\n', "what": "confirmed", "id": 1}


def test_not_yet_due_rows_wait(receiver):
    row = NotificationFactory(target=TargetFactory(url=receiver.url), due_at=NOW + timedelta(seconds=1))

    assert dispatch_due(now=NOW).claimed == 0
    assert receiver.requests == []
    assert dispatch_due(now=NOW + timedelta(seconds=1)).sent == 1
    row.refresh_from_db()
    assert row.status == Status.SENT


def test_a_500_is_retried_with_backoff_and_the_same_notification_id(receiver):
    receiver.answer(500, 503)
    row = NotificationFactory(target=TargetFactory(url=receiver.url), due_at=NOW)

    first = dispatch_due(now=NOW)
    row.refresh_from_db()
    assert (first.retrying, row.status, row.attempts) == (1, Status.PENDING, 1)
    assert row.last_error.startswith("HTTP 500: ")
    assert len(row.last_error) < 600  # the 100 kB error body was read only up to the limit
    assert NOW + timedelta(seconds=60) <= row.next_attempt_at <= NOW + timedelta(seconds=90)
    assert dispatch_due(now=row.next_attempt_at - timedelta(microseconds=1)).claimed == 0

    second_at = row.next_attempt_at
    dispatch_due(now=second_at)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.PENDING, 2)
    assert second_at + timedelta(seconds=120) <= row.next_attempt_at <= second_at + timedelta(seconds=180)

    dispatch_due(now=row.next_attempt_at)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (Status.SENT, 3, "")
    assert [r.headers["x-notification-id"] for r in receiver.requests] == [str(row.uuid)] * 3
    assert len({r.body for r in receiver.requests}) == 1
    statuses = list(
        DeliveryAttempt.objects.filter(notification=row).order_by("id").values_list("response_status", "ok")
    )
    assert statuses == [(500, False), (503, False), (200, True)]


def test_failed_after_the_limit(receiver):
    receiver.default_status = 500
    row = NotificationFactory(target=TargetFactory(url=receiver.url), due_at=NOW)
    at = NOW
    for _ in range(3):
        dispatch_due(now=at)
        row.refresh_from_db()
        at = row.next_attempt_at

    assert (row.status, row.attempts) == (Status.FAILED, 3)
    assert dispatch_due(now=at + timedelta(days=1)).claimed == 0
    assert len(receiver.requests) == 3
    assert DeliveryAttempt.objects.filter(notification=row).count() == 3


def test_a_timeout_is_a_failure_to_retry(receiver):
    receiver.answer("hang")
    row = NotificationFactory(target=TargetFactory(url=receiver.url, timeout_seconds=1), due_at=NOW)

    dispatch_due(now=NOW)

    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (Status.PENDING, 1, "Timed out after 1s.")
    dispatch_due(now=row.next_attempt_at)
    row.refresh_from_db()
    assert row.status == Status.SENT
    assert [r.headers["x-notification-id"] for r in receiver.requests] == [str(row.uuid)] * 2


def test_connection_refused_is_retried():
    row = NotificationFactory(target=TargetFactory(url="http://127.0.0.1:9/hook"), due_at=NOW)

    dispatch_due(now=NOW)

    row.refresh_from_db()
    assert row.status == Status.PENDING
    assert row.last_error.startswith("Connection failed: ")


def test_private_addresses_are_refused_when_not_allowed(receiver, settings):
    row = NotificationFactory(target=TargetFactory(url=receiver.url), due_at=NOW)
    settings.NOTIFICATIONS_ALLOW_PRIVATE_URLS = False

    dispatch_due(now=NOW)

    row.refresh_from_db()
    assert row.status == Status.FAILED
    assert row.last_error == "The host 127.0.0.1 resolves to a private or local address (127.0.0.1)."
    assert receiver.requests == []


def test_an_inactive_target_is_skipped(receiver):
    row = NotificationFactory(target=TargetFactory(url=receiver.url, is_active=False), due_at=NOW)

    dispatch_due(now=NOW)

    row.refresh_from_db()
    assert (row.status, row.last_error) == (Status.SKIPPED, "The target is inactive.")
    assert receiver.requests == []


def test_a_cancelled_row_is_not_sent(receiver):
    row = NotificationFactory(target=TargetFactory(url=receiver.url), due_at=NOW, status=Status.CANCELLED)

    assert dispatch_due(now=NOW).claimed == 0
    assert receiver.requests == []
    row.refresh_from_db()
    assert row.status == Status.CANCELLED


def test_an_expired_lease_is_recovered_and_sent_with_the_same_id(receiver):
    """A dispatcher died after claiming (and perhaps sending): once the lease runs out another one sends again."""
    row = NotificationFactory(
        target=TargetFactory(url=receiver.url), due_at=NOW, status=Status.SENDING, attempts=1,
        lease_until=NOW + timedelta(minutes=5),
    )  # fmt: skip

    assert dispatch_due(now=NOW + timedelta(minutes=4)).claimed == 0
    assert dispatch_due(now=NOW + timedelta(minutes=5)).sent == 1

    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.SENT, 2)
    assert receiver.requests[0].headers["x-notification-id"] == str(row.uuid)


def test_backoff_grows_exponentially_with_jitter_and_a_cap(settings):
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 30
    settings.NOTIFICATIONS_RETRY_MAX_SECONDS = 600

    class Fixed:
        def __init__(self, value):
            self.value = value

        def random(self):
            return self.value

    assert [backoff(n, rng=Fixed(0)).total_seconds() for n in range(1, 7)] == [30, 60, 120, 240, 480, 600]
    assert backoff(1, rng=Fixed(0.999)).total_seconds() == pytest.approx(44.985)
