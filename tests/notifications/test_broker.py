"""End to end through a real broker: celery beat ticks, the worker dispatches, the webhook arrives.

A real Celery worker (embedded thread, `start_worker`) and a real beat (`celery.beat.Service` in a thread with the
django-celery-beat database scheduler) run against CELERY_BROKER_URL and the committed test database. Nothing but
the beat tick enqueues the dispatcher in the first test. The second shows a broker outage at booking time loses
nothing: the booking commits, the enqueue fails quietly, and the row is delivered when the dispatcher next runs.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, time, timedelta

import celery.contrib.testing.tasks  # noqa: F401  (registers celery.ping for start_worker's ping check)
import pytest
from celery.beat import Service
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from appointments.services.booking import BookingRequest, appointment_book
from config import celery_app
from notifications.enums import Status
from notifications.models import Notification
from tests.factories import DefinitionFactory, DefinitionLocationFactory, LocationFactory, ProfileFactory
from tests.notifications.factories import NotificationFactory, TargetFactory

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]

WAIT = 30


def _reset_connections(app) -> None:
    """Drop the app's cached broker connections so a changed broker_url is used."""
    app._pool = None
    app.amqp._producer_pool = None


def _forget_backend(app) -> None:
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)


@pytest.fixture
def worker():
    """An embedded worker of the project's app (results through the broker's Redis, for the ping check)."""
    broker = settings.CELERY_BROKER_URL
    saved = {name: celery_app.conf[name] for name in ("result_backend", "worker_hijack_root_logger")}
    celery_app.conf.update(
        result_backend=broker if broker.startswith("redis://") else "cache+memory://", worker_hijack_root_logger=False
    )
    _forget_backend(celery_app)
    celery_app.control.purge()
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=True, shutdown_timeout=10) as running:
            yield running
    finally:
        celery_app.conf.update(saved)
        _forget_backend(celery_app)


@pytest.fixture
def beat():
    every, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(name="dispatch notifications (test)", task="notifications.dispatch", interval=every)
    service = Service(celery_app, max_interval=1, scheduler_cls="django_celery_beat.schedulers:DatabaseScheduler")

    def run():
        try:
            service.start()
        finally:
            connections.close_all()  # this thread's connection, so the test database can be dropped

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    yield service
    service.stop()
    thread.join(10)


def test_beat_and_worker_deliver_a_due_notification(receiver, worker, beat):
    row = NotificationFactory(target=TargetFactory(url=receiver.url), due_at=timezone.now() - timedelta(seconds=1))

    assert receiver.received.wait(WAIT), "the webhook never arrived"

    assert receiver.requests[0].headers["x-notification-id"] == str(row.uuid)
    for _ in range(WAIT * 10):  # the worker records the outcome just after the receiver answered
        row.refresh_from_db()
        if row.status == Status.SENT:
            break
        receiver.release.wait(0.1)
    assert (row.status, row.attempts) == (Status.SENT, 1)


def test_booking_survives_a_broker_outage_and_the_notification_goes_later(receiver, monkeypatch):
    target = TargetFactory(url=receiver.url)
    location = LocationFactory()
    definition = DefinitionFactory(created_target=target)
    DefinitionLocationFactory(definition=definition, location=location)
    day = timezone.now().astimezone(location.timezone).date() + timedelta(days=2)
    start = datetime.combine(day, time(10), tzinfo=location.timezone).astimezone(UTC)
    saved = celery_app.conf.broker_url
    # Celery reads the CELERY_BROKER_URL environment variable before its configuration: both must change.
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens there
    _reset_connections(celery_app)
    try:
        appointment = appointment_book(
            BookingRequest(definition_id=definition.pk, profile_id=str(ProfileFactory().pk), location_id=location.pk,
                           start=start),
            actor="token:1",
        )  # fmt: skip
    finally:
        monkeypatch.undo()
        celery_app.conf.broker_url = saved
        _reset_connections(celery_app)

    row = Notification.objects.get(subject_id=str(appointment.pk))
    assert row.status == Status.PENDING
    assert receiver.requests == []

    call_command("dispatch_notifications")

    row.refresh_from_db()
    assert row.status == Status.SENT
    assert [r.headers["x-notification-id"] for r in receiver.requests] == [str(row.uuid)]


def test_a_booking_nudges_the_worker_after_commit_without_waiting_for_beat(receiver, worker):
    target = TargetFactory(url=receiver.url)
    location = LocationFactory()
    definition = DefinitionFactory(confirmed_target=target)
    DefinitionLocationFactory(definition=definition, location=location)
    day = timezone.now().astimezone(location.timezone).date() + timedelta(days=2)
    start = datetime.combine(day, time(10), tzinfo=location.timezone).astimezone(UTC)

    appointment = appointment_book(
        BookingRequest(definition_id=definition.pk, profile_id=str(ProfileFactory().pk), location_id=location.pk,
                       start=start),
        actor="token:1",
    )  # fmt: skip

    assert receiver.received.wait(WAIT), "the after-commit nudge never reached the worker"
    row = Notification.objects.get(subject_id=str(appointment.pk), event="confirmed")
    assert receiver.requests[0].headers["x-notification-id"] == str(row.uuid)
    assert not PeriodicTask.objects.exists()
