from core.api.routing import resource, route
from visits.api import views

urlpatterns = [
    *resource("visits", views.VisitViewSet, "visit"),
    *resource("profiles/<profile:profile_id>/visits", views.VisitViewSet, "profile-visit"),
    *route("reports/footfall", views.FootfallReportViewSet.as_view({"get": "report"}), "report-footfall"),
]
