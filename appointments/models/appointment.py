"""One booking of one profile against one definition at one location."""

from __future__ import annotations

from django.db import models
from django.utils.timezone import now as utc_now
from timezone_field import TimeZoneField

from appointments.enums import HOLDING_STATUSES, AppointmentStatus

HOLDING = models.Q(status__in=HOLDING_STATUSES)


class Appointment(models.Model):
    definition = models.ForeignKey(
        "appointments.AppointmentDefinition", on_delete=models.PROTECT, related_name="appointments"
    )
    profile = models.ForeignKey("directory.Profile", on_delete=models.PROTECT, related_name="appointments")
    location = models.ForeignKey("directory.Location", on_delete=models.PROTECT, related_name="appointments")
    assigned_staff = models.ForeignKey(
        "directory.Profile", on_delete=models.PROTECT, null=True, blank=True, related_name="staff_appointments"
    )
    status = models.CharField(max_length=16, choices=AppointmentStatus.choices, default=AppointmentStatus.REQUESTED)

    scheduled_start_at = models.DateTimeField()
    scheduled_end_at = models.DateTimeField()
    timezone = TimeZoneField(default="UTC", help_text="The time zone the booking was made in (echoed back).")
    # The instants the appointment occupies: start - buffer_before and end + buffer_after, with the buffers of
    # its definition at booking time, so later edits of the definition never move existing occupancy.
    occupancy_start = models.DateTimeField()
    occupancy_end = models.DateTimeField()

    approved_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    arrived_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    no_show_at = models.DateTimeField(null=True, blank=True)
    rejected_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.CharField(max_length=64, blank=True, default="")
    cancelled_by = models.CharField(max_length=64, blank=True, default="")
    rejected_by = models.CharField(max_length=64, blank=True, default="")

    questionnaire_version_id = models.PositiveBigIntegerField(null=True, blank=True)
    transaction = models.JSONField(null=True, blank=True, help_text="{id, external_id, receipt_ref}")
    order = models.JSONField(null=True, blank=True, help_text="{id, external_id, receipt_ref, order_number}")
    notes = models.TextField(blank=True, default="")
    meta = models.JSONField(null=True, blank=True)
    # Stamped by whoever creates the row, with the same clock as the status stamps (services pass their `now`, the
    # demo and conversions their history), so created_at is never after confirmed_at and the rest (docs/domain.md
    # "Lifecycle"); auto_now_add would take a later clock reading, or overwrite a given value.
    created_at = models.DateTimeField(default=utc_now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["scheduled_start_at", "id"]
        indexes = [
            # Capacity of pooled definitions: holding appointments of one definition at one location by time.
            models.Index(
                fields=["definition", "location", "occupancy_start", "occupancy_end"],
                condition=HOLDING,
                name="appt_holding_def_loc_time",
            ),
            # Staff conflicts, across every definition and location.
            models.Index(
                fields=["assigned_staff", "occupancy_start", "occupancy_end"],
                condition=HOLDING,
                name="appt_holding_staff_time",
            ),
            models.Index(fields=["profile", "scheduled_start_at"], name="appt_profile_start"),
            models.Index(fields=["location", "scheduled_start_at"], name="appt_location_start"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(scheduled_end_at__gt=models.F("scheduled_start_at")),
                                   name="appt_end_after_start"),
            models.CheckConstraint(condition=models.Q(occupancy_start__lte=models.F("scheduled_start_at"),
                                                      occupancy_end__gte=models.F("scheduled_end_at")),
                                   name="appt_occupancy_covers_schedule"),
        ]  # fmt: skip

    def __str__(self) -> str:
        # The location's wall time, as the people at the location read it.
        local = self.scheduled_start_at.astimezone(self.location.timezone)
        return f"#{self.pk} {self.definition} {local:%a %d %b %Y %H:%M %Z} ({self.status})"

    @property
    def is_holding(self) -> bool:
        return self.status in HOLDING_STATUSES
