"""Submissions (read-only, with each answer's routing outcome and a retry action), ratings and the NPS page."""

from __future__ import annotations

from datetime import UTC, timedelta

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from core.localtime import local_label
from directory.admin_base import (
    Card,
    ConsoleModelAdmin,
    ConsoleTabularInline,
    ReportRangeForm,
    csv_response,
    json_field,
    locations_for,
    with_param,
)
from directory.charts import bar_chart, day_lines
from directory.console_display import record_link
from questionnaires.enums import MappingStatus, RatingScale
from questionnaires.models import Answer, Rating, Submission
from questionnaires.reports import rating_report
from questionnaires.selectors import answer_text
from questionnaires.services.routing import answer_route


def local_time(moment, location) -> str:
    """A stored UTC instant in the location's local time, zone shown (UTC when there is no location)."""
    return local_label(moment, location.timezone if location is not None else UTC) or "–"


class AnswerInline(ConsoleTabularInline):
    model = Answer
    extra = 0
    can_delete = False
    fields = ("mapping_key", "question_label", "answer", "link_type", "link_target", "mapping_status",
              "mapped_field", "mapped_at", "mapping_error")  # fmt: skip
    readonly_fields = fields
    verbose_name_plural = "Answers and their routing"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("slot", "question_version")

    @admin.display(description="Key")
    def mapping_key(self, obj: Answer) -> str:
        return obj.slot.mapping_key

    @admin.display(description="Question (as asked)")
    def question_label(self, obj: Answer) -> str:
        return f"{obj.question_version.label} (v{obj.question_version.version})"

    @admin.display(description="Answer")
    def answer(self, obj: Answer) -> str:
        return answer_text(obj)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Submission)
class SubmissionAdmin(ConsoleModelAdmin):
    location_field = "location"
    list_display = ("id", "questionnaire", "profile", "location", "appointment_id", "submitted_local", "routing")
    list_filter = ("questionnaire_version__questionnaire", "location", "answers__mapping_status")
    search_fields = ("profile__email", "profile__last_name", "=appointment_id")
    list_select_related = ("questionnaire_version__questionnaire", "profile", "location")
    inlines = (AnswerInline,)
    actions = ("retry_failed_routes",)
    fields = ("questionnaire", "questionnaire_version", "profile", "location", "appointment", "context_view",
              "submitted_local")  # fmt: skip
    readonly_fields = fields
    context_view = json_field("context", "Context")

    @admin.display(description="Questionnaire")
    def questionnaire(self, obj: Submission) -> str:
        return str(obj.questionnaire_version.questionnaire)

    @admin.display(description="Appointment")
    def appointment(self, obj: Submission) -> str:
        return record_link("appointment", obj.appointment_id)

    @admin.display(description="Submitted (local)", ordering="submitted_at")
    def submitted_local(self, obj: Submission) -> str:
        return local_time(obj.submitted_at, obj.location)

    @admin.display(description="Routing")
    def routing(self, obj: Submission) -> str:
        statuses = [a.mapping_status for a in obj.answers.all()]
        failed = statuses.count(MappingStatus.FAILED)
        text = ", ".join(f"{statuses.count(s)} {s}" for s in MappingStatus.values if s in statuses) or "no answers"
        return format_html('<span style="color:#dc2626">{}</span>', text) if failed else text

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("answers")

    @admin.action(description="Retry failed routes")
    def retry_failed_routes(self, request, queryset):
        answers = Answer.objects.filter(submission__in=queryset, mapping_status=MappingStatus.FAILED)
        outcomes = [answer_route(pk) for pk in answers.values_list("pk", flat=True)]
        still = [a for a in outcomes if a.mapping_status == MappingStatus.FAILED]
        self.message_user(request, f"Retried {len(outcomes)} failed answer(s); {len(still)} still failing.",
                          messages.WARNING if still else messages.SUCCESS)  # fmt: skip
        for answer in still:
            self.message_user(request, f"Answer {answer.pk}: {answer.mapping_error}", messages.ERROR)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request)  # the list and its action, no edits

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def nps_chart(series: list[dict]) -> dict:
    """The score of each week as a bar around zero (-100..+100), the week's first day under it."""
    columns = [
        (bucket["start_date"].isoformat(), day_lines(bucket["start_date"]),
         [] if bucket["score"] is None else [("NPS", bucket["score"], "#16a34a" if bucket["score"] >= 0 else "#dc2626")])
        for bucket in series
    ]  # fmt: skip
    return bar_chart(columns, y_label="NPS", x_label="Week starting (local day)", low=-100, high=100)


@admin.register(Rating)
class RatingAdmin(ConsoleModelAdmin):
    location_field = "location"
    list_display = ("id", "scale", "score", "profile", "location", "rated_local", "comment")
    list_filter = ("scale", "location", "score")
    search_fields = ("profile__email", "comment")
    list_select_related = ("profile", "location")
    fields = ("scale", "score", "comment", "profile", "location", "submission", "rated_local")
    readonly_fields = fields

    @admin.display(description="Rated (local)", ordering="rated_at")
    def rated_local(self, obj: Rating) -> str:
        return local_time(obj.rated_at, obj.location)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        nps = self.admin_site.admin_view(self.nps_view)
        return [path("nps/", nps, name="questionnaires_rating_nps"), *super().get_urls()]

    def nps_view(self, request):
        """NPS at one location or all of the user's, by week, as a server-drawn chart, a table and a CSV."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = ReportRangeForm(request.GET, user=request.user, now=timezone.now())
        report = chart = None
        if form.is_valid():
            data = form.cleaned_data
            report = rating_report(RatingScale.NPS, location=data["location"], start=data["start_date"],
                                   end=data["end_date"], interval="week",
                                   within=[place.pk for place in data["chosen"]])  # fmt: skip
            if request.GET.get("format") == "csv":
                header = ["week_start", "week_end", "ratings", "promoters", "passives", "detractors", "nps"]
                return csv_response("nps", header, ([b["start_date"], b["end_date"], b["total"], b["promoters"],
                                                     b["passives"], b["detractors"], b["score"]]
                                                    for b in report["series"]))  # fmt: skip
            chart = nps_chart(report["series"])
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "title": "Net Promoter Score",
                   "form": form, "report": report, "chart": chart,
                   "csv_url": f"?{with_param(request.GET, format='csv')}" if report else ""}  # fmt: skip
        return TemplateResponse(request, "admin/questionnaires/nps.html", context)


def feedback_cards(request, location, day) -> list[Card]:
    """NPS over the last 28 local days, at one location or at all of the operator's."""
    within = None if location is not None else [place.pk for place in locations_for(request.user)]
    report = rating_report(RatingScale.NPS, location=location, start=day - timedelta(days=27), end=day, within=within)
    score = report["score"]
    tone = "" if score is None else "success" if score >= 30 else "warning" if score >= 0 else "danger"
    url = reverse("admin:questionnaires_rating_nps") + (f"?location={location.pk}" if location is not None else "")
    return [Card("NPS, last 28 days", "–" if score is None else score, url, tone)]
