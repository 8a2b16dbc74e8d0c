"""Definitions, their hours, locations and staff links: what the API shows and what it accepts."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from appointments.enums import NOTIFICATION_EVENTS
from appointments.models import (
    AppointmentDefinition,
    DefinitionLocation,
    DefinitionNormalHour,
    DefinitionSpecialHour,
    DefinitionStaff,
)
from core.api.fields import LenientDateField
from core.api.serializers import OutputModelSerializer
from directory.api.serializers import (
    HOUR_STAMPS,
    LocationSummarySerializer,
    SpecialHourInputBase,
    WindowInputMixin,
    special_hour_fields,
)
from directory.models import Location, Profile
from notifications.models import Target
from questionnaires.api.serializers import FormSerializer, booking_questionnaire_body

NOTIFICATION_FIELDS = tuple(
    name
    for event in NOTIFICATION_EVENTS
    for name in (f"{event}_target_id", f"notify_{event}_offset_days", f"notify_{event}_offset_hours")
)


def _target_fields(*, write: bool) -> dict[str, serializers.Field]:
    """`<event>_target_id` for every event: the target's id out; in, an existing target's id (else a 4xx)."""
    if write:
        return {
            f"{event}_target_id": serializers.PrimaryKeyRelatedField(
                queryset=Target.objects.all(), source=f"{event}_target", allow_null=True, required=False
            )
            for event in NOTIFICATION_EVENTS
        }
    return {f"{event}_target_id": serializers.IntegerField(allow_null=True) for event in NOTIFICATION_EVENTS}


TEXT_FIELDS = ("description", "short_description", "long_description", "icon", "image_url", "terms_conditions",
               "internal_notes")  # fmt: skip
RULE_FIELDS = (
    "is_published", "is_archived", "duration_minutes", "buffer_before_minutes", "buffer_after_minutes",
    "min_lead_minutes", "max_advance_days", "slot_interval_minutes", "booking_type", "allow_customer_booking",
    "allow_walk_in", "requires_staff", "customer_must_select_staff", "use_staff_from_location",
    "max_concurrent_bookings", "allow_waitlist", "allow_queue", "meta",
)  # fmt: skip
# What customers may do from the links in their messages (docs/customer-links.md); not part of Omneo's resource.
LINK_FIELDS = ("customer_cancel_notice_hours", "customer_reschedule_notice_hours")


class DefinitionNormalHourSerializer(OutputModelSerializer):
    appointment_definition_id = serializers.IntegerField(source="definition_id")
    is_closed = serializers.SerializerMethodField()

    class Meta:
        model = DefinitionNormalHour
        fields = ("id", "appointment_definition_id", "day_of_week", "available_from", "available_until", "is_closed",
                  *HOUR_STAMPS)  # fmt: skip

    def get_is_closed(self, obj) -> bool:
        return False


class DefinitionSpecialHourSerializer(OutputModelSerializer):
    appointment_definition_id = serializers.IntegerField(source="definition_id")
    start_at = LenientDateField()
    end_at = LenientDateField()

    class Meta:
        model = DefinitionSpecialHour
        fields = ("id", "appointment_definition_id", *special_hour_fields("available_from", "available_until"),
                  "is_closed", *HOUR_STAMPS)  # fmt: skip


class DefinitionNormalHourInput(WindowInputMixin, serializers.ModelSerializer):
    class Meta:
        model = DefinitionNormalHour
        fields = ("day_of_week", "available_from", "available_until")


class DefinitionSpecialHourInput(SpecialHourInputBase):
    class Meta:
        model = DefinitionSpecialHour
        fields = (*special_hour_fields("available_from", "available_until"), "is_closed")


class StaffSummarySerializer(OutputModelSerializer):
    class Meta:
        model = Profile
        fields = ("id", "first_name", "last_name", "email", "mobile_phone")


class DefinitionLocationSerializer(OutputModelSerializer):
    appointment_definition_id = serializers.IntegerField(source="definition_id")
    location = LocationSummarySerializer()

    class Meta:
        model = DefinitionLocation
        fields = ("id", "appointment_definition_id", "location_id", "is_active", "location", *HOUR_STAMPS)


class DefinitionLocationInput(serializers.Serializer):
    location_id = serializers.PrimaryKeyRelatedField(queryset=Location.objects.all(), source="location")
    is_active = serializers.BooleanField(required=False, default=True)


class DefinitionLocationUpdateInput(serializers.Serializer):
    is_active = serializers.BooleanField()


class DefinitionStaffSerializer(OutputModelSerializer):
    appointment_definition_id = serializers.IntegerField(source="definition_id")
    staff_id = serializers.UUIDField()
    staff = StaffSummarySerializer()

    class Meta:
        model = DefinitionStaff
        fields = ("id", "appointment_definition_id", "staff_id", "is_active", "sort_order", "staff", *HOUR_STAMPS)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if self.context.get("customer"):
            # Customers see who the staff are, not how to reach them.
            data["staff"] = {**data["staff"], "email": None, "mobile_phone": None}
        return data


class DefinitionStaffInput(serializers.Serializer):
    staff_id = serializers.PrimaryKeyRelatedField(queryset=Profile.objects.all(), source="staff")
    is_active = serializers.BooleanField(required=False, default=True)
    sort_order = serializers.IntegerField(required=False, default=0)


class DefinitionStaffUpdateInput(serializers.Serializer):
    is_active = serializers.BooleanField(required=False)
    sort_order = serializers.IntegerField(required=False)


class StaffOnlyNotesMixin:
    """`internal_notes` is for staff, by its name: customer tokens get null."""

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if self.context.get("customer"):
            data["internal_notes"] = None
        return data


class DefinitionSerializer(StaffOnlyNotesMixin, OutputModelSerializer):
    normal_hours = DefinitionNormalHourSerializer(many=True)
    special_hours = DefinitionSpecialHourSerializer(many=True)
    locations = DefinitionLocationSerializer(many=True, source="location_links")
    staff = DefinitionStaffSerializer(many=True, source="staff_links")
    has_booking_questionnaire = serializers.BooleanField()
    booking_questionnaire = serializers.SerializerMethodField()
    locals().update(_target_fields(write=False))

    class Meta:
        model = AppointmentDefinition
        fields = ("id", "handle", "name", *TEXT_FIELDS, "visibility_condition", "queue_code", *RULE_FIELDS,
                  *LINK_FIELDS, *NOTIFICATION_FIELDS, "has_booking_questionnaire", "created_at", "updated_at",
                  "normal_hours", "special_hours", "locations", "staff", "booking_questionnaire")  # fmt: skip

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "description": "{id, name, handle, purpose, is_active, version, questionnaire_version_id, questions: [slot]} or null",
        }
    )
    def get_booking_questionnaire(self, obj) -> dict | None:
        return booking_questionnaire_body(obj.booking_questionnaire)


class DefinitionSummarySerializer(StaffOnlyNotesMixin, OutputModelSerializer):
    """The definition embedded in other resources (appointments): its fields without the nested lists."""

    has_booking_questionnaire = serializers.BooleanField()

    class Meta:
        model = AppointmentDefinition
        fields = ("id", "handle", "name", *TEXT_FIELDS, "visibility_condition", "queue_code", *RULE_FIELDS,
                  "has_booking_questionnaire", "created_at", "updated_at")  # fmt: skip


class DefinitionInput(serializers.ModelSerializer):
    normal_hours = DefinitionNormalHourInput(many=True, required=False)
    special_hours = DefinitionSpecialHourInput(many=True, required=False)
    location_ids = serializers.PrimaryKeyRelatedField(queryset=Location.objects.all(), many=True, required=False)
    staff_ids = serializers.PrimaryKeyRelatedField(queryset=Profile.objects.all(), many=True, required=False)
    booking_questionnaire = serializers.JSONField(required=False, allow_null=True)
    booking_questionnaire_id = serializers.IntegerField(required=False, allow_null=True)
    locals().update(_target_fields(write=True))

    class Meta:
        model = AppointmentDefinition
        fields = ("handle", "name", *TEXT_FIELDS, "visibility_condition", *RULE_FIELDS, *LINK_FIELDS,
                  *NOTIFICATION_FIELDS, "normal_hours", "special_hours", "location_ids", "staff_ids",
                  "booking_questionnaire", "booking_questionnaire_id")  # fmt: skip
        extra_kwargs = {
            "booking_type": {"required": True},
            **{name: {"allow_null": True, "required": False} for name in TEXT_FIELDS},
        }

    def validate_booking_questionnaire(self, value):
        if value is not None and not isinstance(value, dict):
            raise serializers.ValidationError("An object: {id} of an existing questionnaire, or a new form inline.")
        return value

    def validate(self, attrs):
        for name in TEXT_FIELDS:
            if name in attrs and attrs[name] is None:
                attrs[name] = ""
        if self.instance is not None:
            nested = [name for name in ("normal_hours", "special_hours", "location_ids", "staff_ids") if name in attrs]
            if nested:
                raise serializers.ValidationError(
                    {nested[0]: ["Change these through the definition's nested endpoints."]}
                )
        return attrs


class QuestionsSerializer(FormSerializer):
    """GET /appointment-definitions/{id}/questions: the active booking form (questionnaires' shape)."""
