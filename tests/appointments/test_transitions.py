"""The one transition helper (appointments/services/transitions.py) that every state machine moves through."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction

from appointments.enums import AppointmentStatus, OfferStatus, QueueStatus, WaitlistStatus
from appointments.models import AppointmentEvent, QueueEvent, WaitlistEvent, WaitlistOffer
from appointments.services.lifecycle import APPOINTMENT
from appointments.services.offers import OFFER
from appointments.services.queue import QUEUE_ENTRY
from appointments.services.transitions import TransitionNotAllowed
from appointments.services.waitlist import WAITLIST_ENTRY
from core.errors import Forbidden, NotFound
from tests.appointments.factories import QueueEntryFactory, WaitlistEntryFactory
from tests.factories import AppointmentFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 6, 16, 0, 0, tzinfo=UTC)
MACHINES = {
    "appointment": (APPOINTMENT, AppointmentStatus),
    "queue entry": (QUEUE_ENTRY, QueueStatus),
    "waitlist entry": (WAITLIST_ENTRY, WaitlistStatus),
    "waitlist offer": (OFFER, OfferStatus),
}


def offer_row(status=OfferStatus.OPEN) -> WaitlistOffer:
    entry = WaitlistEntryFactory()
    return WaitlistOffer.objects.create(
        entry=entry, definition=entry.definition, location=entry.location, start_at=NOW, end_at=NOW,
        occupancy_start=NOW, occupancy_end=NOW, offered_at=NOW, expires_at=NOW + timedelta(minutes=30), status=status,
    )  # fmt: skip


@pytest.mark.parametrize("name", sorted(MACHINES))
def test_every_move_outside_the_table_is_refused_with_the_one_error(name):
    machine, statuses = MACHINES[name]
    checked = 0
    for current in statuses.values:
        for to in statuses.values:
            if to == current:
                continue  # a no-op: the services return before checking
            if to in machine.allowed.get(current, ()):
                machine.check(current, to)  # allowed: no error
                continue
            with pytest.raises(TransitionNotAllowed) as refused:
                machine.check(current, to)
            assert refused.value.code == "transition_not_allowed"
            moves = sorted(machine.allowed.get(current, ()))
            hint = f"allowed: {', '.join(moves)}" if moves else f"{current} is final"
            assert refused.value.errors == {"status": [f"Cannot move from {current} to {to} ({hint})."]}
            checked += 1
    assert checked > 0


@pytest.mark.parametrize("name", sorted(MACHINES))
def test_a_final_status_has_no_moves_and_every_move_leads_to_a_status_of_the_machine(name):
    machine, statuses = MACHINES[name]
    for current, moves in machine.allowed.items():
        assert current in statuses.values
        assert moves and moves <= set(statuses.values), current


@pytest.mark.parametrize("name", ["appointment", "queue entry", "waitlist entry"])
def test_a_customer_makes_only_the_customer_moves(name):
    machine, _ = MACHINES[name]
    for current, moves in machine.allowed.items():
        for to in moves - machine.customer_moves:
            with pytest.raises(Forbidden, match=f"Only staff can move an? {name} to {to}."):
                machine.check(current, to, customer=True)
        for to in moves & machine.customer_moves:
            machine.check(current, to, customer=True)


@pytest.mark.parametrize("name", sorted(MACHINES))
def test_locking_a_missing_row_is_a_404_naming_the_machine(name):
    machine, _ = MACHINES[name]
    with transaction.atomic(), pytest.raises(NotFound, match=f"^{name.capitalize()} not found.$"):
        machine.lock(987654)


def test_a_move_writes_status_stamps_and_exactly_one_history_row():
    appointment = AppointmentFactory(status=AppointmentStatus.REQUESTED)

    before = APPOINTMENT.move(appointment, AppointmentStatus.CONFIRMED, actor="user:7", reason="ok", now=NOW)

    appointment.refresh_from_db()
    assert before == AppointmentStatus.REQUESTED
    assert (appointment.status, appointment.confirmed_at, appointment.approved_at, appointment.approved_by) == (
        AppointmentStatus.CONFIRMED, NOW, NOW, "user:7",
    )  # fmt: skip
    events = list(AppointmentEvent.objects.filter(appointment=appointment).values_list(
        "kind", "actor", "from_status", "to_status", "reason", "at"))  # fmt: skip
    assert events == [("status", "user:7", "requested", "confirmed", "ok", NOW)]


def test_each_machine_records_its_history_in_its_own_table():
    entry = QueueEntryFactory(status=QueueStatus.WAITING)
    QUEUE_ENTRY.move(entry, QueueStatus.CALLED, actor="user:1", now=NOW)
    waiting = WaitlistEntryFactory(status=WaitlistStatus.ACTIVE)
    WAITLIST_ENTRY.move(waiting, WaitlistStatus.CANCELLED, actor="user:1", now=NOW)
    offer = offer_row()
    OFFER.move(offer, OfferStatus.DECLINED, actor="user:1", now=NOW)

    assert list(QueueEvent.objects.filter(entry=entry).values_list("from_status", "to_status")) == [
        ("waiting", "called")
    ]
    assert list(WaitlistEvent.objects.filter(entry=waiting).values_list("kind", "from_status", "to_status")) == [
        ("status", "active", "cancelled")
    ]
    assert list(WaitlistEvent.objects.filter(entry=offer.entry).values_list("kind", "data")) == [
        ("declined", {"offer_id": offer.pk})
    ]
    offer.refresh_from_db()
    assert (offer.status, offer.closed_at) == (OfferStatus.DECLINED, NOW)


def test_a_move_without_its_record_writes_no_history_row():
    offer = offer_row()

    OFFER.move(offer, OfferStatus.CLAIMED, actor="user:1", now=NOW, record=False)

    assert WaitlistEvent.objects.filter(entry=offer.entry).count() == 0
    offer.refresh_from_db()
    assert offer.status == OfferStatus.CLAIMED


def test_the_move_is_logged_after_the_commit_and_not_after_a_rollback(caplog, django_capture_on_commit_callbacks):
    kept = AppointmentFactory(status=AppointmentStatus.CONFIRMED)
    undone = AppointmentFactory(status=AppointmentStatus.CONFIRMED)
    caplog.set_level(logging.INFO, logger="appointments.transitions")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            APPOINTMENT.move(kept, AppointmentStatus.CANCELLED, actor="user:1", now=NOW)
        with pytest.raises(RuntimeError), transaction.atomic():
            APPOINTMENT.move(undone, AppointmentStatus.CANCELLED, actor="user:1", now=NOW)
            raise RuntimeError("rolled back")

    assert len(callbacks) == 1
    assert [r.getMessage() for r in caplog.records] == [f"appointment {kept.pk} moved confirmed -> cancelled"]
    undone.refresh_from_db()
    assert undone.status == AppointmentStatus.CONFIRMED
    assert not AppointmentEvent.objects.filter(appointment=undone).exists()
