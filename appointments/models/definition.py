"""Appointment definitions: the bookable service, its schedule, where it is offered and by whom."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from appointments.enums import NOTIFICATION_EVENTS, BookingType
from directory.models import NormalHoursBase, SpecialHoursBase, TimestampedModel
from directory.models.base import window_constraints


def _notification_fields() -> dict[str, models.Field]:
    """`<event>_target` (column `<event>_target_id`) and `notify_<event>_offset_days/_hours` for every event."""
    fields: dict[str, models.Field] = {}
    for event in NOTIFICATION_EVENTS:
        fields[f"{event}_target"] = models.ForeignKey(
            "notifications.Target", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
        )
        fields[f"notify_{event}_offset_days"] = models.IntegerField(
            null=True, blank=True, validators=[MinValueValidator(0)]
        )
        fields[f"notify_{event}_offset_hours"] = models.IntegerField(
            null=True, blank=True, validators=[MinValueValidator(0)]
        )
    return fields


class AppointmentDefinition(TimestampedModel):
    handle = models.CharField(max_length=255, unique=True)
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True, default="")
    short_description = models.TextField(blank=True, default="")
    long_description = models.TextField(blank=True, default="")
    icon = models.CharField(max_length=255, blank=True, default="")
    image_url = models.URLField(max_length=1000, blank=True, default="")
    terms_conditions = models.TextField(blank=True, default="")
    internal_notes = models.TextField(blank=True, default="")
    visibility_condition = models.JSONField(null=True, blank=True, help_text="JSON Logic over the profile.")
    queue_code = models.CharField(max_length=32, blank=True, default="", help_text="Code shown on queue tickets.")

    is_published = models.BooleanField(default=False)
    is_archived = models.BooleanField(default=False)

    duration_minutes = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    buffer_before_minutes = models.PositiveIntegerField(default=0)
    buffer_after_minutes = models.PositiveIntegerField(default=0)
    min_lead_minutes = models.PositiveIntegerField(default=0)
    max_advance_days = models.PositiveIntegerField(null=True, blank=True, validators=[MinValueValidator(1)])
    slot_interval_minutes = models.PositiveIntegerField(null=True, blank=True, validators=[MinValueValidator(1)])
    booking_type = models.CharField(max_length=32, choices=BookingType.choices, default=BookingType.INSTANT)

    allow_customer_booking = models.BooleanField(default=True)
    allow_walk_in = models.BooleanField(default=False)
    requires_staff = models.BooleanField(default=False)
    customer_must_select_staff = models.BooleanField(default=False)
    use_staff_from_location = models.BooleanField(default=True)
    max_concurrent_bookings = models.PositiveIntegerField(null=True, blank=True, validators=[MinValueValidator(1)])
    allow_waitlist = models.BooleanField(default=False)
    allow_queue = models.BooleanField(default=False)
    # What a customer may do from the links in their messages (docs/customer-links.md): up to N hours before the
    # start (0: until the start); empty: not from a link at all.
    customer_cancel_notice_hours = models.PositiveIntegerField(
        null=True, blank=True, default=0,
        help_text="Customers may cancel from their link until this many hours before the start (0: until the "
        "start). Empty: not from a link.",
    )  # fmt: skip
    customer_reschedule_notice_hours = models.PositiveIntegerField(
        null=True, blank=True, default=0,
        help_text="Customers may reschedule from their link until this many hours before the start (0: until the "
        "start). Empty: not from a link.",
    )  # fmt: skip
    meta = models.JSONField(null=True, blank=True)
    booking_questionnaire = models.ForeignKey(
        "questionnaires.Questionnaire", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    locals().update(_notification_fields())

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    @property
    def capacity(self) -> int:
        return self.max_concurrent_bookings or 1

    @property
    def has_booking_questionnaire(self) -> bool:
        return self.booking_questionnaire_id is not None

    def clean(self) -> None:
        """The rules of DOMAIN.md "Definitions: validation" that involve more than one field."""
        errors: dict[str, str] = {}
        if self.booking_type == BookingType.WALK_IN_ONLY:
            if not self.allow_walk_in:
                errors["allow_walk_in"] = "A walk_in_only definition must allow walk-ins."
            if self.allow_customer_booking:
                errors["allow_customer_booking"] = "A walk_in_only definition cannot be booked by customers."
        if self.customer_must_select_staff and not self.requires_staff:
            errors["customer_must_select_staff"] = "Only a definition that requires staff can ask customers to pick."
        if errors:
            raise ValidationError(errors)


class DefinitionNormalHour(NormalHoursBase):
    definition = models.ForeignKey(AppointmentDefinition, on_delete=models.CASCADE, related_name="normal_hours")
    available_from = models.TimeField()
    available_until = models.TimeField()

    class Meta(NormalHoursBase.Meta):
        constraints = window_constraints("definition_normal_hour", "available_from", "available_until")

    def __str__(self) -> str:
        return f"{self.day_of_week} {self.available_from}-{self.available_until}"


class DefinitionSpecialHour(SpecialHoursBase):
    definition = models.ForeignKey(AppointmentDefinition, on_delete=models.CASCADE, related_name="special_hours")
    available_from = models.TimeField(null=True, blank=True)
    available_until = models.TimeField(null=True, blank=True)

    class Meta(SpecialHoursBase.Meta):
        constraints = window_constraints("definition_special_hour", "available_from", "available_until")

    def __str__(self) -> str:
        return self.name


class DefinitionLocation(TimestampedModel):
    """Where a definition is offered. Only an active link makes it bookable there."""

    definition = models.ForeignKey(AppointmentDefinition, on_delete=models.CASCADE, related_name="location_links")
    location = models.ForeignKey("directory.Location", on_delete=models.CASCADE, related_name="definition_links")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["definition", "location"], name="definition_location_unique")]

    def __str__(self) -> str:
        return f"{self.definition} @ {self.location}"


class DefinitionStaff(TimestampedModel):
    """The definition's own staff list, used when `use_staff_from_location` is false."""

    definition = models.ForeignKey(AppointmentDefinition, on_delete=models.CASCADE, related_name="staff_links")
    staff = models.ForeignKey("directory.Profile", on_delete=models.CASCADE, related_name="definition_links")
    is_active = models.BooleanField(default=True)
    sort_order = models.IntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["definition", "staff"], name="definition_staff_unique")]

    def __str__(self) -> str:
        return f"{self.staff} for {self.definition}"
