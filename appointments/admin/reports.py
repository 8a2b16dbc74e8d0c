"""The console's morning report: per location (or all of the user's) and range of local days, appointments by
status, the no-show rate, the average queue wait and service time, footfall and NPS, each as a chart, with a table
and a CSV download. The figures come from `appointments.selectors.kpis.daily_report`, which reuses the API's reports."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils import timezone

from appointments.enums import AppointmentStatus
from appointments.selectors.kpis import daily_report
from directory.admin_base import Link, ReportRangeForm, console_link, csv_response, with_param
from directory.charts import bar_chart, day_lines
from directory.selectors import location_ids_for
from visits.enums import VisitSource

CHART_WIDTH = 560  # two charts side by side at 1440 px, drawn about 1:1 so their labels stay readable
STATUS_COLOURS = {
    AppointmentStatus.REQUESTED: "#d97706",
    AppointmentStatus.CONFIRMED: "#7c3aed",
    AppointmentStatus.ARRIVED: "#2563eb",
    AppointmentStatus.COMPLETED: "#16a34a",
    AppointmentStatus.NO_SHOW: "#dc2626",
    AppointmentStatus.CANCELLED: "#94a3b8",
    AppointmentStatus.REJECTED: "#475569",
}
SOURCE_COLOURS = {VisitSource.MANUAL: "#64748b", VisitSource.APPOINTMENT: "#2563eb", VisitSource.QUEUE: "#16a34a",
                  VisitSource.IMPORT: "#d97706"}  # fmt: skip
CSV_HEADER = [
    "date", "appointments", *AppointmentStatus.values, "no_show_rate", "average_queue_wait_minutes",
    "average_service_minutes", "visits", *(f"visits_{source}" for source in VisitSource.values), "ratings", "nps",
]  # fmt: skip


def small_chart(columns: list, **options) -> dict:
    return bar_chart(columns, width=CHART_WIDTH, **options)


def _single(days: list[dict], key: str, colour: str, scale: float = 1) -> list:
    return [(day["date"].isoformat(), day_lines(day["date"]),
             [] if day[key] is None else [(key, round(day[key] * scale, 1), colour)]) for day in days]  # fmt: skip


def charts(report: dict) -> list[dict]:
    """One chart per figure, each with a day (or a week's first day) under its bar."""
    days = report["days"]
    by_status = [(day["date"].isoformat(), day_lines(day["date"]),
                  [(status, day["by_status"][status], colour) for status, colour in STATUS_COLOURS.items()])
                 for day in days]  # fmt: skip
    footfall = [(day["date"].isoformat(), day_lines(day["date"]),
                 [(source, day["visits_by_source"][source], colour) for source, colour in SOURCE_COLOURS.items()])
                for day in days]  # fmt: skip
    nps = [(week["start_date"].isoformat(), day_lines(week["start_date"]),
            [] if week["score"] is None else [("NPS", week["score"], "#16a34a" if week["score"] >= 0 else "#dc2626")])
           for week in report["nps_weeks"]]  # fmt: skip
    legend = [(AppointmentStatus(status).label, colour) for status, colour in STATUS_COLOURS.items()]
    return [
        {"id": "report-appointments", "title": "Appointments by status", "legend": legend,
         "chart": small_chart(by_status, y_label="Appointments", x_label="Local day")},
        {"id": "report-no-shows", "title": "No-show rate", "note": "no-shows of the appointments that were due",
         "chart": small_chart(_single(days, "no_show_rate", "#dc2626", 100), y_label="No-show rate", x_label="Local day",
                            unit="%")},
        {"id": "report-queue-wait", "title": "Average queue wait", "note": "joined to called, walk-ins",
         "chart": small_chart(_single(days, "average_queue_wait_minutes", "#d97706"), y_label="Minutes",
                            x_label="Local day")},
        {"id": "report-service", "title": "Average service time", "note": "called to served, walk-ins",
         "chart": small_chart(_single(days, "average_service_minutes", "#2563eb"), y_label="Minutes",
                            x_label="Local day")},
        {"id": "report-footfall", "title": "Footfall", "legend": [(VisitSource(s).label, c) for s, c in SOURCE_COLOURS.items()],
         "chart": small_chart(footfall, y_label="Visits", x_label="Local day")},
        {"id": "report-nps", "title": "NPS by week", "note": "% promoters - % detractors",
         "chart": small_chart(nps, y_label="NPS", x_label="Week starting (local day)", low=-100, high=100)},
    ]  # fmt: skip


def csv_rows(report: dict):
    for day in report["days"]:
        yield [
            day["date"], day["total"], *day["by_status"].values(), day["no_show_rate"],
            day["average_queue_wait_minutes"], day["average_service_minutes"], day["visits"],
            *day["visits_by_source"].values(), day["ratings"], day["nps"],
        ]  # fmt: skip


def daily_report_view(request):
    """GET: the report for the form's location(s) and local days; `format=csv` downloads its rows."""
    if not request.user.has_perm("appointments.view_appointment"):
        raise PermissionDenied
    form = ReportRangeForm(request.GET, user=request.user, now=timezone.now())
    report = None
    if form.is_valid():
        data = form.cleaned_data
        everywhere = data["location"] is None and location_ids_for(request.user) is None
        report = daily_report(data["chosen"], data["start_date"], data["end_date"], all_locations=everywhere)
        if request.GET.get("format") == "csv":
            return csv_response("report", CSV_HEADER, csv_rows(report))
    context = {
        **admin.site.each_context(request),
        "title": "Daily report",
        "form": form,
        "report": report,
        "charts": charts(report) if report else [],
        "statuses": [(status.value, status.label) for status in AppointmentStatus],
        "csv_url": f"?{with_param(request.GET, format='csv')}" if report else "",
    }
    return TemplateResponse(request, "admin/appointments/report.html", context)


console_link(Link("Reports", "Daily report", "console_report", "monitoring", "appointments.view_appointment", 5))
