"""The operator console's visits list and the footfall page (a per-day bar chart by source, drawn server-side)."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from config.localtime import local_label
from directory.console import ConsoleModelAdmin, locations_for
from directory.models import Location
from visits.enums import VisitSource
from visits.models import Visit
from visits.selectors import footfall
from visits.services.visits import visit_create, visit_update

CREATE_FIELDS = ("location", "profile", "visited_at", "timezone", "staff", "source", "external_id", "tags", "type",
                 "notes", "duration_minutes")  # fmt: skip

SOURCE_COLOURS = {
    VisitSource.MANUAL: "#64748b",
    VisitSource.APPOINTMENT: "#2563eb",
    VisitSource.QUEUE: "#16a34a",
    VisitSource.IMPORT: "#d97706",
}


class FootfallForm(forms.Form):
    location = forms.ModelChoiceField(queryset=Location.objects.none())
    start_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = locations_for(user)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and (end < start or (end - start).days > 92):
            raise forms.ValidationError("Pick an end date on or after the start, at most 93 days later.")
        return cleaned


def chart_rows(rows: list[dict]) -> tuple[list[dict], int]:
    """Each day's bars as CSS percentages of the busiest day, stacked by source."""
    peak = max((row["total"] for row in rows), default=0) or 1
    out = []
    for row in rows:
        segments = [
            {"source": source, "count": count, "colour": SOURCE_COLOURS[source], "pct": round(100 * count / peak, 2)}
            for source, count in row["by_source"].items()
            if count
        ]
        counts = [row["by_source"][source.value] for source in VisitSource]
        out.append({"date": row["date"], "total": row["total"], "segments": segments, "counts": counts})
    return out, peak


@admin.register(Visit)
class VisitAdmin(ConsoleModelAdmin):
    location_field = "location"
    list_display = ("id", "local_time", "location", "customer", "source", "type", "external_id")
    list_filter = ("source", "location", "visited_at")
    list_select_related = ("location", "profile")
    search_fields = ("=id", "external_id", "profile__first_name", "profile__last_name", "profile__email")
    date_hierarchy = "visited_at"
    ordering = ("-visited_at", "-id")
    autocomplete_fields = ("profile", "staff")
    readonly_fields = ("appointment_id", "queue_entry_id", "created_at", "updated_at")

    def save_model(self, request, obj, form, change):
        """Writes go through the visits services, as the API's do."""
        if change:
            fields = {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}
            visit_update(obj, **fields)
            return
        fields = {name: value for name, value in form.cleaned_data.items() if name in CREATE_FIELDS}
        obj.pk = visit_create(**fields).pk

    @admin.display(description="Visited (local)", ordering="visited_at")
    def local_time(self, obj: Visit) -> str:
        return local_label(obj.visited_at, obj.location.timezone)

    @admin.display(description="Customer", ordering="profile__last_name")
    def customer(self, obj: Visit) -> str:
        return str(obj.profile) if obj.profile_id else "anonymous"

    def get_urls(self):
        footfall_view = self.admin_site.admin_view(self.footfall_view)
        return [path("footfall/", footfall_view, name="visits_visit_footfall"), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "footfall_url": reverse("admin:visits_visit_footfall")}
        return super().changelist_view(request, extra_context)

    def footfall_view(self, request):
        today = timezone.now().date()
        initial = {"start_date": today - timedelta(days=13), "end_date": today}
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = FootfallForm(request.GET or None, initial=initial, user=request.user)
        rows, peak, location = [], 0, None
        if form.is_valid():
            location = form.cleaned_data["location"]
            data = footfall(location, form.cleaned_data["start_date"], form.cleaned_data["end_date"])
            rows, peak = chart_rows(data)
        context = {
            **self.admin_site.each_context(request),
            "title": "Footfall",
            "form": form,
            "rows": rows,
            "peak": peak,
            "location": location,
            "legend": [(source.label, SOURCE_COLOURS[source]) for source in VisitSource],
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/visits/footfall.html", context)
