"""The appointments list as an operator's day tool. Every write goes through the booking and lifecycle services."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db import transaction

from appointments.enums import AppointmentStatus
from appointments.models import Appointment, AppointmentEvent
from appointments.services.booking import BookingRequest, appointment_book
from appointments.services.lifecycle import appointment_reschedule, appointment_transition, appointment_update
from config.errors import DomainError
from config.localtime import localize

# API field names a service error may name -> the admin form's field names.
FORM_FIELDS = {
    "appointment_definition_id": "definition",
    "profile_id": "profile",
    "location_id": "location",
    "assigned_staff_id": "assigned_staff",
    "scheduled_start_at": "local_start",
    "scheduled_end_at": "local_start",
}


def actor_of(request) -> str:
    return f"user:{request.user.pk}"


class AppointmentForm(forms.ModelForm):
    """Create and reschedule through the services; their errors land on the matching form fields."""

    local_start = forms.DateTimeField(
        label="Start (location's local time)",
        help_text="Wall time at the location, e.g. 2026-05-11 10:00.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    override_availability = forms.BooleanField(
        required=False, help_text="Book outside hours, grid, lead and advance limits (never over capacity)."
    )

    class Meta:
        model = Appointment
        fields = ("definition", "profile", "location", "assigned_staff", "notes")

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        if self.instance.pk:
            for name in ("definition", "profile", "location"):
                self.fields[name].disabled = True
            tz = self.instance.location.timezone
            local = self.instance.scheduled_start_at.astimezone(tz).replace(tzinfo=None)
            self.initial["local_start"] = local.strftime("%Y-%m-%dT%H:%M")

    def _wall_time(self):
        # Django read the input as UTC (the current time zone); it was typed as the location's wall time.
        return self.cleaned_data["local_start"].replace(tzinfo=None)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            with transaction.atomic():
                self.instance = self._book() if self.instance.pk is None else self._reschedule()
        except DomainError as exc:
            self._show(exc)
        return cleaned

    def _book(self) -> Appointment:
        location = self.cleaned_data["location"]
        staff = self.cleaned_data.get("assigned_staff")
        request = BookingRequest(
            definition_id=self.cleaned_data["definition"].pk,
            profile_id=str(self.cleaned_data["profile"].pk),
            location_id=location.pk,
            start=localize(self._wall_time(), location.timezone, "scheduled_start_at"),
            assigned_staff_id=str(staff.pk) if staff else None,
            notes=self.cleaned_data.get("notes") or "",
            override_availability=self.cleaned_data["override_availability"],
        )
        return appointment_book(request, actor=actor_of(self.request))

    def _reschedule(self) -> Appointment:
        appointment = self.instance
        start = localize(self._wall_time(), appointment.location.timezone, "scheduled_start_at")
        staff = self.cleaned_data.get("assigned_staff")
        if start != appointment.scheduled_start_at or staff and staff.pk != appointment.assigned_staff_id:
            appointment = appointment_reschedule(
                appointment_id=appointment.pk, start=start, assigned_staff_id=str(staff.pk) if staff else None,
                override=self.cleaned_data["override_availability"], actor=actor_of(self.request),
            )  # fmt: skip
        appointment.notes = self.cleaned_data.get("notes") or ""
        return appointment

    def _show(self, exc: DomainError) -> None:
        if not exc.errors:
            self.add_error(None, exc.message)
        for field, messages_ in exc.errors.items():
            target = FORM_FIELDS.get(field, field if field in self.fields else None)
            for message in messages_:
                self.add_error(target, message)


class AppointmentEventInline(admin.TabularInline):
    model = AppointmentEvent
    extra = 0
    can_delete = False
    fields = ("at", "kind", "actor", "from_status", "to_status", "reason", "data")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class StaffFilter(admin.RelatedFieldListFilter):
    def field_choices(self, field, request, model_admin):
        return field.get_choices(
            include_blank=False,
            limit_choices_to={"staff_appointments__isnull": False},
            ordering=("first_name", "last_name"),
        )


def _transition_action(to: str, label: str):
    def action(modeladmin, request, queryset):
        moved, refused = 0, []
        for appointment in queryset.order_by("pk"):
            try:
                appointment_transition(appointment_id=appointment.pk, to=to, actor=actor_of(request))
                moved += 1
            except DomainError as exc:
                refused.append(f"#{appointment.pk}: {exc.message}")
        if moved:
            modeladmin.message_user(request, f"{label}: {moved} appointment(s).", messages.SUCCESS)
        for message in refused:
            modeladmin.message_user(request, message, messages.ERROR)

    action.__name__ = f"mark_{to}"
    return admin.action(description=f"{label} selected appointments")(action)


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    form = AppointmentForm
    list_display = ("id", "local_start", "customer", "definition", "location", "assigned_staff", "status")
    list_filter = ("status", "definition", "location", ("assigned_staff", StaffFilter), "scheduled_start_at")
    list_select_related = ("definition", "location", "profile", "assigned_staff")
    search_fields = ("=id", "profile__first_name", "profile__last_name", "profile__email")
    date_hierarchy = "scheduled_start_at"
    ordering = ("scheduled_start_at", "id")
    autocomplete_fields = ("profile", "assigned_staff")
    inlines = (AppointmentEventInline,)
    readonly_fields = ("status", "scheduled_start_at", "scheduled_end_at", "timezone", "confirmed_at", "approved_by",
                       "cancelled_by", "rejected_by")  # fmt: skip
    actions = [
        _transition_action(AppointmentStatus.CONFIRMED, "Confirm"),
        _transition_action(AppointmentStatus.REJECTED, "Reject"),
        _transition_action(AppointmentStatus.ARRIVED, "Mark arrived"),
        _transition_action(AppointmentStatus.COMPLETED, "Mark completed"),
        _transition_action(AppointmentStatus.NO_SHOW, "Mark no-show"),
        _transition_action(AppointmentStatus.CANCELLED, "Cancel"),
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)

        class WithRequest(form_class):
            def __init__(self, *args, **kw):
                super().__init__(*args, request=request, **kw)

        return WithRequest

    def get_fieldsets(self, request, obj=None):
        main = ("definition", "profile", "location", "assigned_staff", "local_start", "override_availability", "notes")
        if obj is None:
            return ((None, {"fields": main}),)
        return ((None, {"fields": main}), ("Status", {"fields": self.readonly_fields}))

    def save_model(self, request, obj, form, change):
        # The form already booked or rescheduled through the services; only the notes remain to store.
        if change:
            appointment_update(appointment_id=obj.pk, actor=actor_of(request), fields={"notes": obj.notes})

    @admin.display(description="Start (local)", ordering="scheduled_start_at")
    def local_start(self, obj: Appointment) -> str:
        return obj.scheduled_start_at.astimezone(obj.location.timezone).strftime("%a %d %b %Y %H:%M %Z")

    @admin.display(description="Customer", ordering="profile__last_name")
    def customer(self, obj: Appointment) -> str:
        return str(obj.profile)
