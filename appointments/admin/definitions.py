from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from appointments import selectors
from appointments.enums import NOTIFICATION_EVENTS
from appointments.models import (
    AppointmentDefinition,
    DefinitionLocation,
    DefinitionNormalHour,
    DefinitionSpecialHour,
    DefinitionStaff,
)
from core.errors import DomainError
from directory.admin_base import ConsoleTabularInline, ExportableConsoleAdmin, console_today, locations_for
from directory.models import Location, Profile


class DefinitionNormalHourInline(ConsoleTabularInline):
    model = DefinitionNormalHour
    extra = 0
    fields = ("day_of_week", "available_from", "available_until")


class DefinitionSpecialHourInline(ConsoleTabularInline):
    model = DefinitionSpecialHour
    extra = 0
    fields = ("name", "start_at", "end_at", "is_repeating", "available_from", "available_until")


class DefinitionLocationInline(ConsoleTabularInline):
    model = DefinitionLocation
    extra = 0
    location_field = "location"
    autocomplete_fields = ("location",)
    fields = ("location", "is_active")


class DefinitionStaffInline(ConsoleTabularInline):
    model = DefinitionStaff
    extra = 0
    autocomplete_fields = ("staff",)
    fields = ("staff", "is_active", "sort_order")
    verbose_name_plural = "Staff list (used when 'use staff from location' is off)"


class PreviewForm(forms.Form):
    location = forms.ModelChoiceField(queryset=Location.objects.none())
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    staff = forms.ModelChoiceField(queryset=Profile.objects.none(), required=False)

    def __init__(self, *args, definition: AppointmentDefinition, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = locations_for(user).filter(definition_links__definition=definition)
        self.fields["staff"].queryset = Profile.objects.filter(
            Q(location_assignments__location__definition_links__definition=definition)
            | Q(definition_links__definition=definition)
        ).distinct()


@admin.register(AppointmentDefinition)
class AppointmentDefinitionAdmin(ExportableConsoleAdmin):
    list_display = ("name", "handle", "booking_type", "duration_minutes", "requires_staff", "is_published",
                    "is_archived", "preview_link")  # fmt: skip
    list_filter = ("booking_type", "is_published", "is_archived", "requires_staff")
    search_fields = ("name", "handle")
    inlines = (DefinitionNormalHourInline, DefinitionSpecialHourInline, DefinitionLocationInline,
               DefinitionStaffInline)  # fmt: skip
    fieldsets = (
        (None, {"fields": ("handle", "name", "is_published", "is_archived")}),
        ("Descriptions", {"classes": ("collapse",), "fields": (
            "description", "short_description", "long_description", "icon", "image_url", "terms_conditions",
            "internal_notes", "visibility_condition", "queue_code", "meta")}),
        ("Booking rules", {"fields": (
            "booking_type", "duration_minutes", ("buffer_before_minutes", "buffer_after_minutes"),
            "slot_interval_minutes", "min_lead_minutes", "max_advance_days", "allow_customer_booking",
            "allow_walk_in", "allow_queue", "allow_waitlist")}),
        ("Capacity and staff", {"fields": (
            "max_concurrent_bookings", "requires_staff", "customer_must_select_staff", "use_staff_from_location")}),
        ("Customer links", {"description": (
            "What customers may do from the links in their messages (docs/customer-links.md): up to this many hours "
            "before the start, 0 until the start, empty not from a link."), "fields": (
            ("customer_reschedule_notice_hours", "customer_cancel_notice_hours"),)}),
        ("Notifications", {"classes": ("collapse",), "description": (
            "One line per event: the target it goes to, then the offset in days and hours (after the event; for "
            "the reminder, before the start). No target: nothing is sent."), "fields": tuple(
            (f"{event}_target", f"notify_{event}_offset_days", f"notify_{event}_offset_hours")
            for event in NOTIFICATION_EVENTS)}),
    )  # fmt: skip

    def get_urls(self):
        preview = self.admin_site.admin_view(self.availability_preview)
        return [
            path("<int:pk>/availability/", preview, name="appointments_appointmentdefinition_availability"),
            *super().get_urls(),
        ]

    @admin.display(description="Availability")
    def preview_link(self, obj: AppointmentDefinition) -> str:
        url = reverse("admin:appointments_appointmentdefinition_availability", args=[obj.pk])
        return format_html('<a href="{}">Preview slots</a>', url)

    def availability_preview(self, request, pk: int):
        """Pick a location, a date and optionally a staff member; see the slots with their remaining capacity."""
        definition = get_object_or_404(AppointmentDefinition, pk=pk)
        query = request.GET.copy()
        offered = locations_for(request.user).filter(definition_links__definition=definition)
        today = console_today(offered, query.get("location"))
        if query.get("location") and not query.get("date"):
            query["date"] = today.isoformat()
        form = PreviewForm(query or None, definition=definition, user=request.user, initial={"date": today})
        slots, error, location = None, None, None
        if form.is_bound and form.is_valid():
            location = form.cleaned_data["location"]
            staff = form.cleaned_data["staff"]
            try:
                _, slots = selectors.day_slots(
                    definition, location.pk, form.cleaned_data["date"], staff_id=staff.pk if staff else None,
                    now=timezone.now(),
                )  # fmt: skip
            except DomainError as exc:
                error = exc.message
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": definition,
            "title": f"Availability of {definition}",
            "form": form,
            "slots": slots,
            "error": error,
            "location": location,
            "page_tz": location.timezone if location else None,
            "book_url": reverse("admin:appointments_appointment_book"),
            "staff": form.cleaned_data.get("staff") if form.is_bound and form.is_valid() else None,
        }
        return TemplateResponse(request, "admin/appointments/availability_preview.html", context)
