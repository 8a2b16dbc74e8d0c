from core.api.routing import resource
from notifications.api import views

urlpatterns = [
    *resource("targets", views.TargetViewSet, "target"),
    *resource(
        "notifications",
        views.NotificationViewSet,
        "notification",
        collection={"get": "list"},
        detail={"get": "retrieve"},
    ),  # fmt: skip
]
