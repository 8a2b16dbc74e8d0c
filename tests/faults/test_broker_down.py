"""The broker is down (nothing listens: connection refused) or frozen (a SIGSTOPped redis-server: it accepts the
connection and never answers) while a booking comes in through the API. The booking commits and answers 201 without
hanging (settings: one connection attempt, BROKER_TIMEOUT_SECONDS on every Redis socket operation), the outbox row
waits, and once the broker is back a real worker delivers the notification to the local webhook exactly once.

The broker is a private redis-server started by the test (tests/faults/conftest.py), never the machine's shared one;
the frozen RabbitMQ is a port that accepts connections and never answers, which is what a client sees of one.
"""

from __future__ import annotations

import logging
import socket
import threading
from concurrent.futures import ThreadPoolExecutor

import celery.contrib.testing.tasks  # noqa: F401  (registers celery.ping for start_worker's ping check)
import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from appointments.enums import BookingType
from config import celery_app
from notifications.enums import Status
from notifications.models import DeliveryAttempt, Notification
from notifications.services.scheduling import enqueue_dispatch
from tests.factories import ProfileFactory
from tests.faults.conftest import make_bookable

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]

URL = "/api/v3/appointments"
# Not a performance bound: only what turns a hang into a failure instead of a stuck CI run.
HANG_GUARD = 30
WAIT = 30
OVERRIDES = ("broker_url", "result_backend", "worker_hijack_root_logger")


def _reset(app) -> None:
    """Drop the app's cached broker connections and result backend so the changed configuration is used."""
    app._pool = None
    app.amqp._producer_pool = None
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)


@pytest.fixture
def private_broker(redis_server, monkeypatch):
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.skip("the broker timeouts checked here are the Redis transport's (CELERY_BROKER_URL=redis://...)")
    # Celery reads the CELERY_BROKER_URL environment variable before its configuration: both must change.
    monkeypatch.setenv("CELERY_BROKER_URL", redis_server.url)
    saved = {name: celery_app.conf[name] for name in OVERRIDES}
    celery_app.conf.update(
        broker_url=redis_server.url, result_backend=redis_server.url, worker_hijack_root_logger=False
    )
    _reset(celery_app)
    yield redis_server
    celery_app.conf.update(saved)
    _reset(celery_app)


def post_guarded(client, body: dict):
    """POST from another thread (its own database connection) so that a hang fails the test instead of CI."""

    def post():
        try:
            return client.post(URL, body, format="json")
        finally:
            connection.close()

    pool = ThreadPoolExecutor(1)
    try:
        return pool.submit(post).result(timeout=HANG_GUARD)
    finally:
        pool.shutdown(wait=False)  # a hung thread is released when the fixture thaws and stops the broker


@pytest.mark.parametrize("fault", ["down", "frozen"])
def test_booking_succeeds_while_the_broker_is_out_and_the_notification_goes_out_once_later(
    api, receiver, private_broker, caplog, fault
):
    bookable = make_bookable(receiver.url, booking_type=BookingType.APPROVAL_REQUIRED)
    if fault == "down":
        private_broker.kill()
    else:
        private_broker.freeze()

    with caplog.at_level(logging.WARNING, logger="notifications"):
        response = post_guarded(api, bookable.body(ProfileFactory()))

    assert response.status_code == 201, response.content
    assert [r.getMessage() for r in caplog.records if r.name == "notifications"] == [
        "could not enqueue the notification dispatcher; the periodic task will deliver"
    ]
    row = Notification.objects.get()
    assert (row.subject_id, row.event, row.status, row.attempts) == (
        str(response.json()["data"]["id"]), "created", Status.PENDING, 0,
    )  # fmt: skip
    assert receiver.requests == []

    if fault == "down":
        private_broker.start()
    else:
        private_broker.thaw()
    with start_worker(celery_app, pool="solo", perform_ping_check=True, shutdown_timeout=10):
        enqueue_dispatch()  # what the next beat tick does
        assert receiver.received.wait(WAIT), "the webhook never arrived"
        for _ in range(WAIT * 10):  # the worker records the outcome just after the receiver answered
            row.refresh_from_db()
            if row.status == Status.SENT:
                break
            receiver.release.wait(0.1)
    call_command("dispatch_notifications")  # a later run finds nothing left to send

    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.SENT, 1)
    assert [r.headers["x-notification-id"] for r in receiver.requests] == [str(row.uuid)]
    assert DeliveryAttempt.objects.filter(notification=row, ok=True).count() == 1
    assert Notification.objects.count() == 1


@pytest.fixture
def silent_amqp(monkeypatch):
    """A RabbitMQ that froze: the port accepts connections and never says a word (no AMQP handshake)."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stopping = threading.Event()

    def accept():
        while not stopping.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    url = f"amqp://guest:guest@127.0.0.1:{listener.getsockname()[1]}//"
    monkeypatch.setenv("CELERY_BROKER_URL", url)
    saved = {name: celery_app.conf[name] for name in ("broker_url", "broker_transport_options")}
    # What config/settings.py gives an amqp:// URL (tests/config/test_settings.py checks that mapping).
    timeout = celery_app.conf.broker_connection_timeout
    options = {"max_retries": 0, "read_timeout": timeout, "write_timeout": timeout}
    celery_app.conf.update(broker_url=url, broker_transport_options=options)
    _reset(celery_app)
    yield held
    stopping.set()
    listener.close()
    for connection_ in held:
        connection_.close()
    celery_app.conf.update(saved)
    _reset(celery_app)


@pytest.mark.django_db(transaction=True)
def test_booking_succeeds_while_rabbitmq_is_frozen(api, receiver, silent_amqp, caplog):
    bookable = make_bookable(receiver.url, booking_type=BookingType.APPROVAL_REQUIRED)

    with caplog.at_level(logging.WARNING, logger="notifications"):
        response = post_guarded(api, bookable.body(ProfileFactory()))

    assert response.status_code == 201, response.content
    assert silent_amqp, "the booking never tried the broker"
    assert [r.getMessage() for r in caplog.records if r.name == "notifications"] == [
        "could not enqueue the notification dispatcher; the periodic task will deliver"
    ]
    row = Notification.objects.get()
    assert (row.status, row.attempts) == (Status.PENDING, 0)

    call_command("dispatch_notifications")  # what the next beat tick does, broker or not

    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.SENT, 1)
    assert [r.headers["x-notification-id"] for r in receiver.requests] == [str(row.uuid)]
