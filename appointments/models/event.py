"""The audit history of an appointment: one row per change, including creation and reschedules."""

from __future__ import annotations

from django.db import models


class AppointmentEvent(models.Model):
    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        STATUS = "status", "Status changed"
        RESCHEDULED = "rescheduled", "Rescheduled"

    appointment = models.ForeignKey("appointments.Appointment", on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    actor = models.CharField(max_length=64)
    from_status = models.CharField(max_length=16, blank=True, default="")
    to_status = models.CharField(max_length=16)
    reason = models.TextField(blank=True, default="")
    data = models.JSONField(null=True, blank=True, help_text="What else changed, e.g. the old and new times.")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        if self.kind == self.Kind.STATUS:
            return f"{self.from_status} to {self.to_status}".capitalize()
        return self.get_kind_display()


class AppointmentLink(models.Model):
    """An extra attendee (a profile) or audience (a list) linked to an appointment besides its own profile."""

    class Type(models.TextChoices):
        PROFILE = "profile", "Profile"
        LIST = "list", "List"

    appointment = models.ForeignKey("appointments.Appointment", on_delete=models.CASCADE, related_name="links")
    type = models.CharField(max_length=16, choices=Type.choices)
    target_id = models.CharField(max_length=64)
    profile = models.ForeignKey("directory.Profile", on_delete=models.CASCADE, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["appointment", "type", "target_id"], name="appointment_link_unique")
        ]

    def __str__(self) -> str:
        return f"{self.type}:{self.target_id}"


class IdempotencyRecord(models.Model):
    """The first response to a POST carrying an Idempotency-Key, replayed for repeats by the same caller."""

    actor = models.CharField(max_length=64)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the method, path and body.")
    status_code = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty while in progress.")
    body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["actor", "key"], name="idempotency_actor_key_unique")]

    def __str__(self) -> str:
        return f"{self.actor} {self.key}"
