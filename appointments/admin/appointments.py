"""The appointments list as an operator's day tool. Every write goes through the booking and lifecycle services."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date
from import_export import fields as export_fields
from import_export import resources
from unfold.decorators import display

from appointments.admin.customer_links import CustomerLinkInline
from appointments.admin.front_desk import ConsolePages
from appointments.admin.workspace import workspace
from appointments.enums import AppointmentStatus
from appointments.models import Appointment, AppointmentEvent
from appointments.services.booking import appointment_book, booking_request
from appointments.services.lifecycle import (
    appointment_delete,
    appointment_reschedule,
    appointment_transition,
    appointment_update,
)
from core.errors import DomainError
from core.localtime import local_day_bounds, local_label, localize
from directory.admin_base import ActorColumn, ConsoleTabularInline, ExportableConsoleAdmin, actor_of
from directory.models import Location
from directory.selectors import actor_label

# API field names a service error may name -> the admin form's field names.
FORM_FIELDS = {
    "appointment_definition_id": "definition",
    "profile_id": "profile",
    "location_id": "location",
    "assigned_staff_id": "assigned_staff",
    "scheduled_start_at": "local_start",
    "scheduled_end_at": "local_start",
}


class AppointmentForm(forms.ModelForm):
    """Create and reschedule through the services; their errors land on the matching form fields."""

    local_start = forms.DateTimeField(
        label="Start (location's local time)",
        help_text="The wall time at the location, in the location's own time zone (say 10:00 on 11 May).",
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
                if name in self.fields:  # absent for a user who may only view: every field is read-only then
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
        data, location = self.cleaned_data, self.cleaned_data["location"]
        request = booking_request(
            data["definition"], data["profile"], location,
            localize(self._wall_time(), location.timezone, "scheduled_start_at"),
            staff=data.get("assigned_staff"), notes=data.get("notes"),
            override_availability=data["override_availability"],
        )  # fmt: skip
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


class AppointmentEventInline(ActorColumn, ConsoleTabularInline):
    model = AppointmentEvent
    extra = 0
    can_delete = False
    location_field = "appointment__location"
    fields = ("local_at", "kind", "actor_name", "from_status", "to_status", "reason")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="When (local)")
    def local_at(self, obj: AppointmentEvent) -> str:
        return local_label(obj.at, obj.appointment.location.timezone, "%d %b %Y %H:%M:%S %Z")


class StaffFilter(admin.RelatedOnlyFieldListFilter):
    """Each staff member once (a plain related filter joined their appointments and listed them per row)."""

    def field_choices(self, field, request, model_admin):
        staff_ids = model_admin.get_queryset(request).exclude(assigned_staff=None).values("assigned_staff")
        return field.get_choices(
            include_blank=False, limit_choices_to={"pk__in": staff_ids}, ordering=("first_name", "last_name")
        )


LOCAL_DAYS = {"yesterday": -1, "today": 0, "tomorrow": 1}


def local_day_q(value: str, now, timezones) -> Q | None:
    """The appointments that start on a local day at their own location: `today`, `tomorrow`, `yesterday`,
    `next7` (today and the six days after) or a date `YYYY-MM-DD`. None when the value is not one of those."""
    days = 7 if value == "next7" else 1
    q = Q(pk__in=[])
    for tz in timezones:
        if value in LOCAL_DAYS or value == "next7":
            first = now.astimezone(tz).date() + timedelta(days=LOCAL_DAYS.get(value, 0))
        else:
            first = parse_date(value or "")
            if first is None:
                return None
        start, _ = local_day_bounds(tz, first)
        _, end = local_day_bounds(tz, first + timedelta(days=days - 1))
        q |= Q(location__timezone=tz, scheduled_start_at__gte=start, scheduled_start_at__lt=end)
    return q


class LocalDayFilter(admin.SimpleListFilter):
    """Days as each location lives them: "today" at a Melbourne location is Melbourne's today."""

    title = "day (location's local time)"
    parameter_name = "day"

    def lookups(self, request, model_admin):
        return (("today", "Today"), ("tomorrow", "Tomorrow"), ("yesterday", "Yesterday"), ("next7", "Next 7 days"))

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        timezones = set(Location.objects.values_list("timezone", flat=True).distinct())
        q = local_day_q(self.value(), timezone.now(), timezones)
        return queryset.none() if q is None else queryset.filter(q)


class AppointmentResource(resources.ModelResource):
    """Exports with names and the location's wall times, as an operator reads them."""

    definition = export_fields.Field(attribute="definition__name", column_name="definition")
    location = export_fields.Field(attribute="location__name", column_name="location")
    customer = export_fields.Field(column_name="customer")
    customer_email = export_fields.Field(attribute="profile__email", column_name="customer_email")
    staff = export_fields.Field(column_name="staff")
    local_start = export_fields.Field(column_name="local_start")
    local_end = export_fields.Field(column_name="local_end")
    zone = export_fields.Field(column_name="timezone")

    class Meta:
        model = Appointment
        fields = ("id", "status", "definition", "location", "customer", "customer_email", "staff", "local_start",
                  "local_end", "zone", "notes", "created_at")  # fmt: skip
        export_order = fields

    def dehydrate_customer(self, obj: Appointment) -> str:
        return str(obj.profile)

    def dehydrate_staff(self, obj: Appointment) -> str:
        return str(obj.assigned_staff) if obj.assigned_staff_id else ""

    def dehydrate_local_start(self, obj: Appointment) -> str:
        return local_label(obj.scheduled_start_at, obj.location.timezone, "%Y-%m-%d %H:%M")

    def dehydrate_local_end(self, obj: Appointment) -> str:
        return local_label(obj.scheduled_end_at, obj.location.timezone, "%Y-%m-%d %H:%M")

    def dehydrate_zone(self, obj: Appointment) -> str:
        return obj.location.timezone.key

    def dehydrate_created_at(self, obj: Appointment) -> str:
        return local_label(obj.created_at, obj.location.timezone, "%Y-%m-%d %H:%M:%S %Z")


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


STATUS_TONES = {
    AppointmentStatus.REQUESTED: "warning",
    AppointmentStatus.CONFIRMED: "info",
    AppointmentStatus.ARRIVED: "primary",
    AppointmentStatus.COMPLETED: "success",
    AppointmentStatus.NO_SHOW: "danger",
    AppointmentStatus.CANCELLED: "",
    AppointmentStatus.REJECTED: "danger",
}

# Lifecycle instants, shown in the location's wall time on the change page.
STAMPS = ("created_at", "confirmed_at", "approved_at", "arrived_at", "completed_at", "no_show_at", "cancelled_at",
          "rejected_at")  # fmt: skip


# Who approved, cancelled or rejected, named in words (the user's or the token's name, not "user:3").
ACTORS = ("approved_by", "cancelled_by", "rejected_by")


def _actor_display(name: str):
    @admin.display(description=name.replace("_", " ").capitalize())
    def show(self, obj: Appointment) -> str:
        actor = getattr(obj, name)
        return actor_label(actor) if actor else "—"

    show.__name__ = f"{name}_name"
    return show


def _stamp_display(name: str):
    @admin.display(description=name.replace("_at", "").replace("_", " ").capitalize() + " (local)")
    def show(self, obj: Appointment) -> str:
        return local_label(getattr(obj, name), obj.location.timezone) or "—"

    show.__name__ = f"local_{name}"
    return show


@admin.register(Appointment)
class AppointmentAdmin(ConsolePages, ExportableConsoleAdmin):
    form = AppointmentForm
    resource_classes = (AppointmentResource,)
    location_field = "location"
    list_display = ("id", "local_start", "customer", "definition", "location", "assigned_staff", "status_badge")
    list_display_links = ("id", "local_start")
    list_filter = (LocalDayFilter, "status", "location", "definition", ("assigned_staff", StaffFilter))
    list_select_related = ("definition", "location", "profile", "assigned_staff")
    search_fields = ("=id", "profile__first_name", "profile__last_name", "profile__email")
    ordering = ("scheduled_start_at", "id")
    autocomplete_fields = ("profile", "assigned_staff")
    inlines = (AppointmentEventInline, CustomerLinkInline)
    readonly_fields = ("status", "local_end", "local_zone", *(f"local_{name}" for name in STAMPS),
                       *(f"{name}_name" for name in ACTORS))  # fmt: skip
    actions = [
        _transition_action(AppointmentStatus.CONFIRMED, "Confirm"),
        _transition_action(AppointmentStatus.REJECTED, "Reject"),
        _transition_action(AppointmentStatus.ARRIVED, "Mark arrived"),
        _transition_action(AppointmentStatus.COMPLETED, "Mark completed"),
        _transition_action(AppointmentStatus.NO_SHOW, "Mark no-show"),
        _transition_action(AppointmentStatus.CANCELLED, "Cancel"),
    ]

    change_form_template = "admin/appointments/appointment/change_form.html"  # import-export's, with the workspace

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The page is a workspace: the booking's summary and answers, its moves and the reschedule link."""
        appointment = self.get_object(request, object_id)  # None (then a 404 below) outside the user's locations
        if appointment is not None:
            can_move = self.has_change_permission(request, appointment)
            extra_context = {**(extra_context or {}), **workspace(appointment, can_move=can_move)}
        return super().change_view(request, object_id, form_url, extra_context)

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

    def delete_model(self, request, obj):
        # Through the service, so a delete frees the place and its notifications exactly as a cancel does.
        appointment_delete(appointment_id=obj.pk, actor=actor_of(request))

    def delete_queryset(self, request, queryset):
        for pk in queryset.values_list("pk", flat=True):
            appointment_delete(appointment_id=pk, actor=actor_of(request))

    @admin.display(description="Start (local)", ordering="scheduled_start_at")
    def local_start(self, obj: Appointment) -> str:
        return local_label(obj.scheduled_start_at, obj.location.timezone)

    @admin.display(description="End (local)")
    def local_end(self, obj: Appointment) -> str:
        return local_label(obj.scheduled_end_at, obj.location.timezone)

    @admin.display(description="Location's time zone")
    def local_zone(self, obj: Appointment) -> str:
        return obj.location.timezone.key

    @display(description="Status", ordering="status", label=STATUS_TONES)
    def status_badge(self, obj: Appointment) -> str:
        return obj.status

    @admin.display(description="Customer", ordering="profile__last_name")
    def customer(self, obj: Appointment) -> str:
        return str(obj.profile)


for _name in STAMPS:
    setattr(AppointmentAdmin, f"local_{_name}", _stamp_display(_name))
for _name in ACTORS:
    setattr(AppointmentAdmin, f"{_name}_name", _actor_display(_name))
