"""Submissions (read-only, with each answer's routing outcome and a retry action), ratings and the NPS page."""

from __future__ import annotations

from datetime import UTC, timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from config.localtime import local_label
from directory.console import Card, ConsoleModelAdmin, ConsoleTabularInline, locations_for
from directory.models import Location
from questionnaires.enums import MappingStatus, RatingScale
from questionnaires.models import Answer, Rating, Submission
from questionnaires.reports import rating_report
from questionnaires.services.routing import answer_route


def local_time(moment, location) -> str:
    """A stored UTC instant in the location's local time, zone shown (UTC when there is no location)."""
    return local_label(moment, location.timezone if location is not None else UTC) or "–"


class AnswerInline(ConsoleTabularInline):
    model = Answer
    extra = 0
    can_delete = False
    fields = ("mapping_key", "question_label", "value", "link_type", "link_target", "mapping_status",
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
    fields = ("questionnaire", "questionnaire_version", "profile", "location", "appointment_id", "context",
              "submitted_local")  # fmt: skip
    readonly_fields = fields

    @admin.display(description="Questionnaire")
    def questionnaire(self, obj: Submission) -> str:
        return str(obj.questionnaire_version.questionnaire)

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


class NpsForm(forms.Form):
    location = forms.ModelChoiceField(queryset=Location.objects.none())
    start_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = locations_for(user)  # an operator sees their own locations only

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and not (start <= end <= start + timedelta(days=366)):
            raise forms.ValidationError("The end date must be on or after the start, at most a year later.")
        return cleaned


def chart_of(series: list[dict], width: int = 720, height: int = 200) -> dict:
    """Bars of the weekly score around a zero line, as SVG coordinates (-100..+100 maps onto the height)."""
    zero = height // 2
    step = width / max(len(series), 1)
    bars = []
    for index, bucket in enumerate(series):
        if bucket["score"] is None:
            continue
        size = abs(bucket["score"]) / 100 * (zero - 2)
        y = zero - size if bucket["score"] >= 0 else zero
        bars.append({"x": round(index * step + 2, 1), "y": round(y, 1), "w": round(max(step - 4, 1), 1),
                     "h": round(max(size, 1), 1), "score": bucket["score"], "total": bucket["total"],
                     "label": f"{bucket['start_date']}"})  # fmt: skip
    return {"width": width, "height": height, "zero": zero, "bars": bars}


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
        """NPS per location over time: the score by week as an offline (server-rendered SVG) chart."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        today = timezone.now().date()
        form = NpsForm(
            request.GET or None,
            user=request.user,
            initial={"start_date": today - timedelta(days=83), "end_date": today},
        )
        report = location = chart = None
        if form.is_bound and form.is_valid():
            location = form.cleaned_data["location"]
            report = rating_report(RatingScale.NPS, location=location, start=form.cleaned_data["start_date"],
                                   end=form.cleaned_data["end_date"], interval="week")  # fmt: skip
            chart = chart_of(report["series"])
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "title": "NPS by week",
                   "form": form, "report": report, "location": location, "chart": chart}  # fmt: skip
        return TemplateResponse(request, "admin/questionnaires/nps.html", context)


def feedback_cards(request, location, day) -> list[Card]:
    """NPS over the last 28 local days, for one location (the whole console has no single time zone)."""
    if location is None:
        return [Card("NPS (pick a location)", "–", reverse("admin:questionnaires_rating_nps"))]
    report = rating_report(RatingScale.NPS, location=location, start=day - timedelta(days=27), end=day)
    score = report["score"]
    tone = "" if score is None else "success" if score >= 30 else "warning" if score >= 0 else "danger"
    url = f"{reverse('admin:questionnaires_rating_nps')}?location={location.pk}"
    return [Card("NPS, last 28 days", "–" if score is None else score, url, tone)]
