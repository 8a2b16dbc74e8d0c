"""Appointments, their links and events: what the API shows and what it accepts."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from appointments.api.serializers.definitions import DefinitionSummarySerializer
from appointments.enums import AppointmentStatus
from appointments.models import Appointment
from core.api.fields import LocalDateTimeField
from core.api.serializers import InputSerializer, OutputModelSerializer, OutputSerializer
from core.api.timezones import TimeZoneSerializerField
from directory.models import Location, Profile
from questionnaires.api.serializers import AnswerSerializer
from questionnaires.selectors import answers_by_appointment

TRANSACTION_KEYS = ("id", "external_id", "receipt_ref")
ORDER_KEYS = ("id", "external_id", "receipt_ref", "order_number")


class ResolverField(serializers.JSONField):
    """Omneo's resolver objects (`transaction`, `order`): any of a few identifying keys, or null to detach."""

    def __init__(self, keys: tuple[str, ...], **kwargs):
        self.keys = keys
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        data = super().to_internal_value(data)
        if data is None:
            return None
        if not isinstance(data, dict) or not data:
            raise serializers.ValidationError(f"Give an object with any of: {', '.join(self.keys)}.")
        unknown = sorted(set(data) - set(self.keys))
        if unknown:
            raise serializers.ValidationError(f"Unknown keys {', '.join(unknown)}; allowed: {', '.join(self.keys)}.")
        return {key: data.get(key) for key in self.keys}

    def to_representation(self, value):
        if value is None:
            return None
        return {key: value.get(key) for key in self.keys}


class PersonSerializer(OutputModelSerializer):
    class Meta:
        model = Profile
        fields = ("id", "first_name", "last_name", "email")


class LocationBriefSerializer(OutputModelSerializer):
    timezone = serializers.CharField(source="timezone.key")

    class Meta:
        model = Location
        fields = ("id", "name", "handle", "timezone")


class AppointmentListSerializer(serializers.ListSerializer):
    """Loads the answers of every appointment of the page in one query (none when nobody answered a form)."""

    def to_representation(self, data):
        rows = list(data.all() if hasattr(data, "all") else data)
        pinned = [row.pk for row in rows if row.questionnaire_version_id is not None]
        if pinned:
            answers = answers_by_appointment(pinned)
            for row in rows:
                if row.questionnaire_version_id is not None:
                    row.booked_answers = answers.get(row.pk, [])
        return super().to_representation(rows)


class AppointmentSerializer(OutputModelSerializer):
    appointment_definition_id = serializers.IntegerField(source="definition_id")
    appointment_definition = DefinitionSummarySerializer(source="definition")
    profile_id = serializers.UUIDField()
    profile = PersonSerializer()
    location = LocationBriefSerializer()
    assigned_staff_id = serializers.UUIDField(allow_null=True)
    assigned_staff = PersonSerializer(allow_null=True)
    timezone = serializers.CharField(source="timezone.key")
    answers = serializers.SerializerMethodField()
    transaction = ResolverField(TRANSACTION_KEYS)
    order = ResolverField(ORDER_KEYS)

    class Meta:
        model = Appointment
        fields = (
            "id", "appointment_definition_id", "appointment_definition", "profile_id", "profile", "location_id",
            "location", "assigned_staff_id", "assigned_staff", "status", "scheduled_start_at", "scheduled_end_at",
            "timezone", "approved_at", "confirmed_at", "cancelled_at", "arrived_at", "completed_at", "no_show_at",
            "rejected_at", "approved_by", "cancelled_by", "rejected_by", "questionnaire_version_id", "answers",
            "transaction", "order", "notes", "meta", "created_at", "updated_at",
        )  # fmt: skip
        list_serializer_class = AppointmentListSerializer

    @extend_schema_field(AnswerSerializer(many=True))
    def get_answers(self, obj) -> list:
        # Booking attaches what it wrote; lists preload every row's answers in one query (AppointmentListSerializer).
        answers = getattr(obj, "booked_answers", None)
        if answers is None:
            if obj.questionnaire_version_id is None:
                return []
            answers = answers_by_appointment([obj.pk]).get(obj.pk, [])
        return AnswerSerializer(answers, many=True).data


class AppointmentLinkSerializer(OutputSerializer):
    id = serializers.IntegerField()
    type = serializers.CharField()
    target_id = serializers.CharField()
    profile = PersonSerializer(allow_null=True)


class AppointmentWithLinksSerializer(AppointmentSerializer):
    links = AppointmentLinkSerializer(many=True)

    class Meta(AppointmentSerializer.Meta):
        fields = (*AppointmentSerializer.Meta.fields, "links")


class AppointmentEventSerializer(OutputSerializer):
    id = serializers.IntegerField()
    appointment_id = serializers.IntegerField()
    kind = serializers.CharField()
    actor = serializers.CharField()
    from_status = serializers.CharField(allow_blank=True)
    to_status = serializers.CharField()
    reason = serializers.CharField(allow_blank=True)
    data = serializers.JSONField()
    at = serializers.DateTimeField()


class AppointmentTimesInput(InputSerializer):
    scheduled_start_at = LocalDateTimeField()
    scheduled_end_at = LocalDateTimeField(required=False, allow_null=True)
    timezone = TimeZoneSerializerField(required=False, allow_null=True)
    assigned_staff_id = serializers.UUIDField(required=False, allow_null=True)
    override_availability = serializers.BooleanField(required=False, default=False)


class AppointmentCreateInput(AppointmentTimesInput):
    appointment_definition_id = serializers.IntegerField()
    profile_id = serializers.UUIDField()
    location_id = serializers.IntegerField()
    notes = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    meta = serializers.DictField(required=False, allow_null=True)
    transaction = ResolverField(TRANSACTION_KEYS, required=False, allow_null=True)
    order = ResolverField(ORDER_KEYS, required=False, allow_null=True)
    answers = serializers.ListField(child=serializers.DictField(), required=False, default=list)


class ProfileAppointmentCreateInput(AppointmentCreateInput):
    """The create body on /profiles/{uuid}/appointments: the profile comes from the URL, not the body."""

    profile_id = serializers.UUIDField(required=False, allow_null=True)


class AppointmentUpdateInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=AppointmentStatus.choices, required=False)
    reason = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    scheduled_start_at = LocalDateTimeField(required=False)
    scheduled_end_at = LocalDateTimeField(required=False, allow_null=True)
    timezone = TimeZoneSerializerField(required=False, allow_null=True)
    assigned_staff_id = serializers.UUIDField(required=False, allow_null=True)
    override_availability = serializers.BooleanField(required=False, default=False)
    notes = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    meta = serializers.DictField(required=False, allow_null=True)
    transaction = ResolverField(TRANSACTION_KEYS, required=False, allow_null=True)
    order = ResolverField(ORDER_KEYS, required=False, allow_null=True)
    answers = serializers.JSONField(required=False)

    def validate_answers(self, value):
        raise serializers.ValidationError("Answers are accepted on create only.")

    def validate(self, attrs):
        times = {"scheduled_end_at", "timezone", "assigned_staff_id"} & set(attrs)
        if times and "scheduled_start_at" not in attrs:
            raise serializers.ValidationError(
                {"scheduled_start_at": ["Send scheduled_start_at to reschedule (with scheduled_end_at and timezone)."]}
            )
        return attrs


class LinkInput(serializers.Serializer):
    type = serializers.ChoiceField(choices=["profile", "list"])
    id = serializers.CharField(max_length=64)
