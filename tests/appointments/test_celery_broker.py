"""A real round trip through the Celery broker (ARCHITECTURE.md "Tests": `broker`).

The project's own app (`config.celery_app`) runs an embedded worker in a thread of this process
(`celery.contrib.testing.worker.start_worker`), consuming from the broker in CELERY_BROKER_URL. The task is
published to the broker, executed by that worker against the committed test database, and its return value comes
back through a result backend: the same Redis as the broker (or, over AMQP, an in-process memory cache).

The worker thread opens its own database connection, so the test commits (`transaction=True`); that works on
PostgreSQL and on the default SQLite test database alike (Django shares the in-memory one between threads).
"""

from __future__ import annotations

from datetime import timedelta

import celery.contrib.testing.tasks  # noqa: F401  (registers celery.ping, which start_worker's ping check runs)
import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.utils import timezone

from appointments.enums import AppointmentStatus
from appointments.models import AppointmentEvent
from appointments.tasks import mark_no_shows_task
from config import celery_app
from tests.factories import AppointmentFactory

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]

RESULT_TIMEOUT = 20
OVERRIDES = ("result_backend", "worker_hijack_root_logger")


def _forget_backend(app) -> None:
    """Celery caches its result backend object (per thread unless thread-safe); drop it so conf is read again."""
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)


@pytest.fixture
def worker():
    """An embedded worker of the project's app, with a result backend that works across threads."""
    broker = settings.CELERY_BROKER_URL
    saved = {name: celery_app.conf[name] for name in OVERRIDES}
    celery_app.conf.update(
        # Results go back through the broker's Redis; over AMQP, through the process-wide memory cache, which the
        # worker thread shares (so an AMQP-only CI needs no second service).
        result_backend=broker if broker.startswith("redis://") else "cache+memory://",
        # Leave pytest's and the project's logging handlers alone.
        worker_hijack_root_logger=False,
    )
    _forget_backend(celery_app)
    # A message left over from an interrupted run would otherwise be consumed first.
    celery_app.control.purge()
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=True, shutdown_timeout=10) as running:
            yield running
    finally:
        celery_app.conf.update(saved)
        _forget_backend(celery_app)


def test_mark_no_shows_runs_on_a_real_worker_through_the_broker(worker):
    assert celery_app.conf.task_always_eager is False
    ended = timezone.now() - timedelta(days=30)
    appointment = AppointmentFactory(
        status=AppointmentStatus.CONFIRMED, scheduled_start_at=ended - timedelta(minutes=30)
    )
    assert appointment.scheduled_end_at == ended

    result = mark_no_shows_task.delay()

    assert result.get(timeout=RESULT_TIMEOUT) == 1
    assert result.successful()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.NO_SHOW
    assert appointment.no_show_at is not None
    event = AppointmentEvent.objects.get(appointment=appointment, kind=AppointmentEvent.Kind.STATUS)
    assert (event.actor, event.from_status, event.to_status) == ("system", "confirmed", "no_show")
    result.forget()
