"""Waitlist entries (DOMAIN.md "Waitlists"): joining, the one transition service, edits, and claiming an offer."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from appointments.admission import Purpose, definition_admits, staff_choice_refused
from appointments.enums import OfferStatus
from appointments.enums import WaitlistStatus as W
from appointments.models import Appointment, AppointmentDefinition, WaitlistEntry, WaitlistEvent
from appointments.selectors import linked_location
from appointments.services.booking import appointment_book, booking_request
from appointments.services.offers import OFFER, offer_close, offer_place, open_offer_locked, place_of
from appointments.services.transitions import Machine
from core.errors import Conflict, Forbidden, ValidationFailed
from core.localtime import localize
from directory.models import Profile

ALLOWED: dict[str, frozenset[str]] = {W.ACTIVE: frozenset({W.FULFILLED, W.CANCELLED})}
CUSTOMER_MOVES = frozenset({W.CANCELLED})


def _stamp(entry: WaitlistEntry, before: str, to: str, actor: str, now: datetime) -> list[str]:
    if to == W.FULFILLED:
        entry.fulfilled_at = now
        return ["fulfilled_at"]
    entry.cancelled_at = now
    return ["cancelled_at"]


def _record(entry: WaitlistEntry, before: str, to: str, actor: str, reason: str, now: datetime, data) -> None:
    WaitlistEvent.objects.create(
        entry=entry, actor=actor, kind="status", from_status=before, to_status=to, reason=reason, at=now, data=data
    )


WAITLIST_ENTRY = Machine("waitlist entry", WaitlistEntry, ALLOWED, _stamp, _record, customer_moves=CUSTOMER_MOVES)


class NoOpenOffer(Conflict):
    code = "no_open_offer"
    default_message = "This waitlist entry has no open offer."


def _desired_staff(definition: AppointmentDefinition, staff_id):
    if staff_id is None:
        return None
    if refusal := staff_choice_refused(definition, staff_id):
        raise refusal.error("desired_staff_id")
    staff = Profile.objects.filter(pk=staff_id).first()
    if staff is None:
        raise ValidationFailed.on("desired_staff_id", "The staff member does not exist.")
    return staff


def waitlist_join(
    *, definition_id: int, profile_id, location_id: int, desired_start_at: datetime | None = None, timezone_=None,
    desired_staff_id=None, notes: str = "", meta: dict | None = None, actor: str, customer_id=None,
    now: datetime | None = None,
) -> WaitlistEntry:  # fmt: skip
    """Register interest in a definition at a location; only definitions with `allow_waitlist`.

    A naive `desired_start_at` is a wall time in `timezone_`, or the location's when that is None.
    """
    now = now or timezone.now()
    if customer_id is not None and str(profile_id) != str(customer_id):
        raise Forbidden("A customer token can only join a waitlist for its own profile.")
    definition = AppointmentDefinition.objects.filter(pk=definition_id).first()
    if refusal := definition_admits(definition, Purpose.WAITLIST, customer=customer_id is not None):
        raise refusal.error()
    location = linked_location(definition, location_id)
    profile = Profile.objects.filter(pk=profile_id).first()
    if profile is None:
        raise ValidationFailed.on("profile_id", "The profile does not exist.")
    staff = _desired_staff(definition, desired_staff_id)
    desired = None
    if desired_start_at is not None:
        desired = localize(desired_start_at, timezone_ or location.timezone, "desired_start_at")
    with transaction.atomic():
        entry = WaitlistEntry.objects.create(
            definition=definition, profile=profile, location=location, desired_start_at=desired,
            desired_staff=staff, notes=notes or "", meta=meta,
        )  # fmt: skip
        WaitlistEvent.objects.create(entry=entry, actor=actor, kind="status", to_status=W.ACTIVE, at=now)
    return entry


def _locked(entry_id: int) -> WaitlistEntry:
    return WAITLIST_ENTRY.lock(entry_id)


@transaction.atomic
def waitlist_transition(
    *, entry_id: int, to: str, actor: str, appointment_id: int | None = None, reason: str = "",
    customer: bool = False, now: datetime | None = None,
) -> WaitlistEntry:  # fmt: skip
    """Fulfil (with an appointment of the same definition, location and profile) or cancel an active entry.

    An open offer of the entry is withdrawn and its place passed on to the next matching entry.
    """
    now = now or timezone.now()
    entry = _locked(entry_id)
    before = entry.status
    if before == to and (to != W.FULFILLED or appointment_id in (None, entry.appointment_id)):
        return entry
    WAITLIST_ENTRY.check(before, to, customer=customer)
    also = ()
    if to == W.FULFILLED:
        if appointment_id is None:
            raise ValidationFailed.on("appointment_id", "Fulfilling an entry needs the appointment_id it led to.")
        appointment = Appointment.objects.filter(pk=appointment_id).first()
        if appointment is None:
            raise ValidationFailed.on("appointment_id", "The appointment does not exist.")
        if (appointment.definition_id, appointment.location_id, appointment.profile_id) != (
            entry.definition_id, entry.location_id, entry.profile_id,
        ):  # fmt: skip
            raise ValidationFailed.on(
                "appointment_id", "The appointment must be for the entry's definition, location and profile."
            )
        entry.appointment, also = appointment, ("appointment",)
    offer = open_offer_locked(entry)
    WAITLIST_ENTRY.move(entry, to, actor=actor, reason=reason, now=now, also=also,
                        data={"appointment_id": appointment_id} if appointment_id else None)  # fmt: skip
    if offer is not None:
        offer_close(offer, status=OfferStatus.WITHDRAWN, actor=actor, now=now, reason=f"entry {to}")
    return entry


EDITABLE = ("notes", "meta")


@transaction.atomic
def waitlist_update(
    *, entry_id: int, actor: str, customer: bool = False, status: str | None = None, appointment_id=None,
    reason: str = "", desired: dict | None = None, fields: dict | None = None, now: datetime | None = None,
) -> WaitlistEntry:  # fmt: skip
    """One PUT: field edits (notes, meta, desired time and staff) and a status move, all or nothing.

    `desired` may hold `desired_start_at` (naive = local to `timezone_` or the location) and `desired_staff_id`.
    """
    fields = dict(fields or {})
    entry = _locked(entry_id)
    if desired:
        if entry.status != W.ACTIVE:
            raise ValidationFailed.on("desired_start_at", f"A {entry.status} entry cannot be changed.")
        if "desired_start_at" in desired:
            value = desired["desired_start_at"]
            tz = desired.get("timezone_") or entry.location.timezone
            fields["desired_start_at"] = localize(value, tz, "desired_start_at") if value is not None else None
        if "desired_staff_id" in desired:
            fields["desired_staff"] = _desired_staff(entry.definition, desired["desired_staff_id"])
    if fields:
        for name, value in fields.items():
            setattr(entry, name, "" if name == "notes" and value is None else value)
        entry.save(update_fields=[*fields, "updated_at"])
    if status is not None:
        entry = waitlist_transition(
            entry_id=entry_id, to=status, actor=actor, appointment_id=appointment_id, reason=reason,
            customer=customer, now=now,
        )  # fmt: skip
    elif appointment_id is not None:
        raise ValidationFailed.on("appointment_id", "Send status fulfilled with the appointment_id.")
    return entry


@transaction.atomic
def waitlist_delete(*, entry_id: int, actor: str, now: datetime | None = None) -> None:
    """Remove an entry; a place it was being offered passes on to the next matching entry."""
    now = now or timezone.now()
    entry = _locked(entry_id)
    offer = open_offer_locked(entry)
    entry.delete()  # its offers go with it
    if offer is not None:
        offer_place(place_of(offer), tz=offer.location.timezone, actor=actor, now=now)


def waitlist_claim(*, entry_id: int, actor: str, now: datetime | None = None) -> Appointment:
    """Book exactly the offered slot for the entry's profile and fulfil the entry, in one transaction.

    The offer stops holding the place first (inside the transaction), then booking runs its usual checks under its
    usual locks; any failure rolls everything back and the offer stays open. An expired offer cannot be claimed.
    """
    now = now or timezone.now()
    with transaction.atomic():
        entry = _locked(entry_id)
        if entry.status != W.ACTIVE:
            raise NoOpenOffer(f"This waitlist entry is {entry.status}.")
        offer = open_offer_locked(entry)
        if offer is None:
            raise NoOpenOffer()
        if offer.expires_at <= now:
            raise Conflict("This offer has expired.", code="offer_expired")
        # The offer stops holding the place before booking looks; its history row is the "claimed" one below.
        OFFER.check(offer.status, OfferStatus.CLAIMED)
        OFFER.move(offer, OfferStatus.CLAIMED, actor=actor, now=now, record=False)
        appointment = appointment_book(
            booking_request(
                entry.definition_id, entry.profile_id, entry.location_id, offer.start_at, staff=offer.staff_id,
                notes=entry.notes, end=offer.end_at, timezone=entry.location.timezone,
            ),
            actor=actor, now=now,
        )  # fmt: skip
        offer.appointment = appointment
        offer.save(update_fields=["appointment"])
        WaitlistEvent.objects.create(
            entry=entry, actor=actor, kind="claimed", at=now,
            data={"offer_id": offer.pk, "appointment_id": appointment.pk},
        )  # fmt: skip
        waitlist_transition(entry_id=entry.pk, to=W.FULFILLED, actor=actor, appointment_id=appointment.pk, now=now)
    return appointment


@transaction.atomic
def waitlist_decline(*, entry_id: int, actor: str, now: datetime | None = None) -> WaitlistEntry:
    """Decline the open offer: the entry stays active and the place goes to the next matching entry."""
    now = now or timezone.now()
    entry = _locked(entry_id)
    offer = open_offer_locked(entry)
    if offer is None:
        raise NoOpenOffer()
    offer_close(offer, status=OfferStatus.DECLINED, actor=actor, now=now)
    return entry
