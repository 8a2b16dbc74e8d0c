from appointments.api import queues, reports, views, waitlists
from core.api.routing import resource, route

D = "appointment-definitions"
definition = views.DefinitionViewSet


def post(action: str):
    return definition.as_view({"post": action})


urlpatterns = [
    *resource(D, definition, "definition"),
    *route(f"{D}/<int:pk>/questions", definition.as_view({"get": "questions"}), "definition-questions"),
    *route(f"{D}/<int:pk>/available-slots", post("available_slots"), "definition-available-slots"),
    *route(f"{D}/<int:pk>/available-slots-range", post("available_slots_range"), "definition-available-slots-range"),
    *route(f"{D}/<int:pk>/available-staff", post("available_staff"), "definition-available-staff"),
    *resource(f"{D}/<int:definition_id>/normal-hours", views.DefinitionNormalHourViewSet, "definition-normal-hour"),
    *resource(f"{D}/<int:definition_id>/special-hours", views.DefinitionSpecialHourViewSet, "definition-special-hour"),
    # GET and DELETE of one link take the row id, PUT takes the location id (Omneo's quirk); one pattern serves
    # all three and the view reads the number as whichever the method means.
    *resource(
        f"{D}/<int:definition_id>/locations",
        views.DefinitionLocationViewSet,
        "definition-location",
        member="<int:location_id>",
        detail={"get": "retrieve", "put": "update", "patch": "update", "delete": "destroy"},
    ),
    *resource(f"{D}/<int:definition_id>/staff", views.DefinitionStaffViewSet, "definition-staff"),
    *route(
        "profiles/<profile:profile_id>/appointment-definitions/visibility",
        views.VisibleDefinitionsViewSet.as_view({"get": "list"}),
        "profile-visible-definitions",
    ),
]

for A, prefix, name in (
    (views.AppointmentViewSet, "appointments", "appointment"),
    (views.ProfileAppointmentViewSet, "profiles/<profile:profile_id>/appointments", "profile-appointment"),
):
    urlpatterns += [
        *resource(prefix, A, name),
        *route(f"{prefix}/<int:pk>/events", A.as_view({"get": "events"}), f"{name}-events"),
        *route(f"{prefix}/<int:pk>/link", A.as_view({"post": "link"}), f"{name}-link"),
        *route(f"{prefix}/<int:pk>/unlink", A.as_view({"post": "unlink"}), f"{name}-unlink"),
    ]

# Waitlists and walk-in queues (api/waitlists.py, api/queues.py).
W = waitlists.WaitlistViewSet
Q = queues.QueueViewSet
urlpatterns += [
    *resource("appointment-waitlists", W, "waitlist"),
    *route("appointment-waitlists/<int:pk>/claim", W.as_view({"post": "claim"}), "waitlist-claim"),
    *route("appointment-waitlists/<int:pk>/decline", W.as_view({"post": "decline"}), "waitlist-decline"),
    *resource("profiles/<profile:profile_id>/appointment-waitlists", W, "profile-waitlist"),
    *resource("appointment-queues", Q, "queue"),
    *route("appointment-queues/<int:pk>/convert", Q.as_view({"post": "convert"}), "queue-convert"),
    *route("reports/appointments", reports.AppointmentReportViewSet.as_view({"get": "report"}), "report-appointments"),
]
