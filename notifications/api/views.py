from __future__ import annotations

from django.db.models import BigIntegerField, Case, When
from django.db.models.functions import Cast
from drf_spectacular.utils import extend_schema, extend_schema_view

from core.api.views import ResourceViewSet
from notifications.api import serializers as s
from notifications.models import Notification, Target
from notifications.registry import subjects
from notifications.services.targets import target_create, target_delete, target_update

STAMP_FILTERS = {"created_at": "datetime", "updated_at": "datetime"}


@extend_schema_view(
    list=extend_schema(summary="List targets"),
    create=extend_schema(
        summary="Create a target",
        description="A webhook target needs `url` (public http(s) unless private URLs are allowed); an email target "
        "takes `email` or none (the customer). `template` must render valid JSON for webhooks (values are "
        "JSON-escaped). `secret` is write-only: responses say `has_secret`.",
    ),
    retrieve=extend_schema(summary="Get a target"),
    update=extend_schema(summary="Change a target (only the fields sent; omit `secret` to keep it)"),
    destroy=extend_schema(
        summary="Delete a target",
        description="A target still used by notifications or definitions is a 409 `target_in_use`: deactivate it.",
    ),
)
class TargetViewSet(ResourceViewSet):
    """Where notifications go (admin scope: targets hold secrets)."""

    serializer_class = s.TargetSerializer
    input_serializer_class = s.TargetInput
    filter_fields = {"id": "number", "handle": "text", "name": "text", "channel": "text", "is_active": "bool",
                     **STAMP_FILTERS}  # fmt: skip
    search_fields = ("name", "handle")
    sort_fields = {name: name for name in ("id", "name", "handle", "created_at", "updated_at")}

    def get_queryset(self):
        return Target.objects.order_by("id")

    def perform_create(self, data):
        return target_create(**data)

    def perform_update(self, instance, data):
        return target_update(instance, **data)

    def perform_destroy(self, instance):
        target_delete(instance)


@extend_schema_view(
    list=extend_schema(
        summary="List the notification outbox",
        description="Filters: "
        + "".join(f"`filter[{subject.id_field}]`, " for subject in subjects())
        + "`filter[event]`, `filter[status]`, `filter[target_id]`, "
        "`filter[due_at][gte|lte|gt|lt]` and more; sort by `due_at`, `sent_at`, `created_at`, `id`.",
    ),
    retrieve=extend_schema(summary="Get one notification"),
)
class NotificationViewSet(ResourceViewSet):
    """The outbox, read-only (admin scope)."""

    serializer_class = s.NotificationSerializer
    # The registered subjects' id fields (notifications.registry; API modules load after every app's ready()).
    filter_fields = {
        "id": "number", **{subject.id_field: "number" for subject in subjects()}, "subject_type": "text",
        "subject_id": "text", "event": "text", "status": "text", "target_id": "number", "due_at": "datetime",
        "sent_at": "datetime", **STAMP_FILTERS,
    }  # fmt: skip
    sort_fields = {name: name for name in ("id", "due_at", "sent_at", "created_at", "updated_at")}

    def get_queryset(self):
        ids = {
            subject.id_field: Case(When(subject_type=subject.name, then=Cast("subject_id", BigIntegerField())),
                                   output_field=BigIntegerField())
            for subject in subjects()
        }  # fmt: skip
        return Notification.objects.annotate(**ids).order_by("due_at", "id")
