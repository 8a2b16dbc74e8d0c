"""The IANA time zone request field every serializer uses."""

from __future__ import annotations

from timezone_field.rest_framework import TimeZoneSerializerField as BaseTimeZoneField


class TimeZoneSerializerField(BaseTimeZoneField):
    """django-timezone-field's field, but a name zoneinfo refuses outright ("../x", "/UTC", "a//b") or a value that
    is not a string is a 422 on the field instead of zoneinfo's ValueError (a 500)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        try:
            return super().to_internal_value(data)
        except ValueError:
            self.fail("invalid")
