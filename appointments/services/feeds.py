"""Issuing and revoking staff calendar feeds (docs/customer-links.md "Staff calendar feeds").

The secret is returned once and only its SHA-256 is kept, as for API tokens; both moves are audited.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from appointments.models import CalendarFeed
from core.errors import ValidationFailed
from directory.models import Location, Profile
from directory.selectors import token_hash
from directory.services.audit import audit_record

PREFIX = "cf_"


def feed_url(secret: str) -> str:
    return settings.PUBLIC_URL + reverse("calendar-feed", args=[secret])


@transaction.atomic
def feed_issue(
    *, staff: Profile | None = None, location: Location | None = None, name: str = "", created_by: str = "",
    now: datetime | None = None,
) -> tuple[CalendarFeed, str]:  # fmt: skip
    """A new feed for one staff member or one location; returns it with its URL, which cannot be shown again."""
    now = now or timezone.now()
    if (staff is None) == (location is None):
        raise ValidationFailed.on("staff", "A feed is for one staff member or one location.")
    secret = PREFIX + secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(
        name=name, staff=staff, location=location, prefix=secret[:8], key_hash=token_hash(secret), created_at=now,
        created_by=created_by,
    )  # fmt: skip
    audit_record(action="calendar_feed.issue", actor=created_by or "system", subject_type="calendar_feed",
                 subject_id=feed.pk, now=now, data={"staff": bool(staff), "location_id": feed.location_id})  # fmt: skip
    return feed, feed_url(secret)


@transaction.atomic
def feed_revoke(feed: CalendarFeed, *, actor: str, now: datetime | None = None) -> CalendarFeed:
    """Revoke a feed: its URL is a 404 from now on. Revoking twice keeps the first time."""
    now = now or timezone.now()
    if feed.revoked_at is None:
        feed.revoked_at = now
        feed.save(update_fields=["revoked_at"])
        audit_record(action="calendar_feed.revoke", actor=actor, subject_type="calendar_feed", subject_id=feed.pk,
                     now=now)  # fmt: skip
    return feed


def feed_fetched(feed: CalendarFeed, *, now: datetime) -> None:
    """Remember when a calendar app last fetched the feed (at most once a minute, to spare the database)."""
    if feed.last_used_at is None or (now - feed.last_used_at).total_seconds() >= 60:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
