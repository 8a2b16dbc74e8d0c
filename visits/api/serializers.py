from __future__ import annotations

from rest_framework import serializers

from core.api.fields import ApiDateField, LocalDateTimeField
from core.api.serializers import InputSerializer, OutputModelSerializer, OutputSerializer
from core.api.timezones import TimeZoneSerializerField
from directory.models import Location, Profile
from visits.enums import VisitSource
from visits.models import Visit


class VisitPersonSerializer(OutputModelSerializer):
    class Meta:
        model = Profile
        fields = ("id", "first_name", "last_name", "email")


class VisitLocationSerializer(OutputModelSerializer):
    timezone = serializers.CharField(source="timezone.key")

    class Meta:
        model = Location
        fields = ("id", "name", "handle", "timezone")


class VisitSerializer(OutputModelSerializer):
    location = VisitLocationSerializer()
    profile_id = serializers.UUIDField(allow_null=True)
    profile = VisitPersonSerializer(allow_null=True)
    staff_id = serializers.UUIDField(allow_null=True)
    staff = VisitPersonSerializer(allow_null=True)
    visited_at = LocalDateTimeField()
    # Omneo's concept page calls the same instant occurred_at; both are shown.
    occurred_at = LocalDateTimeField(source="visited_at")
    timezone = serializers.CharField(source="timezone.key")
    tags = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = Visit
        fields = (
            "id", "location_id", "location", "profile_id", "profile", "visited_at", "occurred_at", "timezone",
            "staff_id", "staff", "appointment_id", "queue_entry_id", "source", "external_id", "tags", "type",
            "notes", "duration_minutes", "created_at", "updated_at",
        )  # fmt: skip

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if self.context.get("customer") and data["staff"] is not None:
            data["staff"] = {**data["staff"], "email": None}
        return data


class VisitInput(InputSerializer):
    location_id = serializers.PrimaryKeyRelatedField(queryset=Location.objects.all(), source="location")
    profile_id = serializers.PrimaryKeyRelatedField(
        queryset=Profile.objects.all(), source="profile", required=False, allow_null=True
    )
    visited_at = LocalDateTimeField()
    timezone = TimeZoneSerializerField(required=False, allow_null=True)
    staff_id = serializers.PrimaryKeyRelatedField(
        queryset=Profile.objects.all(), source="staff", required=False, allow_null=True
    )
    appointment_id = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    queue_entry_id = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    source = serializers.ChoiceField(choices=VisitSource.choices, required=False, default=VisitSource.MANUAL)
    external_id = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=255)
    tags = serializers.ListField(child=serializers.CharField(max_length=100), required=False, allow_null=True)
    type = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=64)
    notes = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    duration_minutes = serializers.IntegerField(required=False, allow_null=True, min_value=0)

    def validate(self, attrs):
        for name in ("external_id", "type", "notes"):
            if name in attrs and attrs[name] is None:
                attrs[name] = ""
        if "tags" in attrs and attrs["tags"] is None:
            attrs["tags"] = []
        return attrs


class VisitUpdateInput(VisitInput):
    """A PUT changes only the fields it sends; the location and the time stay unless sent."""

    location_id = serializers.PrimaryKeyRelatedField(queryset=Location.objects.all(), source="location", required=False)
    visited_at = LocalDateTimeField(required=False)
    source = serializers.ChoiceField(choices=VisitSource.choices, required=False)


class ProfileVisitInput(VisitInput):
    """On /profiles/{uuid}/visits the profile comes from the URL."""

    profile_id = serializers.UUIDField(required=False, allow_null=True)


class ReportQuery(InputSerializer):
    location_id = serializers.PrimaryKeyRelatedField(queryset=Location.objects.all(), source="location")
    start_date = ApiDateField()
    end_date = ApiDateField()


class FootfallDaySerializer(OutputSerializer):
    date = serializers.DateField()
    total = serializers.IntegerField()
    by_source = serializers.DictField(child=serializers.IntegerField())


class FootfallMetaSerializer(OutputSerializer):
    location_id = serializers.IntegerField()
    timezone = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    total = serializers.IntegerField()


class FootfallReportSerializer(OutputSerializer):
    """The response body (schema only)."""

    data = FootfallDaySerializer(many=True)
    meta = FootfallMetaSerializer()
