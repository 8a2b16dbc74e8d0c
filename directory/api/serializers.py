from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers

from core.api.fields import ApiDateTimeField, LenientDateField
from core.api.serializers import OutputModelSerializer
from core.api.timezones import TimeZoneSerializerField
from directory.models import (
    ApiToken,
    Location,
    LocationNormalHour,
    LocationSpecialHour,
    Profile,
    ProfileNormalHour,
    ProfileSpecialHour,
    StaffAssignment,
)

HOUR_STAMPS = ("created_at", "updated_at")


class WindowInputMixin:
    """Checks the two times of an hours row as they will be after this (possibly partial) write."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        start_field, end_field = model.WINDOW_FIELDS
        if attrs.pop("is_closed", False):
            attrs[start_field] = attrs[end_field] = None
        current = {name: getattr(self.instance, name, None) for name in (start_field, end_field)}
        start = attrs.get(start_field, current[start_field])
        end = attrs.get(end_field, current[end_field])
        if (start is None) != (end is None):
            missing = start_field if start is None else end_field
            raise serializers.ValidationError({missing: [f"Give both {start_field} and {end_field}, or neither."]})
        if start is not None and start >= end:
            raise serializers.ValidationError({end_field: [f"{end_field} must be after {start_field}."]})
        if "start_at" in attrs or "end_at" in attrs:
            first = attrs.get("start_at", getattr(self.instance, "start_at", None))
            last = attrs.get("end_at", getattr(self.instance, "end_at", None))
            if first and last and last < first:
                raise serializers.ValidationError({"end_at": ["end_at must be on or after start_at."]})
        return attrs


def special_hour_fields(start: str, end: str) -> tuple[str, ...]:
    return ("name", "start_at", "end_at", "is_repeating", start, end)


class SpecialHourInputBase(WindowInputMixin, serializers.ModelSerializer):
    start_at = LenientDateField()
    end_at = LenientDateField()
    is_closed = serializers.BooleanField(required=False, write_only=True)


# Locations -----------------------------------------------------------------------------------------------


class LocationNormalHourSerializer(OutputModelSerializer):
    class Meta:
        model = LocationNormalHour
        fields = ("id", "location_id", "day_of_week", "open_at", "close_at", *HOUR_STAMPS)


class LocationSpecialHourSerializer(OutputModelSerializer):
    start_at = LenientDateField()
    end_at = LenientDateField()

    class Meta:
        model = LocationSpecialHour
        fields = ("id", "location_id", *special_hour_fields("open_at", "close_at"), "is_closed", *HOUR_STAMPS)


class LocationNormalHourInput(WindowInputMixin, serializers.ModelSerializer):
    class Meta:
        model = LocationNormalHour
        fields = ("day_of_week", "open_at", "close_at")


class LocationSpecialHourInput(SpecialHourInputBase):
    class Meta:
        model = LocationSpecialHour
        fields = (*special_hour_fields("open_at", "close_at"), "is_closed")


class LocationSerializer(OutputModelSerializer):
    timezone = TimeZoneSerializerField()
    normal_hours = LocationNormalHourSerializer(many=True)
    special_hours = LocationSpecialHourSerializer(many=True)

    class Meta:
        model = Location
        fields = (
            "id", "handle", "name", "timezone", "phone", "email", "address", "is_published",
            "normal_hours", "special_hours", "created_at", "updated_at",
        )  # fmt: skip


class LocationInput(serializers.ModelSerializer):
    timezone = TimeZoneSerializerField()
    normal_hours = LocationNormalHourInput(many=True, required=False)
    special_hours = LocationSpecialHourInput(many=True, required=False)
    phone = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=64)
    email = serializers.EmailField(required=False, allow_blank=True, allow_null=True)

    class Meta:
        model = Location
        fields = ("handle", "name", "timezone", "phone", "email", "address", "is_published",
                  "normal_hours", "special_hours")  # fmt: skip

    def validate(self, attrs):
        for name in ("phone", "email"):
            if name in attrs and attrs[name] is None:
                attrs[name] = ""
        sent = [name for name in ("normal_hours", "special_hours") if name in attrs]
        if self.instance is not None and sent:
            raise serializers.ValidationError(
                {name: ["Change hours through /locations/{id}/normal-hours and /special-hours."] for name in sent}
            )
        return attrs


class LocationSummarySerializer(OutputModelSerializer):
    class Meta:
        model = Location
        fields = ("id", "name", "handle")


# Profiles ------------------------------------------------------------------------------------------------


class ProfileSummarySerializer(OutputModelSerializer):
    class Meta:
        model = Profile
        fields = ("id", "first_name", "last_name", "email")


class ProfileSerializer(OutputModelSerializer):
    class Meta:
        model = Profile
        fields = ("id", "first_name", "last_name", "email", "mobile_phone", "attributes", "created_at", "updated_at")


class ProfileInput(serializers.ModelSerializer):
    attributes = serializers.DictField(required=False)

    class Meta:
        model = Profile
        fields = ("first_name", "last_name", "email", "mobile_phone", "attributes")
        extra_kwargs = {name: {"allow_null": True} for name in ("first_name", "last_name", "email", "mobile_phone")}

    def validate(self, attrs):
        return {key: ("" if value is None and key != "attributes" else value) for key, value in attrs.items()}


class ProfileNormalHourSerializer(OutputModelSerializer):
    class Meta:
        model = ProfileNormalHour
        fields = ("id", "profile_id", "day_of_week", "available_from", "available_until", *HOUR_STAMPS)


class ProfileSpecialHourSerializer(OutputModelSerializer):
    start_at = LenientDateField()
    end_at = LenientDateField()

    class Meta:
        model = ProfileSpecialHour
        fields = (
            "id", "profile_id", *special_hour_fields("available_from", "available_until"), "is_closed", *HOUR_STAMPS,
        )  # fmt: skip


class ProfileNormalHourInput(WindowInputMixin, serializers.ModelSerializer):
    class Meta:
        model = ProfileNormalHour
        fields = ("day_of_week", "available_from", "available_until")


class ProfileSpecialHourInput(SpecialHourInputBase):
    class Meta:
        model = ProfileSpecialHour
        fields = (*special_hour_fields("available_from", "available_until"), "is_closed")


# Staff assignments ---------------------------------------------------------------------------------------


class StaffAssignmentSerializer(OutputModelSerializer):
    location = LocationSummarySerializer()
    profile = ProfileSummarySerializer()

    class Meta:
        model = StaffAssignment
        fields = (
            "id", "location_id", "location", "profile_id", "profile", "assignment_type", "role_type", "is_default",
            "is_active", "starts_at", "ends_at", "sort_order", "excluded_service_handles", "external_id", "notes",
            "meta", "created_at", "updated_at",
        )  # fmt: skip


class StaffAssignmentInput(serializers.ModelSerializer):
    profile_id = serializers.PrimaryKeyRelatedField(queryset=Profile.objects.all(), source="profile")
    starts_at = ApiDateTimeField(required=False, allow_null=True)
    ends_at = ApiDateTimeField(required=False, allow_null=True)
    excluded_service_handles = serializers.ListField(
        child=serializers.CharField(), required=False, allow_null=True, allow_empty=True
    )

    class Meta:
        model = StaffAssignment
        fields = (
            "profile_id", "assignment_type", "role_type", "is_default", "is_active", "starts_at", "ends_at",
            "sort_order", "excluded_service_handles", "external_id", "notes", "meta",
        )  # fmt: skip
        extra_kwargs = {"assignment_type": {"required": True}, "role_type": {"allow_null": True}}

    def validate(self, attrs):
        if "excluded_service_handles" in attrs and attrs["excluded_service_handles"] is None:
            attrs["excluded_service_handles"] = []
        if "role_type" in attrs and attrs["role_type"] is None:
            attrs["role_type"] = ""
        starts = attrs.get("starts_at", getattr(self.instance, "starts_at", None))
        ends = attrs.get("ends_at", getattr(self.instance, "ends_at", None))
        if starts and ends and ends <= starts:
            raise serializers.ValidationError({"ends_at": ["ends_at must be after starts_at."]})
        return attrs


# Tokens --------------------------------------------------------------------------------------------------


class TokenSerializer(OutputModelSerializer):
    class Meta:
        model = ApiToken
        fields = ("id", "name", "kind", "prefix", "profile_id", "scopes", "expires_at", "revoked_at",
                  "last_used_at", "created_at")  # fmt: skip


class IssuedTokenSerializer(TokenSerializer):
    """A token as issued: the raw secret is shown this once."""

    token = serializers.CharField()

    class Meta(TokenSerializer.Meta):
        fields = (*TokenSerializer.Meta.fields, "token")


class CustomerTokenInput(serializers.Serializer):
    name = serializers.CharField(max_length=255, required=False, default="customer app")
    expires_at = ApiDateTimeField(required=False, allow_null=True)

    def validate_expires_at(self, value):
        # A token born expired is a mistake (the API date window already refuses the far past).
        if value is not None and value <= timezone.now():
            raise serializers.ValidationError("Must be in the future.")
        return value
