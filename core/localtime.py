"""Reading local wall times the way DOMAIN.md "Time" says: gaps are errors, repeated hours mean the first."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.errors import ValidationFailed


def localize(value: datetime, tz: ZoneInfo, field: str) -> datetime:
    """Make a datetime aware: naive values are wall times in `tz`. A wall time inside a daylight-saving gap is a
    422 on `field`; an ambiguous one (the repeated hour) means its first occurrence (fold=0). Returns UTC."""
    try:
        if value.tzinfo is not None:
            return value.astimezone(UTC)
        aware = value.replace(tzinfo=tz, fold=0)
        instant = aware.astimezone(UTC)
        round_trip = instant.astimezone(tz).replace(tzinfo=None)
    except OverflowError:  # within a day of year 1 or 9999: the offset pushes it out of datetime's range
        raise ValidationFailed.on(field, f"{value:%Y-%m-%d %H:%M:%S} is out of range.") from None
    if round_trip != value:
        raise ValidationFailed.on(field, f"{value:%Y-%m-%d %H:%M:%S} does not exist in {tz.key} (daylight-saving gap).")
    return instant


def local_day_bounds(tz: ZoneInfo, day: date) -> tuple[datetime, datetime]:
    """The UTC instants where local `day` starts and the next local day starts (23 or 25 hours apart across a
    daylight-saving change). A midnight inside a gap is read as zoneinfo does (the offset before the change)."""
    start = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    return start, end


def local_label(value: datetime | None, tz: ZoneInfo, fmt: str = "%a %d %b %Y %H:%M %Z") -> str:
    """A UTC instant as wall time at the location, with the zone's abbreviation ("Mon 30 Nov 2026 09:00 AEDT")."""
    return "" if value is None else value.astimezone(tz).strftime(fmt)


def local_moment(value: datetime, tz: ZoneInfo) -> str:
    """An instant as the location's wall time with its zone, the one style of times in messages and errors
    ("2026-12-08 09:00 Australia/Melbourne")."""
    return f"{value.astimezone(tz):%Y-%m-%d %H:%M} {tz.key}"


def utc_iso(value: datetime | None) -> str | None:
    """An instant as API.md writes it: UTC, whole seconds, `Z` ("2026-05-11T00:00:00Z"); None stays None.

    The one formatter for instants in API answers, event data and notification contexts."""
    # isoformat() is C and several times faster than strftime; years are 1900-2999 (core.api.fields), so the two
    # agree to the character.
    return None if value is None else value.astimezone(UTC).isoformat(timespec="seconds")[:19] + "Z"
