from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from core.api.views import ResourceViewSet
from directory.api.views import ProfileScopeMixin
from visits import selectors
from visits.api import serializers as s
from visits.services.visits import visit_create, visit_delete, visit_update

STAMP_FILTERS = {"created_at": "datetime", "updated_at": "datetime"}


class VisitViewSet(ProfileScopeMixin, ResourceViewSet):
    """/visits and /profiles/{uuid}/visits (the latter scoped to that profile); customers read their own."""

    scope_area = "appointments"
    customer_actions = ("list", "retrieve")
    serializer_class = s.VisitSerializer
    filter_fields = {
        "id": "number", "location_id": "number", "profile_id": "uuid", "staff_id": "uuid", "visited_at": "datetime",
        "appointment_id": "number", "queue_entry_id": "number", "source": "text", "external_id": "text",
        "type": "text", **STAMP_FILTERS,
    }  # fmt: skip
    search_fields = ("notes", "external_id", "type")
    sort_fields = {name: name for name in ("id", "visited_at", "source", "created_at", "updated_at")}

    def get_queryset(self):
        queryset = selectors.visits_with_relations()
        profile_id = self.scoped_profile_id()
        return queryset if profile_id is None else queryset.filter(profile_id=profile_id)

    @extend_schema(request=s.VisitInput, responses={201: s.VisitSerializer})
    def create(self, request, *args, **kwargs):
        scoped = "profile_id" in self.kwargs
        data = dict(self.validated_input_of(s.ProfileVisitInput if scoped else s.VisitInput))
        if scoped:
            data.pop("profile_id", None)
            profile = self.get_profile()
            data["profile"] = profile
        visit = visit_create(**data)
        return self.output(self.refetch(visit), 201)

    @extend_schema(request=s.VisitUpdateInput, responses={200: s.VisitSerializer})
    def update(self, request, *args, **kwargs):
        visit = self.get_object()
        data = dict(self.validated_input_of(s.VisitUpdateInput))
        if "profile_id" in self.kwargs:
            data.pop("profile", None)
        visit = visit_update(visit, **data)
        return self.output(self.refetch(visit))

    def perform_destroy(self, instance):
        visit_delete(instance)


class FootfallReportViewSet(ResourceViewSet):
    """GET /reports/footfall?location_id&start_date&end_date: visits per local day of the location, by source."""

    scope_area = "appointments"
    paginate = False
    pagination_class = None
    serializer_class = s.FootfallDaySerializer
    filter_backends = []

    @extend_schema(
        parameters=[OpenApiParameter("location_id", int, required=True),
                    OpenApiParameter("start_date", str, required=True, description="YYYY-MM-DD, local"),
                    OpenApiParameter("end_date", str, required=True, description="YYYY-MM-DD, inclusive")],
        responses={200: s.FootfallReportSerializer},
    )  # fmt: skip
    def report(self, request, *args, **kwargs):
        query = s.ReportQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        location = query.validated_data["location"]
        start, end = query.validated_data["start_date"], query.validated_data["end_date"]
        rows = selectors.footfall(location, start, end)
        meta = {
            "location_id": location.pk,
            "timezone": location.timezone.key,
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
            "total": sum(row["total"] for row in rows),
        }
        return Response({"data": self.get_serializer(rows, many=True).data, "meta": meta})
