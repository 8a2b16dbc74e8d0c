"""Waitlist offers: a freed place held for the oldest matching waitlist entry (DOMAIN.md "Waitlists").

When a holding appointment is cancelled, rejected, marked no-show or completed early, or rescheduled away, the
place it occupied is offered to the oldest active entry of the same definition and location whose desired local
date is that day (or unset) and whose desired staff member is the one freed (or unset). While the offer is `open`
it occupies the place exactly as the appointment did (selectors.fastpath.load_occupancy), so nobody else can book it. The
customer claims it (a booking of exactly that slot, in the same transaction as fulfilling the entry) or declines
it; a decline, an expiry (offers_expire, run by a periodic task) or the entry being closed passes the place on
to the next matching entry that has not been offered it yet.

Lock order, the same as booking's: the (definition, location) link row, then the staff member's profile row.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from appointments.admission import Purpose, admitted
from appointments.enums import OfferStatus, WaitlistStatus
from appointments.models import WaitlistEntry, WaitlistEvent, WaitlistOffer
from appointments.selectors.fastpath import lock_place
from appointments.services import notify
from appointments.services.transitions import Machine
from core.localtime import utc_iso

logger = logging.getLogger("appointments.waitlist")

# An open offer holds its place; every other status is final (claimed, declined, expired, withdrawn).
OFFER_ALLOWED = {OfferStatus.OPEN: frozenset(set(OfferStatus) - {OfferStatus.OPEN})}


def _stamp(offer: WaitlistOffer, before: str, to: str, actor: str, now: datetime) -> list[str]:
    offer.closed_at = now
    return ["closed_at"]


def _record(offer: WaitlistOffer, before: str, to: str, actor: str, reason: str, now: datetime, data) -> None:
    """An offer's history is its entry's: one event named for the new status."""
    WaitlistEvent.objects.create(
        entry_id=offer.entry_id,
        actor=actor,
        kind=to,
        reason=reason,
        at=now,
        data={"offer_id": offer.pk, **(data or {})},
    )


OFFER = Machine("waitlist offer", WaitlistOffer, OFFER_ALLOWED, _stamp, _record, touch=())


@dataclass(frozen=True)
class FreedPlace:
    """What an appointment occupied and no longer does."""

    definition_id: int
    location_id: int
    staff_id: str | None
    start_at: datetime
    end_at: datetime
    occupancy_start: datetime
    occupancy_end: datetime


def notify_waitlist_offer(offer: WaitlistOffer) -> None:
    """Write the `waitlist_offer` outbox row inside the offer's transaction (DOMAIN.md "Notifications")."""
    logger.info(
        "waitlist offer %s to entry %s: %s until %s", offer.pk, offer.entry_id, offer.start_at, offer.expires_at
    )
    notify.on_waitlist_offer(offer, now=offer.offered_at)


def _matching_entries(place: FreedPlace, tz, *, now: datetime):
    """Active entries that fit the place and have not been offered it yet, oldest first."""
    local_day = place.start_at.astimezone(tz).date()
    day_start = datetime.combine(local_day, datetime.min.time(), tzinfo=tz)
    day_end = day_start + timedelta(days=1)
    already = WaitlistOffer.objects.filter(
        entry=OuterRef("pk"), definition_id=place.definition_id, location_id=place.location_id,
        start_at=place.start_at,
    )  # fmt: skip
    busy = WaitlistOffer.objects.filter(entry=OuterRef("pk"), status=OfferStatus.OPEN)
    date_fits = Q(desired_start_at__isnull=True) | Q(desired_start_at__gte=day_start, desired_start_at__lt=day_end)
    staff_fits = Q(desired_staff__isnull=True)
    if place.staff_id:
        staff_fits |= Q(desired_staff_id=place.staff_id)
    entries = WaitlistEntry.objects.filter(
        definition_id=place.definition_id, location_id=place.location_id, status=WaitlistStatus.ACTIVE
    )
    # The staff reading of the rule: an offer is made by the system, not by a customer.
    return (
        admitted(entries, Purpose.WAITLIST, customer=False, prefix="definition__")
        .filter(date_fits, staff_fits)
        .exclude(Exists(already))
        .exclude(Exists(busy))
        .order_by("created_at", "id")
    )


def offer_place(place: FreedPlace, *, tz, actor: str = "system", now: datetime | None = None) -> WaitlistOffer | None:
    """Offer a freed place to the oldest matching entry (None when the place is past or nobody matches).

    Call inside the transaction that frees the place, so the place is never free for anybody else in between.
    """
    now = now or timezone.now()
    if place.start_at <= now:
        return None
    with transaction.atomic():
        lock_place(place.definition_id, place.location_id, place.staff_id)  # as booking locks, in the same order
        entry = _matching_entries(place, tz, now=now).first()
        if entry is None:
            return None
        offer = WaitlistOffer.objects.create(
            entry=entry, definition_id=place.definition_id, location_id=place.location_id, staff_id=place.staff_id,
            start_at=place.start_at, end_at=place.end_at, occupancy_start=place.occupancy_start,
            occupancy_end=place.occupancy_end, offered_at=now,
            expires_at=min(now + timedelta(minutes=settings.WAITLIST_OFFER_MINUTES), place.start_at),
        )  # fmt: skip
        WaitlistEvent.objects.create(
            entry=entry, actor=actor, kind="offer", from_status=entry.status, to_status=entry.status, at=now,
            data={"offer_id": offer.pk, "start_at": utc_iso(place.start_at), "expires_at": utc_iso(offer.expires_at)},
        )  # fmt: skip
        notify_waitlist_offer(offer)
    return offer


def place_of(offer: WaitlistOffer) -> FreedPlace:
    return FreedPlace(
        definition_id=offer.definition_id, location_id=offer.location_id,
        staff_id=str(offer.staff_id) if offer.staff_id else None, start_at=offer.start_at, end_at=offer.end_at,
        occupancy_start=offer.occupancy_start, occupancy_end=offer.occupancy_end,
    )  # fmt: skip


def offer_close(offer: WaitlistOffer, *, status: str, actor: str, now: datetime, reason: str = "",
                pass_on: bool = True) -> WaitlistOffer | None:  # fmt: skip
    """Close an open offer (declined, expired or withdrawn) and pass the place on to the next matching entry.

    The caller holds the entry's lock. Returns the next offer, if any.
    """
    OFFER.check(offer.status, status)
    OFFER.move(offer, status, actor=actor, reason=reason, now=now)
    if not pass_on:
        return None
    return offer_place(place_of(offer), tz=offer.location.timezone, actor=actor, now=now)


def open_offer_locked(entry: WaitlistEntry) -> WaitlistOffer | None:
    return (
        WaitlistOffer.objects.select_for_update()
        .select_related("location")
        .filter(entry=entry, status=OfferStatus.OPEN)
        .first()
    )


def offers_expire(*, now: datetime | None = None, limit: int = 500) -> int:
    """Expire open offers whose time is up and pass each place on; skips rows another worker is handling."""
    now = now or timezone.now()
    done = 0
    ids = list(
        WaitlistOffer.objects.filter(status=OfferStatus.OPEN, expires_at__lte=now)
        .order_by("expires_at", "id")
        .values_list("entry_id", flat=True)[:limit]
    )
    for entry_id in ids:
        with transaction.atomic():
            entry = WaitlistEntry.objects.select_for_update(skip_locked=True).filter(pk=entry_id).first()
            if entry is None:
                continue
            offer = open_offer_locked(entry)
            if offer is None or offer.expires_at > now:
                continue
            offer_close(offer, status=OfferStatus.EXPIRED, actor="system", now=now)
            done += 1
    return done
