"""Moving appointments along the lifecycle (DOMAIN.md "Appointment lifecycle") and in time (rescheduling)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from appointments.enums import AppointmentStatus as S
from appointments.models import Appointment, AppointmentEvent
from appointments.services import followups, notify
from appointments.services.reservation import SlotUnavailable, is_overlap_violation, reserve
from appointments.services.transitions import Machine
from core.errors import Forbidden, ValidationFailed
from core.localtime import local_moment, localize, utc_iso
from directory.services.audit import audit_record

ALLOWED: dict[str, frozenset[str]] = {
    S.REQUESTED: frozenset({S.CONFIRMED, S.REJECTED, S.CANCELLED}),
    S.CONFIRMED: frozenset({S.ARRIVED, S.COMPLETED, S.NO_SHOW, S.CANCELLED}),
    S.ARRIVED: frozenset({S.COMPLETED}),
}
# What a customer may do to their own appointment; every other move is for staff.
CUSTOMER_MOVES = frozenset({S.CANCELLED})
RESCHEDULABLE = frozenset({S.REQUESTED, S.CONFIRMED})


class MoveTooSoonOrLate(ValidationFailed):
    """A move the table allows but the clock does not (too early to check in, to complete or to call a no-show)."""

    def __init__(self, code: str, message: str):
        super().__init__(message, errors={"status": [message]}, code=code)


def no_show_due_at(appointment: Appointment) -> datetime:
    """The first instant an appointment may be called a no-show: its start plus NO_SHOW_GRACE_MINUTES."""
    return appointment.scheduled_start_at + timedelta(minutes=settings.NO_SHOW_GRACE_MINUTES)


def check_move_time(appointment: Appointment, to: str, now: datetime) -> None:
    """The time rules of a move (docs/api-guide-notes.md "Time rules on moves"); raises MoveTooSoonOrLate.

    Check-in (`arrived`) only on the appointment's local date at its location, from CHECK_IN_EARLY_MINUTES before
    the start; `no_show` from the start plus NO_SHOW_GRACE_MINUTES; `completed` from the start.
    """
    start = appointment.scheduled_start_at
    tz = appointment.location.timezone
    if to == S.ARRIVED:
        opens = start - timedelta(minutes=settings.CHECK_IN_EARLY_MINUTES)
        if now < opens or now.astimezone(tz).date() < start.astimezone(tz).date():
            opens = max(opens, datetime.combine(start.astimezone(tz).date(), datetime.min.time(), tzinfo=tz))
            raise MoveTooSoonOrLate("check_in_too_early", f"Check-in opens at {local_moment(opens, tz)}.")
        if now.astimezone(tz).date() > start.astimezone(tz).date():
            raise MoveTooSoonOrLate(
                "check_in_too_late", f"Check-in closed at the end of the appointment's day ({local_moment(start, tz)})."
            )
    elif to == S.NO_SHOW and now < no_show_due_at(appointment):
        raise MoveTooSoonOrLate(
            "no_show_too_early",
            f"An appointment can be marked no_show from {settings.NO_SHOW_GRACE_MINUTES} minutes after its start "
            f"({local_moment(no_show_due_at(appointment), tz)}).",
        )
    elif to == S.COMPLETED and now < start:
        raise MoveTooSoonOrLate(
            "complete_too_early",
            f"An appointment cannot be completed before its start ({local_moment(start, tz)}).",
        )


def _stamp(appointment: Appointment, before: str, to: str, actor: str, now: datetime) -> list[str]:
    """Set the timestamp (and actor) that goes with the move; returns the fields written."""
    if to == S.CONFIRMED:
        appointment.confirmed_at = now
        if before == S.REQUESTED:
            appointment.approved_at, appointment.approved_by = now, actor
            return ["confirmed_at", "approved_at", "approved_by"]
        return ["confirmed_at"]
    if to == S.REJECTED:
        appointment.rejected_at, appointment.rejected_by = now, actor
        return ["rejected_at", "rejected_by"]
    if to == S.CANCELLED:
        appointment.cancelled_at, appointment.cancelled_by = now, actor
        return ["cancelled_at", "cancelled_by"]
    name = {S.ARRIVED: "arrived_at", S.COMPLETED: "completed_at", S.NO_SHOW: "no_show_at"}[to]
    setattr(appointment, name, now)
    return [name]


def _record(appointment: Appointment, before: str, to: str, actor: str, reason: str, now: datetime, data) -> None:
    AppointmentEvent.objects.create(
        appointment=appointment, kind=AppointmentEvent.Kind.STATUS, actor=actor, from_status=before, to_status=to,
        reason=reason, at=now, data=data,
    )  # fmt: skip


APPOINTMENT = Machine("appointment", Appointment, ALLOWED, _stamp, _record, customer_moves=CUSTOMER_MOVES)


def _locked(appointment_id: int) -> Appointment:
    return APPOINTMENT.lock(appointment_id)


@transaction.atomic
def appointment_transition(
    *, appointment_id: int, to: str, actor: str, reason: str = "", customer: bool = False,
    now: datetime | None = None,
) -> Appointment:  # fmt: skip
    """Move an appointment along the lifecycle, stamping its timestamp and recording who did it and why."""
    now = now or timezone.now()
    appointment = _locked(appointment_id)
    before = appointment.status
    if before == to:
        return appointment
    APPOINTMENT.check(before, to, customer=customer)
    check_move_time(appointment, to, now)
    APPOINTMENT.move(appointment, to, actor=actor, reason=reason, now=now)
    notify.on_transition(appointment, before, to, now=now)
    followups.appointment_moved(appointment, before, to, actor=actor, now=now)
    return appointment


def appointment_reschedule(
    *, appointment_id: int, start: datetime, end: datetime | None = None, timezone_=None,
    assigned_staff_id: str | None = None, override: bool = False, actor: str, reason: str = "",
    now: datetime | None = None,
) -> Appointment:  # fmt: skip
    """Move an appointment to a new time, validated like a new booking without counting its own occupancy.

    Naive `start`/`end` are wall times in `timezone_`, or in the appointment's time zone when that is None.
    """
    now = now or timezone.now()
    try:
        with transaction.atomic():
            appointment = _locked(appointment_id)
            tz = timezone_ or appointment.timezone
            start = localize(start, tz, "scheduled_start_at")
            end = localize(end, tz, "scheduled_end_at") if end is not None else None
            if appointment.status not in RESCHEDULABLE:
                raise ValidationFailed.on(
                    "scheduled_start_at", f"A {appointment.status} appointment cannot be rescheduled."
                )
            staff = assigned_staff_id or (str(appointment.assigned_staff_id) if appointment.assigned_staff_id else None)
            same_time = start == appointment.scheduled_start_at and (end is None or end == appointment.scheduled_end_at)
            if same_time and staff == (str(appointment.assigned_staff_id) if appointment.assigned_staff_id else None):
                if timezone_ is not None and timezone_ != appointment.timezone:
                    appointment.timezone = timezone_
                    appointment.save(update_fields=["timezone", "updated_at"])
                return appointment
            held = reserve(
                appointment.definition, appointment.location, start, end, staff_id=staff, override=override,
                now=now, current=appointment,
            )  # fmt: skip
            old_start = appointment.scheduled_start_at
            old = (old_start, appointment.scheduled_end_at, appointment.occupancy_start, appointment.occupancy_end,
                   appointment.assigned_staff_id)  # fmt: skip
            appointment.scheduled_start_at, appointment.scheduled_end_at = held.start, held.end
            appointment.occupancy_start, appointment.occupancy_end = held.occupancy_start, held.occupancy_end
            appointment.assigned_staff_id = held.staff_id
            if timezone_ is not None:
                appointment.timezone = timezone_
            appointment.save(
                update_fields=["scheduled_start_at", "scheduled_end_at", "occupancy_start", "occupancy_end",
                               "assigned_staff", "timezone", "updated_at"]
            )  # fmt: skip
            AppointmentEvent.objects.create(
                appointment=appointment, kind=AppointmentEvent.Kind.RESCHEDULED, actor=actor,
                from_status=appointment.status, to_status=appointment.status, reason=reason or "", at=now,
                data={"from": utc_iso(old_start), "to": utc_iso(held.start), "assigned_staff_id": held.staff_id},
            )  # fmt: skip
            notify.on_rescheduled(appointment, now=now)
            followups.appointment_moved_away(appointment, old, actor=actor, now=now)
    except IntegrityError as exc:
        if is_overlap_violation(exc):
            raise SlotUnavailable() from exc
        raise
    return appointment


EDITABLE = ("notes", "meta", "transaction", "order")


@transaction.atomic
def appointment_update(
    *, appointment_id: int, actor: str, customer: bool = False, status: str | None = None, reason: str = "",
    reschedule: dict | None = None, fields: dict | None = None, now: datetime | None = None,
) -> Appointment:  # fmt: skip
    """One PUT: reschedule, field edits and a status move, all or nothing, in that order."""
    now = now or timezone.now()
    fields = fields or {}
    if customer and set(fields) - {"notes"}:
        raise Forbidden("Customers can only change the notes of an appointment.")
    if customer and reschedule and reschedule.get("override"):
        raise Forbidden("Only staff and integrations can override availability.")
    if reschedule:
        appointment_reschedule(appointment_id=appointment_id, actor=actor, reason=reason, now=now, **reschedule)
    appointment = _locked(appointment_id)
    if fields:
        for name, value in fields.items():
            setattr(appointment, name, "" if name == "notes" and value is None else value)
        appointment.save(update_fields=[*fields, "updated_at"])
    if status is not None:
        appointment = appointment_transition(
            appointment_id=appointment_id, to=status, actor=actor, reason=reason, customer=customer, now=now
        )
    return appointment


@transaction.atomic
def appointment_delete(*, appointment_id: int, actor: str, now: datetime | None = None) -> None:
    """Remove the record (cancelling is the normal path; this is for mistakes).

    It frees what a cancel frees: unsent notifications are cancelled (no message about the deletion is sent) and a
    holding appointment's place is offered to the waitlist. The appointment's own events go with it, so the generic
    audit trail keeps who deleted which appointment (docs/domain.md "Deleting an appointment").
    """
    now = now or timezone.now()
    appointment = _locked(appointment_id)
    freed = followups.freed_place(appointment) if appointment.is_holding else None
    notify.on_deleted(appointment, now=now)
    audit_record(
        action="appointment.delete", actor=actor, subject_type="appointment", subject_id=appointment.pk, now=now,
        data={"status": appointment.status, "definition_id": appointment.definition_id,
              "location_id": appointment.location_id, "scheduled_start_at": utc_iso(appointment.scheduled_start_at)},
    )  # fmt: skip
    tz = appointment.location.timezone
    appointment.delete()
    if freed is not None:
        followups.offer_freed(freed, tz=tz, actor=actor, now=now)


def appointment_record_walk_in(*, entry, actor: str, now: datetime) -> Appointment:
    """The record of a served walk-in as a `completed` appointment (queue_convert): not a booking, so it holds no
    slot; its occupancy is the visit itself, from the call (or the service) to the end of the service."""
    start = entry.called_at or entry.served_at
    end = max(entry.served_at, start + timedelta(minutes=1))
    appointment = Appointment.objects.create(
        definition=entry.definition, profile_id=entry.profile_id, location_id=entry.location_id,
        assigned_staff_id=entry.staff_id, status=S.COMPLETED, scheduled_start_at=start, scheduled_end_at=end,
        timezone=entry.location.timezone, occupancy_start=start, occupancy_end=end, created_at=entry.created_at,
        arrived_at=entry.created_at, completed_at=entry.served_at, notes=entry.notes,
        meta={"queue_entry_id": entry.pk},
    )  # fmt: skip
    AppointmentEvent.objects.create(
        appointment=appointment, kind=AppointmentEvent.Kind.CREATED, actor=actor, to_status=appointment.status,
        reason="converted from walk-in queue", data={"queue_entry_id": entry.pk}, at=now,
    )  # fmt: skip
    return appointment
