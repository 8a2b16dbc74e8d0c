"""Request field types shared by the API: local datetimes with a sibling `timezone`, lenient dates."""

from __future__ import annotations

from datetime import UTC, date

from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


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

    default_error_messages = {"invalid": "Use 'YYYY-MM-DD HH:MM:SS' with a timezone, or ISO 8601 with an offset."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        try:
            value = parse_datetime(data.strip())
        except ValueError:
            value = None
        if value is None:
            self.fail("invalid")
        return value

    def to_representation(self, value):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class LenientDateField(serializers.DateField):
    """A date `YYYY-MM-DD`; a datetime string (Omneo sends `2020-12-24 00:00:00` for location hours) keeps its date."""

    def to_internal_value(self, value):
        if isinstance(value, str) and len(value.strip()) > 10:
            parsed = parse_datetime(value.strip())
            if parsed is not None:
                return parsed.date()
        return super().to_internal_value(value)

    def to_representation(self, value):
        return value.isoformat() if isinstance(value, date) else value
