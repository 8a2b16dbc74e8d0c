"""Walk-in queue entries and their audit history."""

from __future__ import annotations

from django.db import models

from appointments.enums import QueueStatus


class QueueEntry(models.Model):
    definition = models.ForeignKey(
        "appointments.AppointmentDefinition", on_delete=models.PROTECT, related_name="queue_entries"
    )
    location = models.ForeignKey("directory.Location", on_delete=models.PROTECT, related_name="queue_entries")
    profile = models.ForeignKey(
        "directory.Profile", on_delete=models.PROTECT, null=True, blank=True, related_name="queue_entries"
    )
    staff = models.ForeignKey(
        "directory.Profile", on_delete=models.PROTECT, null=True, blank=True, related_name="served_queue_entries"
    )
    # The appointment a served entry was converted into; the appointment reaches back through `queue_entry`.
    appointment = models.OneToOneField(
        "appointments.Appointment", on_delete=models.SET_NULL, null=True, blank=True, related_name="queue_entry"
    )
    status = models.CharField(max_length=16, choices=QueueStatus.choices, default=QueueStatus.WAITING)
    called_at = models.DateTimeField(null=True, blank=True)
    served_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True, default="")
    meta = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "queue entries"
        indexes = [
            models.Index(fields=["definition", "location", "status", "created_at"], name="queue_line"),
            models.Index(fields=["location", "status"], name="queue_location_status"),
        ]

    def __str__(self) -> str:
        who = str(self.profile) if self.profile_id else "an anonymous walk-in"
        return f"Walk-in #{self.pk}: {who} for {self.definition} at {self.location} ({self.status})"


class QueueEvent(models.Model):
    """One row per move of a queue entry: who, from, to, when, why."""

    entry = models.ForeignKey(QueueEntry, on_delete=models.CASCADE, related_name="events")
    actor = models.CharField(max_length=64)
    from_status = models.CharField(max_length=16, blank=True, default="")
    to_status = models.CharField(max_length=16)
    reason = models.TextField(blank=True, default="")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} to {self.to_status}".capitalize()
