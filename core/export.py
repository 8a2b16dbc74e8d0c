"""Rows as plain JSON-ready dicts, for personal-data exports (docs/privacy.md)."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from uuid import UUID
from zoneinfo import ZoneInfo

from django.db import models


def plain(value):
    """A column value as JSON data: datetimes in ISO 8601, UUIDs and time zones as strings."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, UUID | Decimal):
        return str(value)
    if isinstance(value, ZoneInfo):
        return value.key
    return value


def row(instance: models.Model, *, exclude: tuple[str, ...] = ()) -> dict:
    """Every column of a row by its API-style name (`location_id` for a foreign key), except `exclude`."""
    return {
        field.attname: plain(getattr(instance, field.attname))
        for field in instance._meta.concrete_fields
        if field.name not in exclude and field.attname not in exclude
    }
