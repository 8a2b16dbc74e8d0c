"""The walk-in queue (DOMAIN.md "Walk-in queue"): moves, positions, estimated waits, conversion, one visit."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appointments.models import Appointment, QueueEntry, QueueEvent
from appointments.selectors.queue import queue_entries, queue_figures
from appointments.services.queue import queue_convert, queue_join, queue_transition
from core.errors import DomainError
from directory.enums import DayOfWeek
from tests.appointments.factories import QueueEntryFactory
from tests.factories import (
    DefinitionFactory,
    DefinitionLocationFactory,
    LocationFactory,
    ProfileFactory,
    ProfileNormalHourFactory,
    StaffAssignmentFactory,
)
from visits.models import Visit

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 6, 16, 0, 0, tzinfo=UTC)  # Monday 10:00 in Melbourne
STATUSES = ("waiting", "called", "served", "cancelled")
ALLOWED = {("waiting", "called"), ("called", "served"), ("waiting", "cancelled"), ("called", "cancelled"),
           ("called", "waiting")}  # fmt: skip
REFUSED = [(a, b) for a in STATUSES for b in STATUSES if a != b and (a, b) not in ALLOWED]


@pytest.fixture
def walk_in():
    location = LocationFactory(timezone="Australia/Melbourne")
    definition = DefinitionFactory(allow_walk_in=True, allow_queue=True, duration_minutes=20)
    DefinitionLocationFactory(definition=definition, location=location)
    return definition, location


def join(definition, location, at: datetime, profile=None) -> QueueEntry:
    return queue_join(definition_id=definition.pk, location_id=location.pk, profile_id=profile and profile.pk,
                      actor="token:1", now=at)  # fmt: skip


def figures(now=NOW) -> dict[int, tuple]:
    entries = list(queue_entries())
    return {pk: (f.position, f.estimated_wait_minutes) for pk, f in queue_figures(entries, now=now).items()}


@pytest.mark.parametrize(("before", "after"), sorted(ALLOWED))
def test_allowed_moves_stamp_and_write_an_event(walk_in, before, after):
    definition, location = walk_in
    entry = QueueEntryFactory(definition=definition, location=location, status=before,
                              called_at=NOW if before == "called" else None)  # fmt: skip

    moved = queue_transition(entry_id=entry.pk, to=after, actor="user:7", reason="why", now=NOW + timedelta(minutes=5))

    assert moved.status == after
    event = QueueEvent.objects.get(entry=entry)
    assert (event.actor, event.from_status, event.to_status, event.reason) == ("user:7", before, after, "why")
    stamp = {"called": "called_at", "served": "served_at", "cancelled": "cancelled_at"}.get(after)
    entry.refresh_from_db()
    if stamp:
        assert getattr(entry, stamp) == NOW + timedelta(minutes=5)
    else:
        assert entry.called_at is None  # returned to the queue


@pytest.mark.parametrize(("before", "after"), REFUSED)
def test_refused_moves_are_422_on_status_naming_the_allowed_ones(walk_in, before, after):
    definition, location = walk_in
    entry = QueueEntryFactory(definition=definition, location=location, status=before)

    with pytest.raises(DomainError) as caught:
        queue_transition(entry_id=entry.pk, to=after, actor="user:7", now=NOW)

    assert caught.value.status == 422
    message = caught.value.errors["status"][0]
    assert message.startswith(f"Cannot move from {before} to {after}")
    assert ("is final" in message) == (before in ("served", "cancelled"))
    entry.refresh_from_db()
    assert entry.status == before
    assert not QueueEvent.objects.filter(entry=entry).exists()


def test_joining_needs_walk_ins_and_queueing(walk_in):
    _, location = walk_in
    for flags in ({"allow_walk_in": True, "allow_queue": False}, {"allow_walk_in": False, "allow_queue": True}):
        definition = DefinitionFactory(**flags)
        DefinitionLocationFactory(definition=definition, location=location)
        with pytest.raises(DomainError) as caught:
            join(definition, location, NOW)
        assert list(caught.value.errors) == ["appointment_definition_id"]
    assert QueueEntry.objects.count() == 0


def test_positions_and_waits_as_entries_come_are_called_served_and_cancelled(walk_in):
    definition, location = walk_in
    a = join(definition, location, NOW)
    b = join(definition, location, NOW + timedelta(minutes=1), ProfileFactory())
    c = join(definition, location, NOW + timedelta(minutes=2))
    # No history, no staff on shift: duration 20 per person ahead, one server.
    assert figures() == {a.pk: (1, 20), b.pk: (2, 40), c.pk: (3, 60)}

    queue_transition(entry_id=a.pk, to="called", actor="user:1", now=NOW + timedelta(minutes=3))
    assert figures() == {a.pk: (None, None), b.pk: (1, 20), c.pk: (2, 40)}

    # a took 8 minutes: one service is not enough history, so the duration still counts (issue 19, finding 1).
    queue_transition(entry_id=a.pk, to="served", actor="user:1", now=NOW + timedelta(minutes=11))
    assert figures() == {a.pk: (None, None), b.pk: (1, 20), c.pk: (2, 40)}

    queue_transition(entry_id=b.pk, to="cancelled", actor="user:1", now=NOW + timedelta(minutes=12))
    assert figures()[c.pk] == (1, 20)

    # Returned to the queue keeps its place.
    queue_transition(entry_id=c.pk, to="called", actor="user:1", now=NOW + timedelta(minutes=13))
    d = join(definition, location, NOW + timedelta(minutes=14))
    assert figures()[d.pk] == (1, 20)
    queue_transition(entry_id=c.pk, to="waiting", actor="user:1", now=NOW + timedelta(minutes=15))
    assert figures()[c.pk] == (1, 20)
    assert figures()[d.pk] == (2, 40)


def served(definition, location, minutes: float, at: datetime) -> QueueEntry:
    return QueueEntryFactory(definition=definition, location=location, status="served",
                             called_at=at - timedelta(minutes=minutes), served_at=at)  # fmt: skip


@pytest.mark.parametrize(
    ("history", "expected"),
    [
        # Fewer than QUEUE_SERVICE_MIN_SAMPLE (5) services: the duration (20).
        ([12, 12, 12, 12], [(1, 20), (2, 40), (3, 60)]),
        # Five plausible services: their median (12); anyone not first still waits at least the duration.
        ([10, 12, 12, 14, 30], [(1, 12), (2, 24), (3, 36)]),
        ([8, 9, 10, 10, 11], [(1, 10), (2, 20), (3, 30)]),
        # Mis-clicks (seconds) and a forgotten "served" (hours) are ignored: only four plausible ones remain.
        ([0.03, 0.05, 12, 12, 12, 12, 600], [(1, 20), (2, 40), (3, 60)]),
        # With a fifth plausible one the median of the plausible ones counts, untouched by the outliers.
        ([0.03, 0.05, 6, 6, 6, 6, 6, 600, 600], [(1, 6), (2, 20), (3, 20)]),
        # Slower than the duration: the median raises the estimate, and the floor is one whole service.
        ([30, 30, 30, 30, 30], [(1, 30), (2, 60), (3, 90)]),
    ],
)
def test_learned_service_times_need_a_sample_use_the_median_and_never_go_below_the_duration(walk_in, history,
                                                                                          expected):  # fmt: skip
    definition, location = walk_in
    for n, minutes in enumerate(history):
        served(definition, location, minutes, NOW - timedelta(hours=1, minutes=n))
    entries = [join(definition, location, NOW + timedelta(seconds=n)) for n in range(3)]

    result = figures()

    assert [result[e.pk] for e in entries] == expected


def test_only_the_most_recent_services_are_learned_from(walk_in, settings):
    definition, location = walk_in
    settings.QUEUE_SERVICE_SAMPLE = 5
    for n in range(5):
        served(definition, location, 40, NOW - timedelta(days=1, minutes=n))  # older: slow
        served(definition, location, 30, NOW - timedelta(hours=1, minutes=n))  # the last five
    entry = join(definition, location, NOW)

    assert figures()[entry.pk] == (1, 30)


def test_wait_is_divided_by_staff_on_shift_but_at_least_one_duration_for_anyone_not_first(walk_in):
    definition, location = walk_in
    on_shift = [StaffAssignmentFactory(location=location).profile for _ in range(3)]
    ProfileNormalHourFactory(profile=on_shift[0], day_of_week=DayOfWeek.MON, available_from=time(9),
                             available_until=time(17))  # fmt: skip
    off_now = StaffAssignmentFactory(location=location).profile
    ProfileNormalHourFactory(profile=off_now, day_of_week=DayOfWeek.MON, available_from=time(14),
                             available_until=time(17))  # fmt: skip
    StaffAssignmentFactory(location=location, starts_at=NOW + timedelta(days=1))  # not started yet
    entries = [join(definition, location, NOW + timedelta(seconds=n)) for n in range(4)]

    result = figures()

    # 3 on shift: position x 20 / 3 -> 7, 14 -> 20 (floor of one duration), 20, 27.
    assert [result[e.pk] for e in entries] == [(1, 7), (2, 20), (3, 20), (4, 27)]


def test_serving_records_exactly_one_visit_and_conversion_links_both_ways(walk_in):
    definition, location = walk_in
    profile, staff = ProfileFactory(), ProfileFactory()
    entry = join(definition, location, NOW, profile)
    queue_transition(entry_id=entry.pk, to="called", actor="user:1", staff_id=staff.pk, now=NOW + timedelta(minutes=2))
    queue_transition(entry_id=entry.pk, to="served", actor="user:1", now=NOW + timedelta(minutes=12))
    queue_transition(entry_id=entry.pk, to="served", actor="user:1", now=NOW + timedelta(minutes=13))

    visit = Visit.objects.get()
    assert (visit.source, visit.queue_entry_id, visit.profile_id, visit.staff_id, visit.duration_minutes) == (
        "queue", entry.pk, profile.pk, staff.pk, 10,
    )  # fmt: skip

    appointment = queue_convert(entry_id=entry.pk, actor="user:1", now=NOW + timedelta(minutes=14))

    entry.refresh_from_db()
    assert entry.appointment_id == appointment.pk
    assert Appointment.objects.get(pk=appointment.pk).queue_entry.pk == entry.pk
    assert (appointment.status, appointment.profile_id, appointment.assigned_staff_id) == (
        "completed", profile.pk, staff.pk,
    )  # fmt: skip
    assert (appointment.scheduled_start_at, appointment.completed_at) == (
        NOW + timedelta(minutes=2), NOW + timedelta(minutes=12),
    )  # fmt: skip
    visit.refresh_from_db()
    assert visit.appointment_id == appointment.pk
    with pytest.raises(DomainError) as caught:
        queue_convert(entry_id=entry.pk, actor="user:1", now=NOW)
    assert caught.value.status == 409


@pytest.mark.parametrize("status", ["waiting", "called", "cancelled"])
def test_only_served_entries_convert(walk_in, status):
    definition, location = walk_in
    entry = QueueEntryFactory(definition=definition, location=location, status=status, profile=ProfileFactory())
    with pytest.raises(DomainError) as caught:
        queue_convert(entry_id=entry.pk, actor="user:1", now=NOW)
    assert (caught.value.status, list(caught.value.errors)) == (422, ["status"])
    assert Appointment.objects.count() == 0


def test_anonymous_walk_ins_cannot_convert(walk_in):
    definition, location = walk_in
    entry = QueueEntryFactory(definition=definition, location=location, status="served", called_at=NOW, served_at=NOW)
    with pytest.raises(DomainError) as caught:
        queue_convert(entry_id=entry.pk, actor="user:1", now=NOW)
    assert list(caught.value.errors) == ["profile_id"]


def test_figures_use_the_clock_of_the_request():
    with time_machine.travel(NOW, tick=False):
        entry = QueueEntryFactory()
        assert queue_figures([queue_entries().get(pk=entry.pk)], now=NOW)[entry.pk].position == 1


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["join", "call", "serve", "cancel", "return"]), st.integers(0, 9)),
                max_size=10))  # fmt: skip
def test_positions_are_always_1_to_n_in_join_order_among_waiting(walk_in, steps):
    definition, location = walk_in
    QueueEntry.objects.all().delete()
    clock = NOW
    for move, pick in steps:
        clock += timedelta(minutes=1)
        entries = list(QueueEntry.objects.order_by("created_at", "id"))
        if move == "join" or not entries:
            join(definition, location, clock)
            continue
        entry = entries[pick % len(entries)]
        to = {"call": "called", "serve": "served", "cancel": "cancelled", "return": "waiting"}[move]
        with contextlib.suppress(DomainError):  # refused moves are part of the mix
            queue_transition(entry_id=entry.pk, to=to, actor="h", now=clock)

    waiting = list(QueueEntry.objects.filter(status="waiting").order_by("created_at", "id"))
    result = figures(now=clock)
    assert [result[entry.pk][0] for entry in waiting] == list(range(1, len(waiting) + 1))
    assert all(result[e.pk] == (None, None) for e in QueueEntry.objects.exclude(status="waiting"))
    waits = [result[entry.pk][1] for entry in waiting]
    assert waits == sorted(waits)
