"""The operator console's visits list and the footfall page (a per-day bar chart by source, drawn server-side)."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from core.localtime import local_label
from directory.admin_base import ConsoleModelAdmin, ReportRangeForm, csv_response, with_param
from directory.charts import bar_chart, day_lines
from visits.enums import VisitSource
from visits.models import Visit
from visits.selectors import footfall_for
from visits.services.visits import visit_create, visit_update

CREATE_FIELDS = ("location", "profile", "visited_at", "timezone", "staff", "source", "external_id", "tags", "type",
                 "notes", "duration_minutes")  # fmt: skip

SOURCE_COLOURS = {
    VisitSource.MANUAL: "#64748b",
    VisitSource.APPOINTMENT: "#2563eb",
    VisitSource.QUEUE: "#16a34a",
    VisitSource.IMPORT: "#d97706",
}


class FootfallForm(ReportRangeForm):
    max_days = 93  # a readable chart: one bar per day


def footfall_chart(rows: list[dict]) -> dict:
    """Each local day's visits stacked by source, with the day under its bar."""
    columns = [
        (row["date"].isoformat(), day_lines(row["date"]),
         [(source, count, SOURCE_COLOURS[source]) for source, count in row["by_source"].items()])
        for row in rows
    ]  # fmt: skip
    return bar_chart(columns, y_label="Visits", x_label="Local day")


def footfall_table(rows: list[dict]) -> list[dict]:
    return [{"date": row["date"], "total": row["total"],
             "counts": [row["by_source"][source.value] for source in VisitSource]} for row in rows]  # fmt: skip


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
        """Visits per local day by source at one location or all of the user's, with a CSV download."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = FootfallForm(request.GET, user=request.user, now=timezone.now())
        rows = []
        if form.is_valid():
            data = form.cleaned_data
            rows = footfall_for(data["chosen"], data["start_date"], data["end_date"])
            if request.GET.get("format") == "csv":
                header = ["date", "total", *VisitSource.values]
                return csv_response(
                    "footfall", header, ([r["date"], r["total"], *r["by_source"].values()] for r in rows)
                )
        context = {
            **self.admin_site.each_context(request),
            "title": "Footfall",
            "form": form,
            "rows": footfall_table(rows),
            "chart": footfall_chart(rows) if rows else None,
            "csv_url": f"?{with_param(request.GET, format='csv')}" if rows else "",
            "legend": [(source.label, SOURCE_COLOURS[source]) for source in VisitSource],
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/visits/footfall.html", context)
