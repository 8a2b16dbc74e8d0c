"""Request field types shared by the API: local datetimes with a sibling `timezone`, lenient dates, and the one
window every date and time the API reads must fall in (API.md "Limits")."""

from __future__ import annotations

from datetime import date, datetime

from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.localtime import utc_iso

# Far enough inside datetime's years 1-9999 that a zone offset, a day's arithmetic or a booking's duration never
# overflows, and wide enough for any real appointment, visit, report or filter.
EARLIEST = date(1900, 1, 1)
LATEST = date(2999, 12, 31)
OUT_OF_RANGE = f"Dates must fall between {EARLIEST.isoformat()} and {LATEST.isoformat()}."


def in_api_range(value: date | datetime) -> bool:
    day = value.date() if isinstance(value, datetime) else value
    return EARLIEST <= day <= LATEST


class InApiWindow:
    """Mixed into a DRF date or datetime field: the parsed value must fall inside the API's window."""

    default_error_messages = {"range": OUT_OF_RANGE}

    def to_internal_value(self, value):
        parsed = super().to_internal_value(value)
        if not in_api_range(parsed):
            self.fail("range")
        return parsed


class ApiDateField(InApiWindow, serializers.DateField):
    """`YYYY-MM-DD` inside the API's window."""


class ApiDateTimeField(InApiWindow, serializers.DateTimeField):
    """An ISO 8601 instant inside the API's window."""


@extend_schema_field(
    {
        "type": "string",
        "description": "'YYYY-MM-DD HH:MM:SS' local to `timezone` (or to the location), or ISO 8601 with an offset.",
        "example": "2026-05-11 10:00:00",
    },
    component_name=None,
)
class LocalDateTimeField(serializers.Field):
    """`YYYY-MM-DD HH:MM:SS` (naive, local to a `timezone` given elsewhere) or ISO 8601 with an offset.

    Returns a naive datetime for the first form and an aware one for the second; `localize` finishes the job
    once the time zone is known. Output is ISO 8601 UTC with `Z`.
    """

    default_error_messages = {
        "invalid": "Use 'YYYY-MM-DD HH:MM:SS' with a timezone, or ISO 8601 with an offset.",
        "range": OUT_OF_RANGE,
    }

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        try:
            value = parse_datetime(data.strip())
        except ValueError:
            value = None
        if value is None:
            self.fail("invalid")
        if not in_api_range(value):
            self.fail("range")
        return value

    def to_representation(self, value):
        return utc_iso(value)


class LenientDateField(ApiDateField):
    """A date `YYYY-MM-DD`; a datetime string (Omneo sends `2020-12-24 00:00:00` for location hours) keeps its date."""

    def to_internal_value(self, value):
        if isinstance(value, str) and len(value.strip()) > 10:
            try:
                parsed = parse_datetime(value.strip())
            except ValueError:  # well formed but impossible ("2020-13-45 00:00:00")
                self.fail("invalid", format="YYYY-MM-DD")
            if parsed is not None:
                return super().to_internal_value(parsed.date())  # the window check of InApiWindow
        return super().to_internal_value(value)

    def to_representation(self, value):
        return value.isoformat() if isinstance(value, date) else value
