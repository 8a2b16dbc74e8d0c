"""The lifecycle at the service level (DOMAIN.md "Appointment lifecycle"): every allowed and refused move, the
timestamps and actors, the audit events, and rescheduling.

Times are at a Melbourne location (UTC+10 in June) on Monday 2025-06-16; `now` is passed explicitly.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from appointments.models import Appointment, AppointmentEvent
from appointments.services.lifecycle import appointment_reschedule, appointment_transition, appointment_update
from core.errors import DomainError
from tests.factories import (
    AppointmentFactory,
    DefinitionFactory,
    DefinitionLocationFactory,
    DefinitionNormalHourFactory,
    LocationFactory,
    LocationNormalHourFactory,
    ProfileFactory,
    StaffAssignmentFactory,
)

pytestmark = pytest.mark.django_db

MELBOURNE = ZoneInfo("Australia/Melbourne")
DAY = date(2025, 6, 16)  # a Monday
NOW = datetime(2025, 6, 9, 0, 0, tzinfo=UTC)
LATER = datetime(2025, 6, 10, 3, 4, 5, tzinfo=UTC)
STATUSES = ("requested", "confirmed", "cancelled", "arrived", "completed", "no_show", "rejected")
TERMINAL = ("cancelled", "rejected", "completed", "no_show")
STAMPS = ("approved_at", "confirmed_at", "cancelled_at", "arrived_at", "completed_at", "no_show_at", "rejected_at")
BYS = ("approved_by", "cancelled_by", "rejected_by")

# The table of DOMAIN.md, written out independently of the code: (from, to) -> the timestamps and actors set.
ALLOWED = {
    ("requested", "confirmed"): {"confirmed_at", "approved_at", "approved_by"},
    ("requested", "rejected"): {"rejected_at", "rejected_by"},
    ("requested", "cancelled"): {"cancelled_at", "cancelled_by"},
    ("confirmed", "cancelled"): {"cancelled_at", "cancelled_by"},
    ("confirmed", "arrived"): {"arrived_at"},
    ("confirmed", "completed"): {"completed_at"},
    ("arrived", "completed"): {"completed_at"},
    ("confirmed", "no_show"): {"no_show_at"},
}
ALLOWED_FROM = {
    "requested": "cancelled, confirmed, rejected",
    "confirmed": "arrived, cancelled, completed, no_show",
    "arrived": "completed",
}
REFUSED = [(a, b) for a in STATUSES for b in STATUSES if a != b and (a, b) not in ALLOWED]


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=MELBOURNE).astimezone(UTC)


def snapshot(appointment: Appointment) -> dict:
    appointment.refresh_from_db()
    return {name: getattr(appointment, name) for name in ("status", *STAMPS, *BYS, "updated_at")}


def test_the_refused_list_covers_every_other_pair():
    assert len(ALLOWED) + len(REFUSED) == 7 * 6
    assert {a for a, _ in REFUSED} == set(STATUSES)
    assert all((a, b) in REFUSED for a in TERMINAL for b in STATUSES if a != b)


@pytest.mark.parametrize(("before", "after"), list(ALLOWED), ids=[f"{a}->{b}" for a, b in ALLOWED])
def test_allowed_move_stamps_its_fields_and_writes_an_event(before, after):
    # Started 20 minutes before LATER, the same local day: every time rule lets every move through.
    appointment = AppointmentFactory(status=before, scheduled_start_at=LATER - timedelta(minutes=20))
    AppointmentEvent.objects.all().delete()

    moved = appointment_transition(
        appointment_id=appointment.pk, to=after, actor="token:3", reason="Because", now=LATER
    )

    assert moved.status == after
    stored = snapshot(appointment)
    assert stored["status"] == after
    expected = {name: None for name in STAMPS} | {name: "" for name in BYS}
    for name in ALLOWED[(before, after)]:
        expected[name] = "token:3" if name.endswith("_by") else LATER
    assert {name: stored[name] for name in (*STAMPS, *BYS)} == expected
    events = list(AppointmentEvent.objects.filter(appointment=appointment).values(
        "kind", "actor", "from_status", "to_status", "reason", "at", "data"))  # fmt: skip
    assert events == [
        {"kind": "status", "actor": "token:3", "from_status": before, "to_status": after, "reason": "Because",
         "at": LATER, "data": None}
    ]  # fmt: skip


@pytest.mark.parametrize(("before", "after"), REFUSED, ids=[f"{a}->{b}" for a, b in REFUSED])
def test_refused_move_is_422_on_status_naming_the_allowed_moves(before, after):
    appointment = AppointmentFactory(status=before)
    was = snapshot(appointment)

    with pytest.raises(DomainError) as caught:
        appointment_transition(appointment_id=appointment.pk, to=after, actor="token:3", now=LATER)

    hint = f"allowed: {ALLOWED_FROM[before]}" if before in ALLOWED_FROM else f"{before} is final"
    message = f"Cannot move from {before} to {after} ({hint})."
    assert caught.value.status == 422
    assert caught.value.code == "transition_not_allowed"
    assert caught.value.errors == {"status": [message]}
    assert caught.value.message == message
    assert snapshot(appointment) == was
    assert not AppointmentEvent.objects.filter(appointment=appointment).exists()


@pytest.mark.parametrize("status", STATUSES)
def test_same_status_is_a_no_op_without_an_event(status):
    appointment = AppointmentFactory(status=status)
    was = snapshot(appointment)

    result = appointment_transition(appointment_id=appointment.pk, to=status, actor="token:3", now=LATER)

    assert result.status == status
    assert snapshot(appointment) == was
    assert not AppointmentEvent.objects.filter(appointment=appointment).exists()


@pytest.mark.parametrize("actor", ["token:12", "user:5", "profile:0b8f5c2e-3d7a-4c1e-9f60-2a9d7c3e4b11", "system"])
def test_actors_are_recorded_as_given(actor):
    requested = AppointmentFactory(status="requested")
    confirmed = AppointmentFactory(status="confirmed")
    rejected = AppointmentFactory(status="requested")

    appointment_transition(appointment_id=requested.pk, to="confirmed", actor=actor, now=LATER)
    appointment_transition(appointment_id=confirmed.pk, to="cancelled", actor=actor, now=LATER)
    appointment_transition(appointment_id=rejected.pk, to="rejected", actor=actor, now=LATER)

    assert snapshot(requested)["approved_by"] == actor
    assert snapshot(confirmed)["cancelled_by"] == actor
    assert snapshot(rejected)["rejected_by"] == actor
    assert list(AppointmentEvent.objects.order_by("id").values_list("actor", flat=True)) == [actor] * 3


def test_a_full_path_keeps_every_stamp_and_event():
    appointment = AppointmentFactory(status="requested", scheduled_start_at=NOW + timedelta(hours=1))
    times = [NOW + timedelta(hours=n) for n in range(3)]

    appointment_transition(appointment_id=appointment.pk, to="confirmed", actor="user:1", now=times[0])
    appointment_transition(appointment_id=appointment.pk, to="arrived", actor="token:2", reason="At desk", now=times[1])
    appointment_transition(appointment_id=appointment.pk, to="completed", actor="system", now=times[2])

    stored = snapshot(appointment)
    assert (stored["approved_at"], stored["confirmed_at"], stored["arrived_at"], stored["completed_at"]) == (
        times[0], times[0], times[1], times[2])  # fmt: skip
    assert stored["approved_by"] == "user:1"
    assert list(appointment.events.values_list("from_status", "to_status", "actor", "reason", "at")) == [
        ("requested", "confirmed", "user:1", "", times[0]),
        ("confirmed", "arrived", "token:2", "At desk", times[1]),
        ("arrived", "completed", "system", "", times[2]),
    ]


def test_unknown_appointment_is_404():
    with pytest.raises(DomainError) as caught:
        appointment_transition(appointment_id=987654, to="confirmed", actor="system", now=LATER)

    assert caught.value.status == 404


@pytest.mark.parametrize("to", ["confirmed", "rejected", "arrived", "completed", "no_show"])
def test_customers_only_cancel(to):
    status = "requested" if to in ("confirmed", "rejected") else "confirmed"
    appointment = AppointmentFactory(status=status)
    was = snapshot(appointment)

    with pytest.raises(DomainError) as caught:
        appointment_transition(appointment_id=appointment.pk, to=to, actor="profile:x", customer=True, now=LATER)

    assert caught.value.status == 403
    assert caught.value.message == f"Only staff can move an appointment to {to}."
    assert snapshot(appointment) == was

    appointment_transition(appointment_id=appointment.pk, to="cancelled", actor="profile:x", customer=True, now=LATER)
    assert snapshot(appointment)["cancelled_by"] == "profile:x"


# Rescheduling --------------------------------------------------------------------------------------------------


@pytest.fixture
def location():
    location = LocationFactory()
    LocationNormalHourFactory(location=location, day_of_week="MON", open_at=time(8), close_at=time(18))
    return location


def make_definition(location, **kwargs):
    definition = DefinitionFactory(**kwargs)
    DefinitionNormalHourFactory(definition=definition, day_of_week="MON", available_from=time(9),
                                available_until=time(17))  # fmt: skip
    DefinitionLocationFactory(definition=definition, location=location)
    return definition


def booked(definition, location, hour, minute=0, **kwargs) -> Appointment:
    return AppointmentFactory(definition=definition, location=location, scheduled_start_at=local(DAY, hour, minute),
                              **kwargs)  # fmt: skip


def reschedule(appointment, hour, minute=0, **kwargs) -> Appointment:
    kwargs.setdefault("actor", "token:3")
    kwargs.setdefault("now", LATER)
    appointment_reschedule(appointment_id=appointment.pk, start=local(DAY, hour, minute), **kwargs)
    appointment.refresh_from_db()
    return appointment


def refused(field: str, message: str, call, *args, **kwargs) -> None:
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    assert caught.value.status == 422
    assert caught.value.errors == {field: [message]}


@pytest.mark.parametrize("status", ["requested", "confirmed"])
def test_reschedule_moves_a_holding_appointment_and_writes_an_event(location, status):
    definition = make_definition(location, duration_minutes=60, slot_interval_minutes=30, buffer_before_minutes=5,
                                 buffer_after_minutes=10)  # fmt: skip
    appointment = booked(definition, location, 10, status=status)

    # Capacity 1: 10:30-11:30 overlaps the appointment's own 09:55-11:10 occupancy, which must not block it.
    moved = reschedule(appointment, 10, 30, reason="Running late", actor="user:9")

    assert moved.status == status
    assert (moved.scheduled_start_at, moved.scheduled_end_at) == (local(DAY, 10, 30), local(DAY, 11, 30))
    assert (moved.occupancy_start, moved.occupancy_end) == (local(DAY, 10, 25), local(DAY, 11, 40))
    events = list(appointment.events.values("kind", "actor", "from_status", "to_status", "reason", "at", "data"))
    assert events == [
        {"kind": "rescheduled", "actor": "user:9", "from_status": status, "to_status": status,
         "reason": "Running late", "at": LATER,
         "data": {"from": "2025-06-16T00:00:00Z", "to": "2025-06-16T00:30:00Z", "assigned_staff_id": None}}
    ]  # fmt: skip


def test_reschedule_into_someone_elses_occupancy_is_422(location):
    definition = make_definition(location)
    appointment = booked(definition, location, 10)
    booked(definition, location, 11)

    refused("scheduled_start_at", "That slot is fully booked: every place is taken. Pick another slot.", reschedule,
            appointment, 11)  # fmt: skip
    appointment.refresh_from_db()
    assert appointment.scheduled_start_at == local(DAY, 10)
    assert not appointment.events.exists()


def test_reschedule_is_validated_like_a_new_booking(location):
    definition = make_definition(location, min_lead_minutes=60)
    appointment = booked(definition, location, 12)

    # Each rule with its own message, as for a new booking (issue 19 finding 6).
    refused("scheduled_start_at", "That time is off the slot grid: slots start every 30 minutes; the nearest bookable "
            "starts that day are 10:00 and 10:30 (Australia/Melbourne).", reschedule, appointment, 10, 10)  # fmt: skip
    refused("scheduled_start_at", "That time is outside this service's hours here: on 2025-06-16 they are 09:00-17:00 "
            "(Australia/Melbourne).", reschedule, appointment, 17)  # fmt: skip
    refused("scheduled_start_at", "That time is too soon to book: this service needs 60 minutes' notice, so the "
            "earliest start is 2025-06-16 10:00 Australia/Melbourne.", reschedule, appointment, 9, 30,
            now=local(DAY, 9))  # fmt: skip
    refused("scheduled_end_at", "The appointment must last exactly 30 minutes.", reschedule, appointment, 10,
            end=local(DAY, 11))  # fmt: skip
    assert reschedule(appointment, 20, override=True).scheduled_start_at == local(DAY, 20)


@pytest.mark.parametrize("status", ["arrived", *TERMINAL])
def test_reschedule_refused_outside_requested_and_confirmed(location, status):
    definition = make_definition(location)
    appointment = booked(definition, location, 10, status=status)

    refused("scheduled_start_at", f"A {status} appointment cannot be rescheduled.", reschedule, appointment, 11)
    appointment.refresh_from_db()
    assert appointment.scheduled_start_at == local(DAY, 10)


def test_reschedule_keeps_the_staff_member_when_free(location):
    definition = make_definition(location, requires_staff=True)
    kept = ProfileFactory(id=uuid.UUID("ffffffff-ffff-4fff-bfff-ffffffffffff"))
    idle = ProfileFactory(id=uuid.UUID("00000000-0000-4000-8000-000000000001"))
    StaffAssignmentFactory(location=location, profile=kept, sort_order=1)
    StaffAssignmentFactory(location=location, profile=idle, sort_order=0)
    appointment = booked(definition, location, 10, assigned_staff=kept)

    # `idle` would win a fresh auto-assignment (no appointments, lower sort order and id); the booking keeps `kept`.
    moved = reschedule(appointment, 10, 30)

    assert moved.assigned_staff_id == kept.pk
    assert moved.scheduled_start_at == local(DAY, 10, 30)
    assert appointment.events.get().data == {"from": "2025-06-16T00:00:00Z", "to": "2025-06-16T00:30:00Z",
                                             "assigned_staff_id": str(kept.pk)}  # fmt: skip


def test_reschedule_to_the_same_time_changes_nothing(location):
    definition = make_definition(location)
    appointment = booked(definition, location, 10)
    was = snapshot(appointment)

    reschedule(appointment, 10)

    assert snapshot(appointment) == was
    assert not appointment.events.exists()


def test_reschedule_changes_the_timezone(location):
    definition = make_definition(location)
    appointment = booked(definition, location, 10, timezone="UTC")

    moved = reschedule(appointment, 11, timezone_=ZoneInfo("Australia/Perth"))

    assert moved.timezone == ZoneInfo("Australia/Perth")


def test_update_is_all_or_nothing(location):
    definition = make_definition(location)
    appointment = booked(definition, location, 10, status="requested", notes="before")
    was = snapshot(appointment)

    with pytest.raises(DomainError) as caught:
        appointment_update(
            appointment_id=appointment.pk, actor="token:3", status="arrived", fields={"notes": "after"},
            reschedule={"start": local(DAY, 11)}, now=LATER,
        )  # fmt: skip

    assert caught.value.errors == {
        "status": ["Cannot move from requested to arrived (allowed: cancelled, confirmed, rejected)."]
    }
    assert snapshot(appointment) == was
    appointment.refresh_from_db()
    assert (appointment.notes, appointment.scheduled_start_at) == ("before", local(DAY, 10))
    assert not appointment.events.exists()
