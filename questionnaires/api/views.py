"""Questions, questionnaires, submissions, ratings and the NPS/CSAT reports (API.md "Questionnaires")."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status
from rest_framework.response import Response

from core.api.views import ResourceViewSet
from core.errors import ValidationFailed
from directory.models import Location
from directory.selectors import local_today
from questionnaires import reports, selectors
from questionnaires.api import serializers as s
from questionnaires.enums import RatingScale
from questionnaires.models import Question, Questionnaire, QuestionnaireSlot, QuestionnaireVersion
from questionnaires.services.questionnaires import questionnaire_create, questionnaire_update
from questionnaires.services.questions import question_create, question_update
from questionnaires.services.submissions import submission_create

STAMP_FILTERS = {"created_at": "datetime", "updated_at": "datetime"}


class QuestionnaireArea:
    # Questionnaires belong to the appointments API area (scopes appointments:read / appointments:write).
    scope_area = "appointments"


@extend_schema_view(
    list=extend_schema(summary="List questions", responses={200: s.QuestionSerializer(many=True)}),
    retrieve=extend_schema(summary="Read a question", responses={200: s.QuestionSerializer}),
    create=extend_schema(
        summary="Create a question and its first version",
        request=s.QuestionInput,
        responses={201: s.QuestionSerializer},
    ),
    update=extend_schema(
        summary="Change a question (new wording, type, options, validation or default make a new version)",
        request=s.QuestionInput(partial=True),
        responses={200: s.QuestionSerializer},
    ),
)
class QuestionViewSet(QuestionnaireArea, ResourceViewSet):
    serializer_class = s.QuestionSerializer
    input_serializer_class = s.QuestionInput
    filter_fields = {"id": "number", "handle": "text", "is_active": "bool", "link_type": "text", **STAMP_FILTERS}
    search_fields = ("handle", "name", "current_version__label")
    sort_fields = {name: name for name in ("id", "handle", "name", "created_at", "updated_at")}

    def get_queryset(self):
        return Question.objects.select_related("current_version").order_by("id")

    def perform_create(self, data):
        return question_create(**data)

    def perform_update(self, instance, data):
        return question_update(instance, **data)

    @extend_schema(
        summary="Every version of a question, oldest first",
        responses={200: s.QuestionVersionSerializer(many=True)},
    )
    def versions(self, request, *args, **kwargs):
        question = self.get_object()
        rows = question.versions.order_by("version")
        return Response({"data": s.QuestionVersionSerializer(rows, many=True).data})


def visible_questionnaires(principal):
    queryset = selectors.questionnaires_with_current().order_by("id")
    return queryset.filter(is_active=True) if principal.is_customer else queryset


@extend_schema_view(
    list=extend_schema(
        summary="List questionnaires (with the current version's questions)",
        responses={200: s.QuestionnaireSerializer(many=True)},
    ),
    retrieve=extend_schema(summary="Read a questionnaire", responses={200: s.QuestionnaireSerializer}),
    create=extend_schema(
        summary="Create a questionnaire and its first version",
        request=s.QuestionnaireInput,
        responses={201: s.QuestionnaireSerializer},
    ),
    update=extend_schema(
        summary="Change a questionnaire (different questions/pages make a new version)",
        request=s.QuestionnaireInput(partial=True),
        responses={200: s.QuestionnaireSerializer},
    ),
)
class QuestionnaireViewSet(QuestionnaireArea, ResourceViewSet):
    customer_actions = ("list", "retrieve")
    serializer_class = s.QuestionnaireSerializer
    input_serializer_class = s.QuestionnaireInput
    filter_fields = {
        "id": "number", "handle": "text", "purpose": "text", "is_active": "bool", "current_version_id": "number",
        **STAMP_FILTERS,
    }  # fmt: skip
    search_fields = ("handle", "name", "description")
    sort_fields = {name: name for name in ("id", "handle", "name", "purpose", "created_at", "updated_at")}

    def get_queryset(self):
        return visible_questionnaires(self.principal)

    def perform_create(self, data):
        return questionnaire_create(**data)

    def perform_update(self, instance, data):
        return questionnaire_update(instance, **data)

    @extend_schema(
        summary="Every version of a questionnaire with its questions, oldest first",
        responses={200: s.QuestionnaireVersionSerializer(many=True)},
    )
    def versions(self, request, *args, **kwargs):
        questionnaire = self.get_object()
        slots = QuestionnaireSlot.objects.select_related("question_version__question", "version")
        rows = QuestionnaireVersion.objects.filter(questionnaire=questionnaire).order_by("version")
        rows = rows.prefetch_related(_prefetch_slots(slots))
        return Response({"data": s.QuestionnaireVersionSerializer(rows, many=True).data})


def _prefetch_slots(queryset):
    return Prefetch("slots", queryset=queryset.order_by("sort_order", "id"))


@extend_schema_view(
    list=extend_schema(
        summary="Submissions of a questionnaire (a customer sees only their own)",
        responses={200: s.SubmissionSerializer(many=True)},
    ),
    create=extend_schema(
        summary="Submit answers to a questionnaire's current version (a standalone survey)",
        request=s.SubmissionInput,
        responses={201: s.SubmissionSerializer},
    ),
    retrieve=extend_schema(
        summary="Read a submission with its answers and their routing outcome",
        responses={200: s.SubmissionSerializer},
    ),
)
class SubmissionViewSet(QuestionnaireArea, ResourceViewSet):
    """/questionnaires/{id}/submissions and /submissions/{id}."""

    customer_actions = ("list", "create", "retrieve")
    serializer_class = s.SubmissionSerializer
    input_serializer_class = s.SubmissionInput
    filter_fields = {
        "id": "number", "profile_id": "uuid", "location_id": "number", "appointment_id": "number",
        "questionnaire_version_id": "number", "submitted_at": "datetime",
    }  # fmt: skip
    sort_fields = {name: name for name in ("id", "submitted_at")}

    def get_questionnaire(self) -> Questionnaire:
        return get_object_or_404(visible_questionnaires(self.principal), pk=self.kwargs["questionnaire_id"])

    def get_queryset(self):
        queryset = selectors.submissions_with_answers().order_by("-submitted_at", "-id")
        if "questionnaire_id" in self.kwargs:
            queryset = queryset.filter(questionnaire_version__questionnaire=self.get_questionnaire())
        if self.principal.is_customer:
            queryset = queryset.filter(profile_id=self.principal.profile_id)
        return queryset

    def create(self, request, *args, **kwargs):
        questionnaire = self.get_questionnaire()
        data = self.validated_input()
        form = selectors.active_form(questionnaire.pk)
        if form is None:
            raise ValidationFailed.on("questionnaire_id", "This questionnaire is inactive or has no version.")
        submission = submission_create(
            form, data["answers"], profile_id=data.get("profile_id"), location_id=data.get("location_id"), context=data.get("context"),
            customer_id=self.principal.profile_id if self.principal.is_customer else None,
        )  # fmt: skip
        return self.output(self.refetch(submission), status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="Ratings (a customer sees only their own)",
        responses={200: s.RatingSerializer(many=True)},
    )
)
class RatingViewSet(QuestionnaireArea, ResourceViewSet):
    customer_actions = ("list",)
    serializer_class = s.RatingSerializer
    filter_fields = {
        "id": "number", "profile_id": "uuid", "location_id": "number", "scale": "text", "score": "number",
        "questionnaire_id": "number", "submission_id": "number", "rated_at": "datetime",
    }  # fmt: skip
    sort_fields = {name: name for name in ("id", "score", "rated_at")}

    def get_queryset(self):
        queryset = selectors.ratings().order_by("-rated_at", "-id")
        if self.principal.is_customer:
            queryset = queryset.filter(profile_id=self.principal.profile_id)
        return queryset


DEFAULT_REPORT_DAYS = 28

BAD_PARAMETERS = OpenApiResponse(
    response={"$ref": "#/components/schemas/ErrorEnvelope"},
    description="Missing or invalid query parameters (`validation_error`); `errors` names them.",
)
REPORT_PARAMS = [
    OpenApiParameter(
        "location_id",
        int,
        required=False,
        description="Without it, every location (each rating on its own location's local date)",
    ),
    OpenApiParameter(
        "start_date",
        str,
        required=False,
        description="YYYY-MM-DD, a local date; with end_date, or neither for the last 28 local days",
    ),
    OpenApiParameter("end_date", str, required=False, description="YYYY-MM-DD, inclusive; default: local today"),
    OpenApiParameter("questionnaire_id", int, required=False),
    OpenApiParameter("interval", str, required=False, enum=["day", "week", "month"]),
]


class ReportViewSet(QuestionnaireArea, ResourceViewSet):
    """GET /reports/nps and /reports/csat."""

    serializer_class = s.NpsReportSerializer

    def _report(self, scale: str):
        form = s.ReportInput(data=self.request.query_params)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        location = None
        if data.get("location_id") is not None:
            location = Location.objects.filter(pk=data["location_id"]).first()
            if location is None:
                raise ValidationFailed.on("location_id", "The location does not exist.")
        if "start_date" in data:
            start, end = data["start_date"], data["end_date"]
        else:  # the last 28 local days, today included
            end = local_today([location] if location else Location.objects.all(), now=timezone.now())
            start = end - timedelta(days=DEFAULT_REPORT_DAYS - 1)
        body = reports.rating_report(
            scale, location=location, start=start, end=end,
            interval=data.get("interval"), questionnaire_id=data.get("questionnaire_id"),
        )  # fmt: skip
        serializer = s.NpsReportSerializer if scale == RatingScale.NPS else s.CsatReportSerializer
        return Response({"data": serializer(body).data})

    @extend_schema(
        summary="NPS: promoters 9-10, passives 7-8, detractors 0-6; score = %promoters - %detractors",
        parameters=REPORT_PARAMS,
        responses={200: s.NpsReportSerializer, 422: BAD_PARAMETERS},
    )
    def nps(self, request, *args, **kwargs):
        return self._report(RatingScale.NPS)

    @extend_schema(
        summary="CSAT: the share of 4-5 scores on a 1-5 scale",
        parameters=REPORT_PARAMS,
        responses={200: s.CsatReportSerializer, 422: BAD_PARAMETERS},
    )
    def csat(self, request, *args, **kwargs):
        return self._report(RatingScale.CSAT)
