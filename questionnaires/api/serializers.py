"""Shapes of questions, questionnaires, form slots, submissions, answers and ratings (omneo-reference.md s7)."""

from __future__ import annotations

from rest_framework import serializers

from core.api.fields import ApiDateField
from core.api.serializers import InputSerializer, OutputModelSerializer, OutputSerializer
from questionnaires.enums import LinkType, Purpose, QuestionType, WritePolicy
from questionnaires.models import Question, Questionnaire, QuestionVersion, Rating, Submission

STAMPS = ("created_at", "updated_at")


# Questions -------------------------------------------------------------------------------------------------


class QuestionVersionSerializer(OutputModelSerializer):
    question_id = serializers.IntegerField()
    options = serializers.JSONField()
    validation = serializers.JSONField()
    default_value = serializers.JSONField(allow_null=True)

    class Meta:
        model = QuestionVersion
        fields = ("id", "question_id", "version", "label", "help_text", "type", "options", "validation",
                  "default_value", "created_at")  # fmt: skip


class QuestionSerializer(OutputModelSerializer):
    current_version_id = serializers.IntegerField(allow_null=True)
    current_version = QuestionVersionSerializer(allow_null=True)

    class Meta:
        model = Question
        fields = ("id", "handle", "name", "description", "is_active", "link_type", "link_target",
                  "link_write_policy", "current_version_id", "current_version", *STAMPS)  # fmt: skip


class QuestionInput(InputSerializer):
    handle = serializers.CharField(max_length=255)
    label = serializers.CharField(max_length=1000)
    type = serializers.ChoiceField(choices=QuestionType.choices)
    name = serializers.CharField(max_length=255, required=False, allow_blank=True, allow_null=True)
    description = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    help_text = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    options = serializers.JSONField(required=False, allow_null=True)
    validation = serializers.JSONField(required=False, allow_null=True)
    default_value = serializers.JSONField(required=False, allow_null=True)
    is_active = serializers.BooleanField(required=False)
    link_type = serializers.ChoiceField(choices=LinkType.choices, required=False)
    link_target = serializers.CharField(max_length=255, required=False, allow_blank=True, allow_null=True)
    link_write_policy = serializers.ChoiceField(choices=WritePolicy.choices, required=False)

    def validate(self, attrs):
        for name in ("name", "description", "help_text", "link_target"):
            if name in attrs and attrs[name] is None:
                attrs[name] = ""
        return attrs


# Forms -----------------------------------------------------------------------------------------------------


class QuestionBriefSerializer(OutputModelSerializer):
    class Meta:
        model = Question
        fields = ("id", "handle", "name", "link_type", "link_target", "link_write_policy")


class FormVersionSerializer(OutputModelSerializer):
    """The question version as a form shows it."""

    options = serializers.JSONField()
    validation = serializers.JSONField()
    default_value = serializers.JSONField(allow_null=True)

    class Meta:
        model = QuestionVersion
        fields = ("id", "version", "label", "help_text", "type", "options", "validation", "default_value")


class QuestionnaireQuestionSerializer(OutputSerializer):
    """Omneo's "questionnaire question": one question version placed in a form version."""

    id = serializers.IntegerField()
    questionnaire_question_id = serializers.IntegerField(source="pk")
    questionnaire_id = serializers.IntegerField(source="version.questionnaire_id")
    questionnaire_version_id = serializers.IntegerField(source="version_id")
    question_id = serializers.IntegerField(source="question_version.question_id")
    question_version_id = serializers.IntegerField()
    mapping_key = serializers.CharField()
    sort_order = serializers.IntegerField()
    is_required = serializers.BooleanField()
    page_title = serializers.CharField(allow_blank=True)
    page_description = serializers.CharField(allow_blank=True)
    visibility_condition = serializers.JSONField(allow_null=True)
    question = QuestionBriefSerializer(source="question_version.question")
    version = FormVersionSerializer(source="question_version")


class QuestionnaireVersionSerializer(OutputSerializer):
    id = serializers.IntegerField()
    questionnaire_id = serializers.IntegerField()
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    questions = QuestionnaireQuestionSerializer(many=True, source="slots.all")


class QuestionnaireSerializer(OutputModelSerializer):
    current_version_id = serializers.IntegerField(allow_null=True)
    version = serializers.IntegerField(source="current_version.version", allow_null=True, default=None)
    questions = serializers.SerializerMethodField()

    class Meta:
        model = Questionnaire
        fields = ("id", "handle", "name", "description", "purpose", "is_active", "meta", "current_version_id",
                  "version", "questions", *STAMPS)  # fmt: skip

    def get_questions(self, obj) -> list[dict]:
        if obj.current_version is None:
            return []
        return QuestionnaireQuestionSerializer(obj.current_version.slots.all(), many=True).data


class SlotInput(InputSerializer):
    mapping_key = serializers.CharField(max_length=100)
    question_id = serializers.IntegerField(required=False, allow_null=True)
    question_handle = serializers.CharField(required=False, allow_null=True)
    question_version_id = serializers.IntegerField(required=False, allow_null=True)
    sort_order = serializers.IntegerField(required=False, default=0)
    is_required = serializers.BooleanField(required=False, default=False)
    visibility_condition = serializers.JSONField(required=False, allow_null=True)


class PageInput(InputSerializer):
    title = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    description = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    sort_order = serializers.IntegerField(required=False, default=0)
    questions = SlotInput(many=True)


class QuestionnaireInput(InputSerializer):
    name = serializers.CharField(max_length=255)
    handle = serializers.CharField(max_length=255)
    description = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    purpose = serializers.ChoiceField(choices=Purpose.choices, required=False)
    is_active = serializers.BooleanField(required=False)
    meta = serializers.DictField(required=False, allow_null=True)
    questions = SlotInput(many=True, required=False)
    pages = PageInput(many=True, required=False)

    def validate(self, attrs):
        if "description" in attrs and attrs["description"] is None:
            attrs["description"] = ""
        return attrs


# Submissions -----------------------------------------------------------------------------------------------


class AnswerSerializer(OutputSerializer):
    """An answer as given: the pinned question wording and type, the value, and how routing went."""

    id = serializers.IntegerField()
    submission_id = serializers.IntegerField()
    questionnaire_question_id = serializers.IntegerField(source="slot_id")
    question_id = serializers.IntegerField(source="question_version.question_id")
    question_handle = serializers.CharField(source="question_version.question.handle")
    question_version_id = serializers.IntegerField()
    mapping_key = serializers.CharField(source="slot.mapping_key")
    question_label = serializers.CharField(source="question_version.label")
    question_type = serializers.CharField(source="question_version.type")
    question_required = serializers.BooleanField(source="slot.is_required")
    value = serializers.JSONField(allow_null=True)
    link_type = serializers.CharField()
    link_target = serializers.CharField(allow_blank=True)
    link_write_policy = serializers.CharField()
    mapping_status = serializers.CharField()
    mapped_field = serializers.CharField(allow_blank=True)
    mapped_at = serializers.DateTimeField(allow_null=True)
    mapping_error = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class SubmissionSerializer(OutputModelSerializer):
    questionnaire_id = serializers.IntegerField(source="questionnaire_version.questionnaire_id")
    questionnaire_version_id = serializers.IntegerField()
    profile_id = serializers.UUIDField(allow_null=True)
    location_id = serializers.IntegerField(allow_null=True)
    answers = AnswerSerializer(many=True, source="answers.all")

    class Meta:
        model = Submission
        fields = ("id", "questionnaire_id", "questionnaire_version_id", "profile_id", "location_id",
                  "appointment_id", "context", "submitted_at", "answers", "created_at")  # fmt: skip


class SubmissionInput(InputSerializer):
    profile_id = serializers.UUIDField(required=False, allow_null=True)
    location_id = serializers.IntegerField(required=False, allow_null=True)
    context = serializers.DictField(required=False, allow_null=True)
    answers = serializers.ListField(child=serializers.DictField(), allow_empty=True)


class RatingSerializer(OutputModelSerializer):
    profile_id = serializers.UUIDField(allow_null=True)
    location_id = serializers.IntegerField(allow_null=True)
    submission_id = serializers.IntegerField(allow_null=True)
    answer_id = serializers.IntegerField(allow_null=True)

    class Meta:
        model = Rating
        fields = ("id", "profile_id", "location_id", "scale", "score", "comment", "submission_id", "answer_id",
                  "questionnaire_id", "rated_at", "created_at")  # fmt: skip


# Reports ---------------------------------------------------------------------------------------------------


class ReportInput(InputSerializer):
    location_id = serializers.IntegerField(required=False, allow_null=True)
    start_date = ApiDateField(required=False)
    end_date = ApiDateField(required=False)
    questionnaire_id = serializers.IntegerField(required=False, allow_null=True)
    interval = serializers.ChoiceField(choices=["day", "week", "month"], required=False, allow_null=True)

    def validate(self, attrs):
        if ("start_date" in attrs) != ("end_date" in attrs):
            missing = "end_date" if "start_date" in attrs else "start_date"
            raise serializers.ValidationError({missing: ["Give both dates, or neither for the last 28 days."]})
        if "start_date" not in attrs:
            return attrs
        if attrs["end_date"] < attrs["start_date"]:
            raise serializers.ValidationError({"end_date": ["end_date must not be before start_date."]})
        if (attrs["end_date"] - attrs["start_date"]).days > 366:
            raise serializers.ValidationError({"end_date": ["At most 367 days in one report."]})
        return attrs


class BucketSerializer(OutputSerializer):
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    total = serializers.IntegerField()
    score = serializers.FloatField(allow_null=True)


class NpsBucketSerializer(BucketSerializer):
    promoters = serializers.IntegerField()
    passives = serializers.IntegerField()
    detractors = serializers.IntegerField()


class CsatBucketSerializer(BucketSerializer):
    satisfied = serializers.IntegerField()


class NpsReportSerializer(NpsBucketSerializer):
    location_id = serializers.IntegerField(allow_null=True)
    timezone = serializers.CharField(allow_null=True)
    questionnaire_id = serializers.IntegerField(allow_null=True)
    interval = serializers.CharField(allow_null=True)
    series = NpsBucketSerializer(many=True)


class CsatReportSerializer(CsatBucketSerializer):
    location_id = serializers.IntegerField(allow_null=True)
    timezone = serializers.CharField(allow_null=True)
    questionnaire_id = serializers.IntegerField(allow_null=True)
    interval = serializers.CharField(allow_null=True)
    series = CsatBucketSerializer(many=True)


class FormSerializer(OutputSerializer):
    """`{questionnaire: {id, name, purpose, version} | null, questions: [slot]}` (GET .../questions)."""

    questionnaire = serializers.DictField(allow_null=True)
    questions = QuestionnaireQuestionSerializer(many=True)


def form_body(form) -> dict:
    """The active form of a definition as API.md shapes it; null questionnaire and no questions without one."""
    if form is None:
        return {"questionnaire": None, "questions": []}
    questionnaire = form.questionnaire
    return {
        "questionnaire": {
            "id": questionnaire.pk,
            "name": questionnaire.name,
            "purpose": questionnaire.purpose,
            "version": form.version.version,
            "questionnaire_version_id": form.version.pk,
        },
        "questions": QuestionnaireQuestionSerializer(form.slots, many=True).data,
    }


def booking_questionnaire_body(questionnaire) -> dict | None:
    """A definition's `booking_questionnaire`: `{id, name, handle, purpose, is_active, version, questions}`."""
    if questionnaire is None:
        return None
    current = questionnaire.current_version
    return {
        "id": questionnaire.pk,
        "name": questionnaire.name,
        "handle": questionnaire.handle,
        "purpose": questionnaire.purpose,
        "is_active": questionnaire.is_active,
        "version": current.version if current else None,
        "questionnaire_version_id": current.pk if current else None,
        "questions": QuestionnaireQuestionSerializer(current.slots.all(), many=True).data if current else [],
    }
