from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from appointments.enums import NOTIFICATION_EVENTS, AppointmentStatus
from appointments.models import (
    Appointment,
    AppointmentDefinition,
    DefinitionLocation,
    DefinitionNormalHour,
    DefinitionSpecialHour,
    DefinitionStaff,
)
from config.api.fields import ApiDateField, LenientDateField, LocalDateTimeField
from config.api.serializers import InputSerializer, OutputModelSerializer, OutputSerializer
from config.api.timezones import TimeZoneSerializerField
from directory.api.serializers import (
    HOUR_STAMPS,
    LocationSummarySerializer,
    SpecialHourInputBase,
    WindowInputMixin,
    special_hour_fields,
)
from directory.models import Location, Profile
from notifications.models import Target
from questionnaires.api.serializers import AnswerSerializer, FormSerializer, booking_questionnaire_body
from questionnaires.selectors import answers_by_appointment

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
                  *LINK_FIELDS, *NOTIFICATION_FIELDS, "has_booking_questionnaire", "created_at", "updated_at", "normal_hours",
                  "special_hours", "locations", "staff", "booking_questionnaire")  # fmt: skip

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
        fields = ("handle", "name", *TEXT_FIELDS, "visibility_condition", *RULE_FIELDS, *LINK_FIELDS, *NOTIFICATION_FIELDS,
                  "normal_hours", "special_hours", "location_ids", "staff_ids", "booking_questionnaire",
                  "booking_questionnaire_id")  # fmt: skip
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


# Availability ----------------------------------------------------------------------------------------------


class SlotsInput(serializers.Serializer):
    location_id = serializers.IntegerField()
    date = ApiDateField()
    staff_id = serializers.UUIDField(required=False, allow_null=True)


class SlotsRangeInput(serializers.Serializer):
    location_id = serializers.IntegerField()
    start_date = ApiDateField()
    end_date = ApiDateField()
    staff_id = serializers.UUIDField(required=False, allow_null=True)
    sort = serializers.ChoiceField(choices=["asc", "desc"], required=False, default="asc")


class StaffInput(serializers.Serializer):
    location_id = serializers.IntegerField()
    date = ApiDateField()
    available_only = serializers.BooleanField(required=False, default=False)


class SlotSerializer(OutputSerializer):
    """A slot: local wall time for display, UTC instants for booking."""

    time = serializers.SerializerMethodField()
    label = serializers.SerializerMethodField()
    start_at = serializers.DateTimeField(source="start")
    end_at = serializers.DateTimeField(source="end")
    local_start_at = serializers.SerializerMethodField()
    duration_minutes = serializers.SerializerMethodField()
    capacity_remaining = serializers.IntegerField()

    def get_time(self, slot) -> str:
        return slot.local_start.strftime("%H:%M")

    def get_label(self, slot) -> str:
        return slot.local_start.strftime("%I:%M %p").lstrip("0")

    def get_local_start_at(self, slot) -> str:
        return slot.local_start.strftime("%Y-%m-%d %H:%M:%S")

    def get_duration_minutes(self, slot) -> int:
        return int((slot.end - slot.start).total_seconds() // 60)


class RangeSlotSerializer(SlotSerializer):
    date = serializers.DateField()


# Appointments ----------------------------------------------------------------------------------------------

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


# Response bodies of the availability and appointment actions, for the OpenAPI schema (the views build the dicts) ----

EMPTY_DAY_REASONS = ["archived", "walk_in_only", "beyond_advance_limit", "closed", "no_staff", "staff_not_working",
                     "past", "inside_lead_time", "fully_booked"]  # fmt: skip


class StaffBriefSerializer(OutputSerializer):
    id = serializers.UUIDField()
    first_name = serializers.CharField(allow_null=True)
    last_name = serializers.CharField(allow_null=True)
    email = serializers.EmailField(allow_null=True)


class DaySlotsSerializer(OutputSerializer):
    date = serializers.DateField()
    timezone = serializers.CharField()
    appointment_definition_id = serializers.IntegerField()
    location_id = serializers.IntegerField()
    requires_staff = serializers.BooleanField()
    customer_must_select_staff = serializers.BooleanField()
    assigned_staff_required = serializers.BooleanField()
    staff = StaffBriefSerializer(allow_null=True, help_text="The staff member asked for (staff_id), else null.")
    slots = SlotSerializer(many=True)


class RulesMetaSerializer(OutputSerializer):
    slot_interval_minutes = serializers.IntegerField()
    duration_minutes = serializers.IntegerField()
    buffer_before_minutes = serializers.IntegerField()
    buffer_after_minutes = serializers.IntegerField()
    min_lead_minutes = serializers.IntegerField()
    max_advance_days = serializers.IntegerField(allow_null=True)
    max_concurrent_bookings = serializers.IntegerField(allow_null=True)


class DaySlotsMetaSerializer(RulesMetaSerializer):
    reason = serializers.ChoiceField(choices=EMPTY_DAY_REASONS, allow_null=True,
                                     help_text="Why the day has no slots; null when it has some.")  # fmt: skip
    reason_message = serializers.CharField(allow_null=True)


class DaySlotsResponse(serializers.Serializer):
    data = DaySlotsSerializer()
    meta = DaySlotsMetaSerializer()


class EmptyDaySerializer(OutputSerializer):
    date = serializers.DateField()
    reason = serializers.ChoiceField(choices=EMPTY_DAY_REASONS)
    message = serializers.CharField()


class RangeMetaSerializer(RulesMetaSerializer):
    appointment_definition_id = serializers.IntegerField()
    location_id = serializers.IntegerField()
    timezone = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    requires_staff = serializers.BooleanField()
    customer_must_select_staff = serializers.BooleanField()
    assigned_staff_required = serializers.BooleanField()
    staff = serializers.UUIDField(allow_null=True)
    total = serializers.IntegerField()
    empty_days = EmptyDaySerializer(many=True, help_text="Every date of the range without slots, with why.")


class RangeSlotsResponse(serializers.Serializer):
    data = RangeSlotSerializer(many=True)
    meta = RangeMetaSerializer()


class AvailableStaffSerializer(StaffBriefSerializer):
    has_available_slots = serializers.BooleanField()
    is_default_location = serializers.BooleanField()
    appointment_definition_staff_sort_order = serializers.IntegerField(allow_null=True)
    location_profile_sort_order = serializers.IntegerField(allow_null=True)


class AvailableStaffMetaSerializer(OutputSerializer):
    appointment_definition_id = serializers.IntegerField()
    location_id = serializers.IntegerField()
    date = serializers.DateField()
    requires_staff = serializers.BooleanField()
    customer_must_select_staff = serializers.BooleanField()
    selection_required_by_customer = serializers.BooleanField()
    assigned_staff_required = serializers.BooleanField()


class AvailableStaffResponse(serializers.Serializer):
    data = AvailableStaffSerializer(many=True)
    meta = AvailableStaffMetaSerializer()


class QuestionsSerializer(FormSerializer):
    """GET /appointment-definitions/{id}/questions: the active booking form (questionnaires' shape)."""
