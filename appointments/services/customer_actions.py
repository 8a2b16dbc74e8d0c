"""What a customer does from a signed link (docs/customer-links.md), through the same services as the API.

Each action opens one transaction, locks the link, checks the definition's notice rule, calls the service a
customer token's API call would call (appointment_reschedule, appointment_transition with customer=True,
waitlist_claim, waitlist_decline) with the same actor, `profile:<uuid>`, and records the link's use. So the audit
events, the notifications and the waitlist offers on a freed place are those of the API path, and a refused or
failed action writes nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from appointments.enums import AppointmentStatus as S
from appointments.enums import LinkPurpose, OfferStatus
from appointments.models import Appointment, WaitlistEntry, WaitlistOffer
from appointments.services.customer_links import CHANGEABLE, link_used, resolve
from appointments.services.lifecycle import appointment_reschedule, appointment_transition
from appointments.services.waitlist import waitlist_claim, waitlist_decline
from core.errors import ValidationFailed
from core.localtime import local_label, utc_iso

VERBS = {LinkPurpose.CANCEL: "cancelled", LinkPurpose.RESCHEDULE: "rescheduled"}


def customer_actor(profile_id) -> str:
    """The actor a customer token's API calls are recorded with."""
    return f"profile:{profile_id}"


def _contact(appointment: Appointment) -> str:
    location = appointment.location
    return f"Please contact {location.name}" + (f" on {location.phone}." if location.phone else ".")


def refusal(appointment: Appointment, purpose: str, *, now: datetime) -> str | None:
    """Why the customer may not reschedule or cancel this appointment from a link now, or None when they may.

    The definition's `customer_<purpose>_notice_hours`: empty means never from a link, N means until N hours
    before the start (0: until the start).
    """
    verb = VERBS[purpose]
    if appointment.status not in CHANGEABLE:
        return f"This appointment is {appointment.get_status_display().lower()}: it can no longer be {verb}."
    hours = getattr(appointment.definition, f"customer_{purpose}_notice_hours")
    if hours is None:
        return f"This appointment cannot be {verb} online. {_contact(appointment)}"
    closes = appointment.scheduled_start_at - timedelta(hours=hours)
    if now >= closes:
        tz = appointment.location.timezone
        notice = f", {hours} hour{'s' if hours != 1 else ''} before the start" if hours else ", at the start"
        return f"It could be {verb} online until {local_label(closes, tz)}{notice}. {_contact(appointment)}"
    return None


def _check(appointment: Appointment, purpose: str, now: datetime) -> None:
    reason = refusal(appointment, purpose, now=now)
    if reason is not None:
        raise ValidationFailed(reason, code="not_allowed_from_link")


def link_reschedule(*, token: str, start: datetime, now: datetime | None = None) -> Appointment:
    """Move the appointment to `start` (a free slot), as the customer's API reschedule does."""
    now = now or timezone.now()
    with transaction.atomic():
        link = resolve(token, LinkPurpose.RESCHEDULE, now=now, lock=True)
        appointment = link.appointment
        _check(appointment, LinkPurpose.RESCHEDULE, now)
        old_start = appointment.scheduled_start_at
        actor = customer_actor(appointment.profile_id)
        appointment = appointment_reschedule(appointment_id=appointment.pk, start=start, actor=actor, now=now)
        link_used(
            link, actor=actor, now=now, data={"from": utc_iso(old_start), "to": utc_iso(appointment.scheduled_start_at)}
        )
    return appointment


def link_cancel(*, token: str, reason: str = "", now: datetime | None = None) -> Appointment:
    """Cancel the appointment with the customer's optional reason, as the customer's API cancel does."""
    now = now or timezone.now()
    with transaction.atomic():
        link = resolve(token, LinkPurpose.CANCEL, now=now, lock=True)
        appointment = link.appointment
        _check(appointment, LinkPurpose.CANCEL, now)
        actor = customer_actor(appointment.profile_id)
        appointment = appointment_transition(
            appointment_id=appointment.pk, to=S.CANCELLED, actor=actor, reason=reason.strip(), customer=True, now=now
        )
        link_used(link, actor=actor, now=now)
    return appointment


def offer_refusal(offer: WaitlistOffer, *, now: datetime) -> str | None:
    """Why the offer can no longer be claimed or declined, or None while it is open."""
    if offer.status != OfferStatus.OPEN:
        return f"This offer is {offer.get_status_display().lower()}: the place is no longer held for you."
    if offer.expires_at <= now:
        return f"This offer expired at {local_label(offer.expires_at, offer.location.timezone)}."
    return None


def _open_offer(token: str, purpose: str, now: datetime):
    link = resolve(token, purpose, now=now, lock=True)
    # The entry's lock first, as the waitlist services take it, then the offer re-read under it.
    entry = WaitlistEntry.objects.select_for_update().get(pk=link.offer.entry_id)
    offer = WaitlistOffer.objects.select_related("location").get(pk=link.offer_id)
    reason = offer_refusal(offer, now=now)
    if reason is not None:
        raise ValidationFailed(reason, code="offer_not_open")
    return link, entry


def link_claim(*, token: str, now: datetime | None = None) -> Appointment:
    """Book the held place and fulfil the waitlist entry, as the customer's API claim does."""
    now = now or timezone.now()
    with transaction.atomic():
        link, entry = _open_offer(token, LinkPurpose.CLAIM, now)
        actor = customer_actor(entry.profile_id)
        appointment = waitlist_claim(entry_id=entry.pk, actor=actor, now=now)
        link_used(link, actor=actor, now=now, data={"appointment_id": appointment.pk})
    return appointment


def link_decline(*, token: str, now: datetime | None = None) -> WaitlistEntry:
    """Decline the held place (it passes to the next in line), as the customer's API decline does."""
    now = now or timezone.now()
    with transaction.atomic():
        link, entry = _open_offer(token, LinkPurpose.DECLINE, now)
        actor = customer_actor(entry.profile_id)
        entry = waitlist_decline(entry_id=entry.pk, actor=actor, now=now)
        link_used(link, actor=actor, now=now)
    return entry
