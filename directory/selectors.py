"""Reads of the directory app that other apps and the API layer use."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import QuerySet

from directory.hours import Schedule, SpecialHours, WeeklyHours
from directory.models import ApiToken, Location, Profile, StaffAssignment

# last_used_at is written at most this often per token, so reads do not each become a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_authenticate(raw: str, *, now: datetime) -> ApiToken | None:
    """The usable token with that secret, or None; notes when it was last used."""
    token = ApiToken.objects.filter(key_hash=token_hash(raw)).first()
    if token is None or not token.is_usable(now):
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def schedule_from_rows(normal: Iterable, special: Iterable) -> Schedule:
    """Hours rows of any subject (location, staff profile, definition) as the pure resolver's Schedule."""
    weekly = tuple(WeeklyHours(row.weekday, *row.window()) for row in normal)
    specials = tuple(
        SpecialHours(
            row.start_at,
            row.end_at,
            row.is_repeating,
            *(row.window() or (None, None)),
        )
        for row in special
    )
    return Schedule(normal=weekly, special=specials)


def locations_visible_to_customers() -> QuerySet[Location]:
    return Location.objects.filter(is_published=True)


def profile_for(profile_id) -> Profile | None:
    return Profile.objects.filter(pk=profile_id).first()


def staff_assignments_at(location_id: int) -> QuerySet[StaffAssignment]:
    return StaffAssignment.objects.filter(location_id=location_id).select_related("profile", "location")
