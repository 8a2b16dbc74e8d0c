from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group, User
from django.utils import timezone
from django.utils.html import strip_tags
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm

from directory.admin_base import (
    ActorColumn,
    ConsoleModelAdmin,
    ConsoleStackedInline,
    ConsoleTabularInline,
    ExportableConsoleAdmin,
    actor_of,
    json_field,
)
from directory.console_display import record_link
from directory.models import (
    ApiToken,
    AuditRecord,
    Location,
    LocationNormalHour,
    LocationSpecialHour,
    OperatorAccess,
    Profile,
    ProfileNormalHour,
    ProfileSpecialHour,
    StaffAssignment,
)
from directory.selectors import actor_label
from directory.services.tokens import token_issue, token_revoke


class LocationNormalHourInline(ConsoleTabularInline):
    model = LocationNormalHour
    extra = 0
    fields = ("day_of_week", "open_at", "close_at")


class LocationSpecialHourInline(ConsoleTabularInline):
    model = LocationSpecialHour
    extra = 0
    fields = ("name", "start_at", "end_at", "is_repeating", "open_at", "close_at")


class StaffAssignmentInline(ConsoleTabularInline):
    model = StaffAssignment
    fk_name = "location"
    extra = 0
    list_fields = ("excluded_service_handles",)
    autocomplete_fields = ("profile",)
    fields = ("profile", "assignment_type", "role_type", "is_active", "is_default", "starts_at", "ends_at",
              "sort_order", "excluded_service_handles")  # fmt: skip


@admin.register(Location)
class LocationAdmin(ExportableConsoleAdmin):
    location_field = "pk"
    list_display = ("name", "handle", "timezone", "is_published", "phone", "email")
    list_filter = ("is_published",)
    search_fields = ("name", "handle", "email")
    prepopulated_fields = {"handle": ("name",)}
    inlines = (LocationNormalHourInline, LocationSpecialHourInline, StaffAssignmentInline)
    readonly_fields = ("address_view", "meta_view")
    address_view = json_field("address", "Address")
    meta_view = json_field("meta", "Meta")

    def get_fields(self, request, obj=None):
        """Who may only look sees the address and meta as words; who may edit gets their JSON inputs."""
        fields = [name for name in super().get_fields(request, obj) if name not in self.readonly_fields]
        if obj is not None and not self.has_change_permission(request, obj):
            return [{"address": "address_view", "meta": "meta_view"}.get(name, name) for name in fields]
        return fields


class ProfileNormalHourInline(ConsoleTabularInline):
    model = ProfileNormalHour
    extra = 0
    fields = ("day_of_week", "available_from", "available_until")


class ProfileSpecialHourInline(ConsoleTabularInline):
    model = ProfileSpecialHour
    extra = 0
    fields = ("name", "start_at", "end_at", "is_repeating", "available_from", "available_until")


class ProfileAssignmentInline(ConsoleTabularInline):
    model = StaffAssignment
    fk_name = "profile"
    extra = 0
    location_field = "location"
    list_fields = ("excluded_service_handles",)
    verbose_name = "location assignment"
    fields = ("location", "assignment_type", "role_type", "is_active", "is_default", "starts_at", "ends_at",
              "sort_order", "excluded_service_handles")  # fmt: skip


@admin.register(Profile)
class ProfileAdmin(ExportableConsoleAdmin):
    list_display = ("full_name", "email", "mobile_phone", "created_at")
    search_fields = ("first_name", "last_name", "email", "mobile_phone", "id")
    readonly_fields = ("id", "created_at", "updated_at")
    inlines = (ProfileAssignmentInline, ProfileNormalHourInline, ProfileSpecialHourInline)

    @admin.display(description="Name", ordering="last_name")
    def full_name(self, obj: Profile) -> str:
        return obj.full_name or "—"


@admin.register(StaffAssignment)
class StaffAssignmentAdmin(ExportableConsoleAdmin):
    location_field = "location"
    list_fields = ("excluded_service_handles",)
    list_display = ("profile", "location", "assignment_type", "role_type", "is_active", "is_default", "sort_order")
    list_filter = ("assignment_type", "is_active", "location")
    search_fields = ("profile__first_name", "profile__last_name", "profile__email", "location__name")
    autocomplete_fields = ("profile", "location")


@admin.register(ApiToken)
class ApiTokenAdmin(ConsoleModelAdmin):
    """Tokens are issued through the token service so the secret is hashed and shown once."""

    list_display = ("name", "kind", "prefix", "profile", "scopes", "expires_at", "revoked_at", "last_used_at")
    list_filter = ("kind",)
    search_fields = ("name", "prefix")
    autocomplete_fields = ("profile",)
    fields = ("name", "kind", "scopes", "profile", "expires_at", "prefix", "created_by", "created_at", "revoked_at",
              "last_used_at")  # fmt: skip
    readonly_fields = ("prefix", "created_by", "created_at", "revoked_at", "last_used_at")
    actions = ("revoke",)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return (*self.readonly_fields, "name", "kind", "scopes", "profile")
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["expires_at"])
            return
        token, raw = token_issue(
            name=obj.name,
            kind=obj.kind,
            scopes=obj.scopes,
            profile=obj.profile,
            expires_at=obj.expires_at,
            created_by=actor_of(request),
        )
        obj.pk = token.pk
        obj._state.adding = False
        messages.warning(request, f"Token created. Copy it now, it will not be shown again: {raw}")

    @admin.action(description="Revoke selected tokens")
    def revoke(self, request, queryset):
        now = timezone.now()
        for token in queryset:
            token_revoke(token, now=now)
        messages.success(request, f"Revoked {queryset.count()} token(s).")


@admin.register(AuditRecord)
class AuditRecordAdmin(ActorColumn, ConsoleModelAdmin):
    """The generic audit trail (erasures and exports of profiles): read-only for everybody."""

    list_display = ("at", "action", "subject_type", "subject_id", "actor")
    list_filter = ("action", "subject_type")
    search_fields = ("subject_id", "actor")
    fields = readonly_fields = ("at", "action", "actor_name", "subject", "data_view")
    data_view = json_field("data", "Data")

    @admin.display(description="Subject")
    def subject(self, obj: AuditRecord) -> str:
        return record_link(obj.subject_type, obj.subject_id)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Titled in words ("profile.export of Olivia Jones by ops (command line)"), not with ids."""
        record = self.get_object(request, object_id)
        if record is not None:
            subject = strip_tags(record_link(record.subject_type, record.subject_id))
            words = f"{record.action} of {subject} by {actor_label(record.actor)}"
            extra_context = {**(extra_context or {}), "subtitle": words}
        return super().change_view(request, object_id, form_url, extra_context)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OperatorAccessInline(ConsoleStackedInline):
    model = OperatorAccess
    extra = 0
    max_num = 1
    can_delete = True
    filter_horizontal = ("locations",)
    verbose_name = "Limit to locations"
    verbose_name_plural = "Limit to locations (no row: every location)"


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(BaseUserAdmin, ConsoleModelAdmin):
    """Console users: give them the Operator or Manager group, and optionally limit them to some locations."""

    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm
    inlines = (OperatorAccessInline,)
    list_display = ("username", "email", "first_name", "last_name", "is_staff", "roles")

    @admin.display(description="Roles")
    def roles(self, obj: User) -> str:
        return ", ".join(group.name for group in obj.groups.all()) or ("superuser" if obj.is_superuser else "—")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin, ConsoleModelAdmin):
    pass
