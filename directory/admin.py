from __future__ import annotations

from django.contrib import admin, messages
from django.utils import timezone

from directory.models import (
    ApiToken,
    Location,
    LocationNormalHour,
    LocationSpecialHour,
    Profile,
    ProfileNormalHour,
    ProfileSpecialHour,
    StaffAssignment,
)
from directory.services.tokens import token_issue, token_revoke


class LocationNormalHourInline(admin.TabularInline):
    model = LocationNormalHour
    extra = 0
    fields = ("day_of_week", "open_at", "close_at")


class LocationSpecialHourInline(admin.TabularInline):
    model = LocationSpecialHour
    extra = 0
    fields = ("name", "start_at", "end_at", "is_repeating", "open_at", "close_at")


class StaffAssignmentInline(admin.TabularInline):
    model = StaffAssignment
    fk_name = "location"
    extra = 0
    autocomplete_fields = ("profile",)
    fields = ("profile", "assignment_type", "role_type", "is_active", "is_default", "starts_at", "ends_at",
              "sort_order", "excluded_service_handles")  # fmt: skip


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ("name", "handle", "timezone", "is_published", "phone", "email")
    list_filter = ("is_published",)
    search_fields = ("name", "handle", "email")
    prepopulated_fields = {"handle": ("name",)}
    inlines = (LocationNormalHourInline, LocationSpecialHourInline, StaffAssignmentInline)


class ProfileNormalHourInline(admin.TabularInline):
    model = ProfileNormalHour
    extra = 0
    fields = ("day_of_week", "available_from", "available_until")


class ProfileSpecialHourInline(admin.TabularInline):
    model = ProfileSpecialHour
    extra = 0
    fields = ("name", "start_at", "end_at", "is_repeating", "available_from", "available_until")


class ProfileAssignmentInline(admin.TabularInline):
    model = StaffAssignment
    fk_name = "profile"
    extra = 0
    verbose_name = "location assignment"
    fields = ("location", "assignment_type", "role_type", "is_active", "is_default", "starts_at", "ends_at",
              "sort_order", "excluded_service_handles")  # fmt: skip


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("full_name", "email", "mobile_phone", "created_at")
    search_fields = ("first_name", "last_name", "email", "mobile_phone", "id")
    readonly_fields = ("id", "created_at", "updated_at")
    inlines = (ProfileAssignmentInline, ProfileNormalHourInline, ProfileSpecialHourInline)

    @admin.display(description="Name", ordering="last_name")
    def full_name(self, obj: Profile) -> str:
        return obj.full_name or "—"


@admin.register(StaffAssignment)
class StaffAssignmentAdmin(admin.ModelAdmin):
    list_display = ("profile", "location", "assignment_type", "role_type", "is_active", "is_default", "sort_order")
    list_filter = ("assignment_type", "is_active", "location")
    search_fields = ("profile__first_name", "profile__last_name", "profile__email", "location__name")
    autocomplete_fields = ("profile", "location")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
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
            created_by=f"user:{request.user.pk}",
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
