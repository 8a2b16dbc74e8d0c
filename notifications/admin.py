"""The console pages: targets (Manager pages) and the outbox (Operators see their locations' rows)."""

from __future__ import annotations

from datetime import UTC

from django import forms
from django.contrib import admin, messages
from django.utils import timezone

from core.errors import DomainError
from core.localtime import local_label
from directory.admin_base import ConsoleModelAdmin, ConsoleTabularInline, Link, console_link, json_field
from directory.console_display import record_link
from notifications.models import DeliveryAttempt, Notification, Target
from notifications.services.dispatch import target_send_test
from notifications.services.scheduling import notifications_cancel_rows, notifications_retry_now
from notifications.services.targets import target_check, target_create, target_update

FORM_FIELDS = ("name", "handle", "channel", "url", "email", "subject_template", "body_template", "secret",
               "timeout_seconds", "is_active")  # fmt: skip
FORM_NAMES = {"template": "body_template"}
ATTEMPT_FIELDS = ("local_at", "notification", "ok", "response_status", "duration_ms", "error")


class ReadOnlyInline(ConsoleTabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class TargetAttemptInline(ReadOnlyInline):
    @admin.display(description="At (local)")
    def local_at(self, obj: DeliveryAttempt) -> str:
        """In the zone of the notification's location (UTC when it has none)."""
        location = obj.notification.location
        return local_label(obj.at, location.timezone if location else UTC, "%a %d %b %Y %H:%M:%S %Z")

    model = DeliveryAttempt
    fields = readonly_fields = ATTEMPT_FIELDS
    verbose_name_plural = "Last attempts"
    max_num = 0

    def get_queryset(self, request):
        # The newest few only: a busy target has thousands.
        latest = DeliveryAttempt.objects.filter(target_id=self.parent_pk).order_by("-at", "-id")[:20]
        return super().get_queryset(request).filter(pk__in=list(latest.values_list("pk", flat=True)))

    def get_formset(self, request, obj=None, **kwargs):
        self.parent_pk = obj.pk if obj else None
        return super().get_formset(request, obj, **kwargs)


class TargetForm(forms.ModelForm):
    """Shows the service's channel, URL and template checks as form errors."""

    url = forms.URLField(required=False, max_length=1000, assume_scheme="https")

    class Meta:
        model = Target
        fields = FORM_FIELDS

    def clean(self):
        cleaned = super().clean()
        candidate = Target(**{name: value for name, value in cleaned.items() if name in FORM_FIELDS})
        try:
            target_check(candidate)
        except DomainError as exc:
            for field, errors in exc.errors.items():
                self.add_error(FORM_NAMES.get(field, field) if FORM_NAMES.get(field, field) in self.fields else None,
                               errors)  # fmt: skip
        return cleaned


@admin.register(Target)
class TargetAdmin(ConsoleModelAdmin):
    form = TargetForm
    list_display = ("name", "handle", "channel", "address", "is_active", "has_secret")
    list_filter = ("channel", "is_active")
    search_fields = ("name", "handle", "url", "email")
    actions = ("send_test",)
    inlines = (TargetAttemptInline,)
    fieldsets = (
        (None, {"fields": ("name", "handle", "channel", "is_active")}),
        ("Where", {"fields": ("url", "email", "secret", "timeout_seconds")}),
        ("Templates", {"fields": ("subject_template", "body_template"),
                       "description": "Django template language over the context of docs/notifications.md. "
                                      "Empty: the documented default body."}),
    )  # fmt: skip

    @admin.display(description="Address")
    def address(self, obj: Target) -> str:
        return obj.url or obj.email or "the customer"

    @admin.display(description="Signed", boolean=True)
    def has_secret(self, obj: Target) -> bool:
        return bool(obj.secret)

    def save_model(self, request, obj, form, change):
        from core.errors import DomainError  # noqa: PLC0415

        fields = {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}
        try:
            saved = (
                target_update(Target.objects.get(pk=obj.pk), **fields)
                if change
                else target_create(**{name: value for name, value in form.cleaned_data.items()})
            )
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            raise
        obj.pk = saved.pk

    @admin.action(description="Send a test notification now")
    def send_test(self, request, queryset):
        for target in queryset:
            row = target_send_test(target)
            level = messages.SUCCESS if row.status == "sent" else messages.ERROR
            detail = f": {row.last_error}" if row.last_error else ""
            self.message_user(request, f"{target.name}: {row.status}{detail}", level)


class NotificationAttemptInline(ReadOnlyInline):
    model = DeliveryAttempt
    fields = readonly_fields = ("at", "ok", "response_status", "duration_ms", "error")


@admin.register(Notification)
class NotificationAdmin(ConsoleModelAdmin):
    location_field = "location"
    list_display = ("id", "event", "subject", "target", "local_due", "status", "attempts", "last_error_short")
    list_filter = ("status", "event", "target", ("due_at", admin.DateFieldListFilter))
    search_fields = ("subject_id", "key", "uuid")
    list_select_related = ("target", "location")
    actions = ("retry_now", "cancel")
    inlines = (NotificationAttemptInline,)
    readonly_fields = ("uuid", "key", "subject_link", "location", "event", "target", "local_due", "status", "attempts",
                       "next_attempt_at", "lease_until", "sent_at", "last_error", "context_view")  # fmt: skip
    fields = readonly_fields
    context_view = json_field("context", "Context")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="Subject")
    def subject(self, obj: Notification) -> str:
        return f"{obj.subject_type} {obj.subject_id}"

    @admin.display(description="Subject")
    def subject_link(self, obj: Notification) -> str:
        return record_link(obj.subject_type, obj.subject_id)

    @admin.display(description="Due (local)", ordering="due_at")
    def local_due(self, obj: Notification) -> str:
        tz = obj.location.timezone if obj.location_id else timezone.get_default_timezone()
        return local_label(obj.due_at, tz)

    @admin.display(description="Last error")
    def last_error_short(self, obj: Notification) -> str:
        return obj.last_error[:80]

    def has_retry_permission(self, request) -> bool:
        return request.user.has_perm("notifications.change_notification")

    @admin.action(description="Retry now", permissions=["retry"])
    def retry_now(self, request, queryset):
        changed = notifications_retry_now(ids=queryset.values_list("pk", flat=True), now=timezone.now())
        self.message_user(request, f"{changed} notification(s) will be sent now.", messages.SUCCESS)

    @admin.action(description="Cancel", permissions=["retry"])
    def cancel(self, request, queryset):
        reason = f"Cancelled by {request.user.get_username()}."
        changed = notifications_cancel_rows(ids=queryset.values_list("pk", flat=True), reason=reason,
                                            now=timezone.now())  # fmt: skip
        self.message_user(request, f"{changed} notification(s) cancelled.", messages.SUCCESS)


for _link in (
    Link("Reports", "Notifications", "admin:notifications_notification_changelist", "notifications",
         "notifications.view_notification", 60),
    Link("Setup", "Notification targets", "admin:notifications_target_changelist", "send",
         "notifications.change_target", 70),
):  # fmt: skip
    console_link(_link)
