from core.api.routing import resource
from directory.api import views

urlpatterns = [
    *resource("locations", views.LocationViewSet, "location"),
    *resource("locations/<int:location_id>/normal-hours", views.LocationNormalHourViewSet, "location-normal-hour"),
    *resource("locations/<int:location_id>/special-hours", views.LocationSpecialHourViewSet, "location-special-hour"),
    *resource("locations/<int:location_id>/profiles", views.StaffAssignmentViewSet, "location-profile"),
    *resource("profiles", views.ProfileViewSet, "profile", member="<profile:profile_id>"),
    *resource("profiles/<profile:profile_id>/normal-hours", views.ProfileNormalHourViewSet, "profile-normal-hour"),
    *resource("profiles/<profile:profile_id>/special-hours", views.ProfileSpecialHourViewSet, "profile-special-hour"),
    *resource(
        "profiles/<profile:profile_id>/tokens",
        views.ProfileTokenViewSet,
        "profile-token",
        collection={"post": "create"},
        detail={"delete": "destroy"},
    ),
]
