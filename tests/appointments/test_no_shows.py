"""Marking no-shows: the `mark_no_shows` command, its Celery task, and the beat schedule that runs it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from appointments.models import Appointment, AppointmentEvent
from appointments.tasks import mark_no_shows_task
from tests.factories import AppointmentFactory, DefinitionFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 6, 16, 6, 0, tzinfo=UTC)


def starting(minutes_ago: int, status: str = "confirmed", **kwargs) -> Appointment:
    """A 30-minute appointment that started `minutes_ago` minutes before NOW (negative: still to come)."""
    return AppointmentFactory(definition=DefinitionFactory(duration_minutes=30), status=status,
                              scheduled_start_at=NOW - timedelta(minutes=minutes_ago), **kwargs)  # fmt: skip


def run(*args) -> str:
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("mark_no_shows", *args, stdout=out)
    return out.getvalue()


def statuses(*appointments) -> list[str]:
    return [Appointment.objects.get(pk=a.pk).status for a in appointments]


@pytest.fixture
def board(settings):
    settings.NO_SHOW_GRACE_MINUTES = 30
    return {
        "late": starting(120),
        "due": starting(30),  # start + grace == now: due
        "almost": starting(29),
        "upcoming": starting(-60),
        "requested": starting(120, status="requested"),
        "arrived": starting(120, status="arrived"),
        "cancelled": starting(120, status="cancelled"),
        "completed": starting(120, status="completed"),
    }


def test_marks_confirmed_appointments_past_start_plus_grace(board):
    output = run()

    late, due = board["late"], board["due"]
    assert output == f"2 appointment(s) marked no_show: [{late.pk}, {due.pk}]\n"
    assert statuses(*board.values()) == ["no_show", "no_show", "confirmed", "confirmed", "requested", "arrived",
                                         "cancelled", "completed"]  # fmt: skip
    for appointment in (late, due):
        appointment.refresh_from_db()
        assert appointment.no_show_at == NOW
    events = list(AppointmentEvent.objects.order_by("id").values_list(
        "appointment_id", "kind", "actor", "from_status", "to_status", "reason", "at"))  # fmt: skip
    assert events == [
        (late.pk, "status", "system", "confirmed", "no_show", "Not arrived 30 minutes after the start.", NOW),
        (due.pk, "status", "system", "confirmed", "no_show", "Not arrived 30 minutes after the start.", NOW),
    ]


def test_running_again_changes_nothing(board):
    run()

    assert run() == "0 appointment(s) marked no_show\n"
    assert AppointmentEvent.objects.count() == 2


def test_a_grace_option_shorter_than_the_setting_is_raised_to_it(board):
    # The transition service refuses a no_show before start + NO_SHOW_GRACE_MINUTES, whoever asks.
    output = run("--grace", "0")

    assert output == f"2 appointment(s) marked no_show: [{board['late'].pk}, {board['due'].pk}]\n"
    assert statuses(board["almost"], board["upcoming"]) == ["confirmed", "confirmed"]
    assert set(AppointmentEvent.objects.values_list("reason", flat=True)) == {"Not arrived 30 minutes after the start."}


def test_a_longer_grace_leaves_recent_ones(board):
    output = run("--grace", "90")

    assert output == f"1 appointment(s) marked no_show: [{board['late'].pk}]\n"
    assert statuses(board["late"], board["due"]) == ["no_show", "confirmed"]


def test_default_grace_comes_from_the_setting(settings):
    settings.NO_SHOW_GRACE_MINUTES = 15
    fifteen, fourteen = starting(15), starting(14)

    run()

    assert statuses(fifteen, fourteen) == ["no_show", "confirmed"]


def test_celery_task_returns_the_count(board):
    assert mark_no_shows_task.name == "appointments.mark_no_shows"
    with time_machine.travel(NOW, tick=False):
        assert mark_no_shows_task() == 2
        assert mark_no_shows_task() == 0
    assert statuses(board["late"], board["due"], board["almost"]) == ["no_show", "no_show", "confirmed"]
    assert set(AppointmentEvent.objects.values_list("actor", flat=True)) == {"system"}


def test_setup_periodic_tasks_creates_the_no_show_task_idempotently():
    out = StringIO()
    call_command("setup_periodic_tasks", stdout=out)

    task = PeriodicTask.objects.get(name="mark no-shows")
    assert (task.task, task.enabled) == ("appointments.mark_no_shows", True)
    assert (task.interval.every, task.interval.period) == (300, IntervalSchedule.SECONDS)
    assert "mark no-shows: appointments.mark_no_shows every 300s" in out.getvalue()

    # Running it again (as every deploy does) keeps one task and re-enables it if someone switched it off.
    task.enabled = False
    task.save()
    call_command("setup_periodic_tasks", stdout=StringIO())

    assert PeriodicTask.objects.filter(task="appointments.mark_no_shows").count() == 1
    assert PeriodicTask.objects.get(name="mark no-shows").enabled is True
    assert IntervalSchedule.objects.filter(every=300, period=IntervalSchedule.SECONDS).count() == 1
