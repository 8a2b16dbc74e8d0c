"""Writes for locations and their hours."""

from __future__ import annotations

from django.db import transaction

from core.records import record_create
from directory.models import Location, LocationNormalHour, LocationSpecialHour


@transaction.atomic
def location_create(*, normal_hours: list[dict] | None = None, special_hours: list[dict] | None = None, **fields):
    """Create a location with its hours in one go: all of it is stored, or none."""
    location = record_create(Location, **fields)
    for row in normal_hours or ():
        record_create(LocationNormalHour, location=location, **row)
    for row in special_hours or ():
        record_create(LocationSpecialHour, location=location, **row)
    return location
