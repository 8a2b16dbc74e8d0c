"""Reading local wall times the way DOMAIN.md "Time" says: gaps are errors, repeated hours mean the first."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from config.errors import ValidationFailed


def localize(value: datetime, tz: ZoneInfo, field: str) -> datetime:
    """Make a datetime aware: naive values are wall times in `tz`. A wall time inside a daylight-saving gap is a
    422 on `field`; an ambiguous one (the repeated hour) means its first occurrence (fold=0). Returns UTC."""
    if value.tzinfo is not None:
        return value.astimezone(UTC)
    aware = value.replace(tzinfo=tz, fold=0)
    if aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != value:
        raise ValidationFailed.on(field, f"{value:%Y-%m-%d %H:%M:%S} does not exist in {tz.key} (daylight-saving gap).")
    return aware.astimezone(UTC)
