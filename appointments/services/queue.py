"""The walk-in queue (DOMAIN.md "Walk-in queue"): joining, the one transition service, and conversion."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from appointments.admission import Purpose, definition_admits
from appointments.enums import QueueStatus
from appointments.enums import QueueStatus as Q
from appointments.models import Appointment, AppointmentDefinition, QueueEntry, QueueEvent
from appointments.selectors import linked_location
from appointments.services.lifecycle import appointment_record_walk_in
from appointments.services.transitions import Machine
from core.errors import Conflict, Forbidden, ValidationFailed
from directory.models import Profile
from visits.services.visits import visit_link_appointment, visit_record_served

ALLOWED: dict[str, frozenset[str]] = {
    Q.WAITING: frozenset({Q.CALLED, Q.CANCELLED}),
    Q.CALLED: frozenset({Q.SERVED, Q.CANCELLED, Q.WAITING}),
}
CUSTOMER_MOVES = frozenset({Q.CANCELLED})


def _stamp(entry: QueueEntry, before: str, to: str, actor: str, now: datetime) -> list[str]:
    if to == Q.CALLED:
        entry.called_at = now
        return ["called_at"]
    if to == Q.SERVED:
        entry.served_at = now
        return ["served_at"]
    if to == Q.CANCELLED:
        entry.cancelled_at = now
        return ["cancelled_at"]
    # Back to waiting: it keeps its place (position follows the time it joined).
    entry.called_at = None
    return ["called_at"]


def _record(entry: QueueEntry, before: str, to: str, actor: str, reason: str, now: datetime, data) -> None:
    QueueEvent.objects.create(entry=entry, actor=actor, from_status=before, to_status=to, reason=reason, at=now)


QUEUE_ENTRY = Machine("queue entry", QueueEntry, ALLOWED, _stamp, _record, customer_moves=CUSTOMER_MOVES)


def queue_join(
    *, definition_id: int, location_id: int, profile_id=None, notes: str = "", meta: dict | None = None,
    actor: str, customer_id=None, now: datetime | None = None,
) -> QueueEntry:  # fmt: skip
    """Check a walk-in in: the definition must allow walk-ins and queueing at an actively linked location.

    `profile_id` None is an anonymous walk-in. A customer token joins only as itself.
    """
    now = now or timezone.now()
    if customer_id is not None:
        if profile_id is not None and str(profile_id) != str(customer_id):
            raise Forbidden("A customer token can only join the queue as itself.")
        profile_id = customer_id
    definition = AppointmentDefinition.objects.filter(pk=definition_id).first()
    if refusal := definition_admits(definition, Purpose.QUEUE, customer=customer_id is not None):
        raise refusal.error()
    location = linked_location(definition, location_id)
    profile = None
    if profile_id is not None:
        profile = Profile.objects.filter(pk=profile_id).first()
        if profile is None:
            raise ValidationFailed.on("profile_id", "The profile does not exist.")
    with transaction.atomic():
        entry = QueueEntry.objects.create(
            definition=definition, location=location, profile=profile, notes=notes or "", meta=meta, created_at=now
        )
        QueueEvent.objects.create(entry=entry, actor=actor, to_status=Q.WAITING, at=now)
    return entry


def _locked(entry_id: int) -> QueueEntry:
    return QUEUE_ENTRY.lock(entry_id)


@transaction.atomic
def queue_transition(
    *, entry_id: int, to: str, actor: str, staff_id=None, reason: str = "", customer: bool = False,
    now: datetime | None = None,
) -> QueueEntry:  # fmt: skip
    """Move a queue entry (waiting -> called -> served; waiting/called -> cancelled; called -> waiting).

    Calling may name the staff member who takes the walk-in. Serving records exactly one Visit.
    """
    now = now or timezone.now()
    entry = _locked(entry_id)
    before = entry.status
    if before == to:
        return entry
    QUEUE_ENTRY.check(before, to, customer=customer)
    also = ()
    if to == Q.CALLED and staff_id is not None:
        if not Profile.objects.filter(pk=staff_id).exists():
            raise ValidationFailed.on("staff_id", "The staff member does not exist.")
        entry.staff_id, also = staff_id, ("staff",)
    QUEUE_ENTRY.move(entry, to, actor=actor, reason=reason, now=now, also=also)
    if to == Q.SERVED:
        minutes = int((now - entry.called_at).total_seconds() // 60) if entry.called_at else None
        visit_record_served(
            queue_entry_id=entry.pk, location_id=entry.location_id, profile_id=entry.profile_id,
            staff_id=entry.staff_id, visited_at=now, timezone=entry.location.timezone, duration_minutes=minutes,
        )  # fmt: skip
    return entry


@transaction.atomic
def queue_update(
    *, entry_id: int, actor: str, customer: bool = False, status: str | None = None, staff_id=None,
    profile_id=None, reason: str = "", fields: dict | None = None, now: datetime | None = None,
) -> QueueEntry:  # fmt: skip
    """One PUT: field edits (notes, meta, staff, the customer of an anonymous walk-in) and a status move, all or
    nothing."""
    fields = dict(fields or {})
    if customer and set(fields) - {"notes"}:
        raise Forbidden("Customers can only change the notes of their queue entry.")
    if customer and staff_id is not None:
        raise Forbidden("Only staff can assign a staff member.")
    if customer and profile_id is not None:
        raise Forbidden("Only staff can name the customer of a queue entry.")
    entry = _locked(entry_id)
    _name_customer(entry, profile_id)
    if staff_id is not None and status != Q.CALLED:
        if not Profile.objects.filter(pk=staff_id).exists():
            raise ValidationFailed.on("staff_id", "The staff member does not exist.")
        fields["staff_id"] = staff_id
    if fields:
        for name, value in fields.items():
            setattr(entry, name, "" if name == "notes" and value is None else value)
        entry.save(update_fields=[name.removesuffix("_id") for name in fields] + ["updated_at"])
    if status is not None:
        entry = queue_transition(entry_id=entry_id, to=status, actor=actor, staff_id=staff_id, reason=reason,
                                 customer=customer, now=now)  # fmt: skip
    return entry


def _name_customer(entry: QueueEntry, profile_id) -> None:
    """Record who an anonymous walk-in is (`profile_id` None changes nothing); naming a different person than the
    entry already names is refused."""
    if profile_id is None or str(profile_id) == str(entry.profile_id):
        return
    if entry.profile_id is not None:
        raise ValidationFailed.on("profile_id", "This queue entry already belongs to another customer.")
    if not Profile.objects.filter(pk=profile_id).exists():
        raise ValidationFailed.on("profile_id", "No profile with this id.")
    entry.profile_id = profile_id
    entry.save(update_fields=["profile", "updated_at"])


@transaction.atomic
def queue_convert(*, entry_id: int, actor: str, profile_id=None, now: datetime | None = None) -> Appointment:
    """Turn a served walk-in into a `completed` appointment, linked both ways (and to the walk-in's visit).

    Only a served entry can be converted, once, and only for a known customer: an anonymous walk-in needs
    `profile_id` (who it was, named at the counter), which the entry then records.
    """
    now = now or timezone.now()
    entry = _locked(entry_id)
    if entry.status != Q.SERVED:
        raise ValidationFailed.on("status", f"Only a served queue entry can be converted (this one is {entry.status}).")
    if entry.appointment_id is not None:
        raise Conflict.on("appointment_id", "This queue entry was already converted.", code="already_converted")
    _name_customer(entry, profile_id)
    if entry.profile_id is None:
        raise ValidationFailed.on(
            "profile_id", "An anonymous walk-in becomes an appointment only once you name the customer (profile_id)."
        )
    appointment = appointment_record_walk_in(entry=entry, actor=actor, now=now)
    entry.appointment = appointment
    entry.save(update_fields=["appointment", "updated_at"])
    visit_link_appointment(queue_entry_id=entry.pk, appointment_id=appointment.pk)
    return appointment


@transaction.atomic
def queue_delete(*, entry_id: int) -> None:
    _locked(entry_id).delete()


__all__ = ["QueueStatus", "queue_convert", "queue_delete", "queue_join", "queue_transition", "queue_update"]
