from __future__ import annotations

from rest_framework import serializers

from core.api.serializers import OutputModelSerializer
from notifications.models import Notification, Target
from notifications.registry import subjects

TARGET_FIELDS = ("name", "handle", "channel", "url", "email", "subject", "template", "secret", "timeout_seconds",
                 "is_active")  # fmt: skip


class TargetSerializer(OutputModelSerializer):
    """A target as read: the secret is never echoed, only whether one is set."""

    url = serializers.CharField(allow_null=True)
    email = serializers.CharField(allow_null=True)
    subject = serializers.CharField(source="subject_template", allow_null=True)
    template = serializers.CharField(source="body_template", allow_null=True)
    has_secret = serializers.SerializerMethodField()

    class Meta:
        model = Target
        fields = ("id", "name", "handle", "channel", "url", "email", "subject", "template", "has_secret",
                  "timeout_seconds", "is_active", "created_at", "updated_at")  # fmt: skip

    def get_has_secret(self, obj) -> bool:
        return bool(obj.secret)


class TargetInput(serializers.ModelSerializer):
    """Create and (partial) update body. `secret` is write-only; omit it on update to keep the current one."""

    subject = serializers.CharField(source="subject_template", required=False, allow_blank=True, allow_null=True,
                                    max_length=500)  # fmt: skip
    template = serializers.CharField(source="body_template", required=False, allow_blank=True, allow_null=True)
    secret = serializers.CharField(write_only=True, required=False, allow_blank=True, allow_null=True, max_length=255)
    url = serializers.URLField(required=False, allow_blank=True, allow_null=True, max_length=1000)
    email = serializers.EmailField(required=False, allow_blank=True, allow_null=True)

    class Meta:
        model = Target
        fields = TARGET_FIELDS
        # Handles are checked by the model's unique constraint in the service (a 422 on `handle`).
        extra_kwargs = {"handle": {"validators": []}}

    def validate(self, attrs):
        for name in ("subject_template", "body_template", "secret", "url", "email"):
            if name in attrs and attrs[name] is None:
                attrs[name] = ""
        return attrs


class NotificationSerializer(OutputModelSerializer):
    notification_id = serializers.UUIDField(source="uuid", help_text="Sent as X-Notification-Id on every attempt.")
    subject_id = serializers.CharField()

    class Meta:
        model = Notification
        fields = ("id", "notification_id", "subject_type", "subject_id", "event", "target_id", "due_at", "status",
                  "attempts", "next_attempt_at", "sent_at", "last_error", "created_at", "updated_at")  # fmt: skip

    def get_fields(self):
        """The registered subjects' id fields (`appointment_id`: annotated by the view) follow notification_id."""
        fields = super().get_fields()
        ordered = {name: fields.pop(name) for name in ("id", "notification_id")}
        for subject in subjects():
            ordered[subject.id_field] = serializers.IntegerField(allow_null=True, help_text=subject.description)
        return {**ordered, **fields}
