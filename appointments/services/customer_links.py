"""Signed action links in customers' messages (docs/customer-links.md): minting them and reading them back.

A token is a `CustomerLink` row's random key signed with Django's TimestampSigner under a salt of its purpose: it
names no appointment, person or purpose in clear, cannot be forged or altered without SECRET_KEY, and works only
at the URL of its purpose. The row ties it to one appointment or waitlist offer, holds its expiry and, for the
one-time purposes (cancel, claim, decline), when it was used. Minting reuses the subject's live row of that purpose,
so every message about an appointment carries the same links (freshly signed) and the table stays small.

Issuing and using a link are recorded in the generic audit trail (`customer_link.issue`, `customer_link.use`),
which the console's appointment page reads.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.signing import BadSignature, SignatureExpired, TimestampSigner
from django.urls import reverse

from appointments.enums import APPOINTMENT_PURPOSES, OFFER_PURPOSES, ONE_TIME_PURPOSES, LinkPurpose
from appointments.enums import AppointmentStatus as S
from appointments.models import Appointment, CustomerLink, WaitlistOffer
from core.errors import DomainError
from core.localtime import local_label
from directory.services.audit import audit_record, audit_records

SALT = "appointments.customer-link."
# Statuses in which a customer may still change the appointment (the lifecycle's RESCHEDULABLE).
CHANGEABLE = (S.REQUESTED, S.CONFIRMED)
ISSUE, USE = "customer_link.issue", "customer_link.use"


class LinkRefused(DomainError):
    """A token that does not open this page: 404 unknown or altered, 403 another purpose's, 410 expired or used."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message, code=code)
        self.status = status


def _signer(purpose: str) -> TimestampSigner:
    return TimestampSigner(salt=SALT + purpose)


def sign(link: CustomerLink) -> str:
    """A fresh token for the link (the signature carries the time it was made)."""
    return _signer(link.purpose).sign(link.key)


def url_of(link: CustomerLink) -> str:
    return settings.PUBLIC_URL + reverse(f"customer-{link.purpose}", args=[sign(link)])


def subject_of(link: CustomerLink) -> tuple[str, int]:
    """How the audit trail names the link's subject."""
    return ("appointment", link.appointment_id) if link.appointment_id else ("waitlist_offer", link.offer_id)


def _live(purposes, *, expires_at: datetime, now: datetime, appointment=None, offer=None, new: bool = False) -> dict:
    """The subject's unused, unexpired link of each purpose (its expiry moved to `expires_at`), minting the missing
    ones: one read, at most one update, one insert and one audit insert, whatever the number of purposes (a
    booking with messages mints four links). `new`: the subject was created in this transaction, so it has no
    links yet and the read is skipped."""
    found: dict[str, CustomerLink] = {}
    if not new:
        live = CustomerLink.objects.filter(appointment=appointment, offer=offer, purpose__in=purposes,
                                           used_at__isnull=True, expires_at__gt=now)  # fmt: skip
        for link in live.order_by("-id"):
            found.setdefault(link.purpose, link)
    moved = [link.pk for link in found.values() if link.expires_at != expires_at]
    if moved:
        CustomerLink.objects.filter(pk__in=moved).update(expires_at=expires_at)
        for link in found.values():
            link.expires_at = expires_at
    new = CustomerLink.objects.bulk_create(
        CustomerLink(key=secrets.token_urlsafe(16), purpose=purpose, appointment=appointment, offer=offer,
                     created_at=now, expires_at=expires_at)
        for purpose in purposes
        if purpose not in found
    )  # fmt: skip
    if new:
        subject_type, subject_id = subject_of(new[0])
        audit_records([{"action": ISSUE, "actor": "system", "subject_type": subject_type, "subject_id": subject_id,
                        "data": {"purpose": link.purpose, "link_id": link.pk}} for link in new], now=now)  # fmt: skip
    return {**found, **{link.purpose: link for link in new}}


def allowed_purposes(appointment: Appointment) -> tuple[str, ...]:
    """The purposes worth sending now: viewing and the calendar always; rescheduling and cancelling while the
    appointment can still change and its definition lets customers do it from a link."""
    purposes = [LinkPurpose.VIEW, LinkPurpose.CALENDAR]
    if appointment.status in CHANGEABLE:
        definition = appointment.definition
        if definition.customer_reschedule_notice_hours is not None:
            purposes.append(LinkPurpose.RESCHEDULE)
        if definition.customer_cancel_notice_hours is not None:
            purposes.append(LinkPurpose.CANCEL)
    return tuple(purposes)


def appointment_links(appointment: Appointment, *, now: datetime, new: bool = False) -> dict[str, str | None]:
    """The appointment's link URLs by purpose (None for a purpose not offered now), minting what is missing
    (`new`: the appointment was just created, see _live).

    They work until CUSTOMER_LINK_DAYS_AFTER days after the appointment's end (moved along by a reschedule).
    """
    expires_at = appointment.scheduled_end_at + timedelta(days=settings.CUSTOMER_LINK_DAYS_AFTER)
    allowed = allowed_purposes(appointment)
    wanted = [purpose for purpose in APPOINTMENT_PURPOSES if purpose in allowed]
    links = _live(wanted, expires_at=expires_at, now=now, appointment=appointment, new=new)
    return {purpose: url_of(links[purpose]) if purpose in links else None for purpose in APPOINTMENT_PURPOSES}


def offer_links(offer: WaitlistOffer, *, now: datetime) -> dict[str, str]:
    """Claim and decline URLs for a waitlist offer; they expire with the offer."""
    links = _live(list(OFFER_PURPOSES), expires_at=offer.expires_at, now=now, offer=offer)
    return {purpose: url_of(links[purpose]) for purpose in OFFER_PURPOSES}


def live_paths(appointment: Appointment, *, now: datetime) -> dict[str, str]:
    """Site-relative URLs of the appointment's usable links by purpose, freshly signed (the view page's buttons)."""
    links = CustomerLink.objects.filter(appointment=appointment, used_at__isnull=True, expires_at__gt=now)
    return {link.purpose: reverse(f"customer-{link.purpose}", args=[sign(link)]) for link in links.order_by("id")}


def _purpose_of(token: str) -> str | None:
    """Which purpose's salt the token was signed with, if any (to tell a wrong-purpose link from a broken one)."""
    for purpose in LinkPurpose.values:
        try:
            _signer(purpose).unsign(token)
        except BadSignature:
            continue
        return purpose
    return None


def resolve(token: str, purpose: str, *, now: datetime, lock: bool = False) -> CustomerLink:
    """The link behind a token opened at `purpose`'s URL; LinkRefused says why not. `lock` for the state changes."""
    try:
        key = _signer(purpose).unsign(token, max_age=timedelta(days=settings.CUSTOMER_LINK_MAX_AGE_DAYS))
    except SignatureExpired:
        raise LinkRefused(
            410, "link_expired", "This link has expired. Please use the link in a newer message."
        ) from None
    except BadSignature:
        other = _purpose_of(token)
        if other is not None:
            raise LinkRefused(
                403, "wrong_purpose",
                f"This link is for \u201c{LinkPurpose(other).label.lower()}\u201d, not for "
                f"\u201c{LinkPurpose(purpose).label.lower()}\u201d. Use the matching link in your message.",
            ) from None  # fmt: skip
        raise LinkRefused(404, "invalid_link", "This link is not valid. Check that it was copied whole.") from None
    links = CustomerLink.objects.select_related(
        "appointment__definition", "appointment__location", "appointment__profile", "appointment__assigned_staff",
        "offer__entry", "offer__definition", "offer__location", "offer__staff",
    )  # fmt: skip
    if lock:
        links = links.select_for_update(of=("self",))
    link = links.filter(key=key, purpose=purpose).first()
    if link is None:  # revoked (an erasure) or never issued here
        raise LinkRefused(404, "invalid_link", "This link is not valid. Check that it was copied whole.")
    tz = (link.appointment or link.offer).location.timezone
    if link.used_at is not None:
        raise LinkRefused(410, "link_used", f"This link was already used, on {local_label(link.used_at, tz)}. "
                                            "It works only once.")  # fmt: skip
    if link.expires_at <= now:
        raise LinkRefused(410, "link_expired", f"This link expired on {local_label(link.expires_at, tz)}.")
    return link


def link_used(link: CustomerLink, *, actor: str, now: datetime, data: dict | None = None) -> None:
    """Record a use in the audit trail (inside the action's transaction); a one-time link is spent."""
    if link.purpose in ONE_TIME_PURPOSES:
        link.used_at = now
        link.save(update_fields=["used_at"])
    subject_type, subject_id = subject_of(link)
    audit_record(action=USE, actor=actor, subject_type=subject_type, subject_id=subject_id, now=now,
                 data={"purpose": link.purpose, "link_id": link.pk, **(data or {})})  # fmt: skip


def links_revoke(*, appointment_ids, offer_ids) -> int:
    """Delete the links of these appointments and offers (a person's erasure): their URLs become 404s."""
    deleted, _ = CustomerLink.objects.filter(appointment_id__in=list(appointment_ids)).delete()
    more, _ = CustomerLink.objects.filter(offer_id__in=list(offer_ids)).delete()
    return deleted + more
