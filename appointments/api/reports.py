"""GET /reports/appointments: appointment KPIs per local day of one location."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from appointments.selectors.kpis import appointment_report
from core.api.fields import ApiDateField
from core.api.serializers import InputSerializer, OutputSerializer
from core.api.views import ResourceViewSet
from directory.models import Location


class ReportQuery(InputSerializer):
    location_id = serializers.PrimaryKeyRelatedField(queryset=Location.objects.all(), source="location")
    start_date = ApiDateField()
    end_date = ApiDateField()


class AppointmentReportDaySerializer(OutputSerializer):
    date = serializers.DateField()
    total = serializers.IntegerField()
    by_status = serializers.DictField(child=serializers.IntegerField())
    no_show_rate = serializers.FloatField(allow_null=True)
    average_queue_wait_minutes = serializers.FloatField(allow_null=True)
    average_service_minutes = serializers.FloatField(allow_null=True)


class AppointmentReportMetaSerializer(OutputSerializer):
    location_id = serializers.IntegerField()
    timezone = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    total = serializers.IntegerField()
    by_status = serializers.DictField(child=serializers.IntegerField())
    no_show_rate = serializers.FloatField(allow_null=True)
    average_queue_wait_minutes = serializers.FloatField(allow_null=True)
    average_service_minutes = serializers.FloatField(allow_null=True)


class AppointmentReportSerializer(OutputSerializer):
    """The response body (schema only)."""

    data = AppointmentReportDaySerializer(many=True)
    meta = AppointmentReportMetaSerializer()


REPORT_PARAMETERS = [
    OpenApiParameter("location_id", int, required=True),
    OpenApiParameter("start_date", str, required=True, description="YYYY-MM-DD, local to the location"),
    OpenApiParameter("end_date", str, required=True, description="YYYY-MM-DD, inclusive"),
]


class AppointmentReportViewSet(ResourceViewSet):
    scope_area = "appointments"
    paginate = False
    pagination_class = None
    serializer_class = AppointmentReportDaySerializer
    filter_backends = []

    @extend_schema(parameters=REPORT_PARAMETERS, responses={200: AppointmentReportSerializer})
    def report(self, request, *args, **kwargs):
        query = ReportQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        location = query.validated_data["location"]
        start, end = query.validated_data["start_date"], query.validated_data["end_date"]
        rows, summary = appointment_report(location, start, end)
        meta = {"location_id": location.pk, "timezone": location.timezone.key, "start_date": start.isoformat(),
                "end_date": end.isoformat(), **summary}  # fmt: skip
        return Response({"data": AppointmentReportDaySerializer(rows, many=True).data, "meta": meta})
