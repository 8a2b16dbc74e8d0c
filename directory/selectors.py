"""Reads of the directory app that other apps and the API layer use."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from core.reads import row_by
from directory.enums import DayOfWeek
from directory.hours import Schedule, SpecialHours, WeeklyHours
from directory.models import ApiToken, Location, OperatorAccess

# last_used_at is written at most this often per token, so reads do not each become a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_authenticate(raw: str, *, now: datetime) -> ApiToken | None:
    """The usable token with that secret, or None; notes when it was last used."""
    token = row_by(ApiToken, "key_hash", token_hash(raw))  # every API request: prebuilt SQL
    if token is None or not token.is_usable(now):
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


DAY_INDEX = {day.value: index for index, day in enumerate(DayOfWeek)}


def weekly_rows(normal: QuerySet, owner) -> QuerySet:
    """(owner, day_of_week, start, end) tuples of normal-hours rows; `owner` is a field name or an expression."""
    start, end = normal.model.WINDOW_FIELDS
    return normal.order_by().values_list(owner, "day_of_week", start, end)


def dated_rows(special: QuerySet, owner) -> QuerySet:
    """(owner, start_at, end_at, is_repeating, start, end) tuples of special-hours rows."""
    start, end = special.model.WINDOW_FIELDS
    return special.order_by().values_list(owner, "start_at", "end_at", "is_repeating", start, end)


def schedules_from_rows(weekly: Iterable, dated: Iterable) -> dict[Any, Schedule]:
    """The resolver's Schedules, keyed by owner, from weekly_rows and dated_rows tuples."""
    normal: dict[Any, list] = defaultdict(list)
    for key, day, opens, closes in weekly:
        normal[key].append(WeeklyHours(DAY_INDEX[day], opens, closes))
    special: dict[Any, list] = defaultdict(list)
    for key, first, last, repeating, opens, closes in dated:
        special[key].append(SpecialHours(first, last, repeating, opens, closes))
    return {
        key: Schedule(tuple(normal.get(key, ())), tuple(special.get(key, ()))) for key in normal.keys() | special.keys()
    }


def schedules_by_owner(normal: QuerySet, special: QuerySet, owner: str) -> dict[Any, Schedule]:
    """Hours of any subjects (locations, staff profiles, definitions) keyed by `owner` (e.g. "profile_id"):
    two queries whatever the number of subjects, reading plain tuples."""
    return schedules_from_rows(weekly_rows(normal, owner), dated_rows(special, owner))


def locations_visible_to_customers() -> QuerySet[Location]:
    return Location.objects.filter(is_published=True)


def location_ids_for(user) -> frozenset[int] | None:
    """The ids of the locations this admin user may see, or None for all of them (superusers, and users without
    an OperatorAccess row). Read once per request: the answer is kept on the user object."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    if user.is_superuser:
        return None
    if not hasattr(user, "_console_location_ids"):
        access = OperatorAccess.objects.filter(user=user).first()
        user._console_location_ids = (
            None if access is None else frozenset(access.locations.values_list("pk", flat=True))
        )
    return user._console_location_ids


def local_today(locations: Iterable[Location], *, now: datetime) -> date:
    """ "Today" for a report over these locations: the latest of their local dates, so that no location's today is
    left out (a Melbourne location is a day ahead of UTC in its morning). The UTC date when there are none."""
    zones = {location.timezone.key: location.timezone for location in locations}
    return max((now.astimezone(zone).date() for zone in zones.values()), default=now.astimezone(UTC).date())


def actor_label(actor: str) -> str:
    """How the console names an actor of the audit trail ("user:3", "token:7", "system", "cli:ops"): the user's name,
    the token's name (or, for a customer app, the customer's), instead of an id."""
    kind, _, key = actor.partition(":")
    if kind == "user" and key.isdigit():
        user = get_user_model().objects.filter(pk=key).first()
        if user is not None:
            return user.get_full_name() or user.get_username()
    elif kind == "token" and key.isdigit():
        token = ApiToken.objects.select_related("profile").filter(pk=key).first()
        if token is not None:
            return f"{token.profile} (customer app)" if token.profile_id else f"{token.name} (API token)"
    elif actor == "system":
        return "System"
    elif kind == "cli":
        return f"{key} (command line)"
    return actor
