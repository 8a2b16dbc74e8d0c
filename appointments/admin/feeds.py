"""Calendar feeds in the console (Setup; Managers): issue a feed URL for a staff member or a location, shown once,
and revoke it. Issuing and revoking go through appointments.services.feeds (hashed secret, audit records)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils import timezone

from appointments.models import CalendarFeed
from appointments.services.feeds import feed_issue, feed_revoke
from core.errors import DomainError
from core.localtime import local_label
from directory.admin_base import ConsoleModelAdmin, Link, actor_of, console_link

console_link(Link("Setup", "Calendar feeds", "admin:appointments_calendarfeed_changelist", "calendar_month",
                  "appointments.view_calendarfeed", 40))  # fmt: skip


class CalendarFeedForm(forms.ModelForm):
    class Meta:
        model = CalendarFeed
        fields = ("name", "staff", "location")

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("staff")) == bool(cleaned.get("location")):
            raise forms.ValidationError("Pick a staff member or a location (one of the two).")
        return cleaned


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ConsoleModelAdmin):
    """The URL is shown once, in the message after "Save"; afterwards only its first characters (prefix)."""

    form = CalendarFeedForm
    location_field = "location"
    list_display = ("whose", "name", "prefix", "created", "last_fetched", "revoked")
    list_filter = ("location",)
    search_fields = ("name", "prefix", "staff__first_name", "staff__last_name", "location__name")
    list_select_related = ("staff", "location")
    autocomplete_fields = ("staff", "location")
    readonly_fields = ("prefix", "created_by", "created_at", "last_used_at", "revoked_at")
    actions = ("revoke",)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return (*self.readonly_fields, "name", "staff", "location")
        return ()

    def get_fields(self, request, obj=None):
        return ("name", "staff", "location", *(self.readonly_fields if obj is not None else ()))

    def save_model(self, request, obj, form, change):
        if change:
            return
        try:
            feed, url = feed_issue(staff=obj.staff, location=obj.location, name=obj.name,
                                   created_by=actor_of(request))  # fmt: skip
        except DomainError as exc:  # the form already checked; kept for the service's own rule
            messages.error(request, exc.message)
            return
        obj.pk, obj.prefix = feed.pk, feed.prefix
        obj._state.adding = False
        messages.warning(request, f"Feed created. Copy its URL now, it will not be shown again: {url}")

    @admin.display(description="For")
    def whose(self, obj: CalendarFeed) -> str:
        return f"Staff: {obj.staff}" if obj.staff_id else f"Location: {obj.location}"

    @admin.display(description="Created", ordering="created_at")
    def created(self, obj: CalendarFeed) -> str:
        return local_label(obj.created_at, timezone.get_current_timezone(), "%Y-%m-%d %H:%M %Z")

    @admin.display(description="Last fetched", ordering="last_used_at")
    def last_fetched(self, obj: CalendarFeed) -> str:
        return local_label(obj.last_used_at, timezone.get_current_timezone(), "%Y-%m-%d %H:%M %Z") or "never"

    @admin.display(description="Revoked", ordering="revoked_at")
    def revoked(self, obj: CalendarFeed) -> str:
        return local_label(obj.revoked_at, timezone.get_current_timezone(), "%Y-%m-%d %H:%M %Z") or "—"

    @admin.action(description="Revoke selected feeds", permissions=("change",))
    def revoke(self, request, queryset):
        now = timezone.now()
        for feed in queryset:
            feed_revoke(feed, actor=actor_of(request), now=now)
        messages.success(request, f"Revoked {queryset.count()} feed(s): their URLs no longer work.")
