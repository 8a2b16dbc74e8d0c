"""Waitlist entries (a customer's interest when no slot fits) and the offers that hold a freed place for them."""

from __future__ import annotations

from django.db import models

from appointments.enums import OfferStatus, WaitlistStatus

OPEN = models.Q(status=OfferStatus.OPEN)


class WaitlistEntry(models.Model):
    definition = models.ForeignKey(
        "appointments.AppointmentDefinition", on_delete=models.PROTECT, related_name="waitlist_entries"
    )
    profile = models.ForeignKey("directory.Profile", on_delete=models.PROTECT, related_name="waitlist_entries")
    location = models.ForeignKey("directory.Location", on_delete=models.PROTECT, related_name="waitlist_entries")
    appointment = models.ForeignKey(
        "appointments.Appointment", on_delete=models.SET_NULL, null=True, blank=True, related_name="waitlist_entries"
    )
    status = models.CharField(max_length=16, choices=WaitlistStatus.choices, default=WaitlistStatus.ACTIVE)
    desired_start_at = models.DateTimeField(null=True, blank=True, help_text="UTC; read as local to the location.")
    desired_staff = models.ForeignKey(
        "directory.Profile", on_delete=models.PROTECT, null=True, blank=True, related_name="desired_waitlist_entries"
    )
    notes = models.TextField(blank=True, default="")
    meta = models.JSONField(null=True, blank=True)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "waitlist entries"
        indexes = [
            models.Index(fields=["definition", "location", "status", "created_at"], name="waitlist_match"),
        ]

    def __str__(self) -> str:
        who = str(self.profile) if self.profile_id else "a customer"
        return f"Waitlist #{self.pk}: {who} for {self.definition} at {self.location} ({self.status})"


class WaitlistOffer(models.Model):
    """A freed place offered to one entry. While `open` it occupies the place for everyone else."""

    entry = models.ForeignKey(WaitlistEntry, on_delete=models.CASCADE, related_name="offers")
    # Copied from the entry so that availability reads holds like appointments: by definition and location, or
    # by staff member.
    definition = models.ForeignKey("appointments.AppointmentDefinition", on_delete=models.CASCADE, related_name="+")
    location = models.ForeignKey("directory.Location", on_delete=models.CASCADE, related_name="+")
    staff = models.ForeignKey("directory.Profile", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    start_at = models.DateTimeField()
    end_at = models.DateTimeField()
    occupancy_start = models.DateTimeField()
    occupancy_end = models.DateTimeField()
    status = models.CharField(max_length=16, choices=OfferStatus.choices, default=OfferStatus.OPEN)
    offered_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    appointment = models.ForeignKey(
        "appointments.Appointment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["offered_at", "id"]
        indexes = [
            models.Index(fields=["definition", "location", "occupancy_start", "occupancy_end"], condition=OPEN,
                         name="offer_open_def_loc_time"),
            models.Index(fields=["staff", "occupancy_start", "occupancy_end"], condition=OPEN,
                         name="offer_open_staff_time"),
            models.Index(fields=["expires_at"], condition=OPEN, name="offer_open_expiry"),
        ]  # fmt: skip
        constraints = [
            models.UniqueConstraint(fields=["entry"], condition=OPEN, name="offer_one_open_per_entry"),
        ]

    def __str__(self) -> str:
        local = self.start_at.astimezone(self.location.timezone)
        return f"Offer #{self.pk} of {local:%a %d %b %Y %H:%M %Z} to waitlist #{self.entry_id} ({self.status})"


class WaitlistEvent(models.Model):
    """One row per move of a waitlist entry and per offer made, claimed, declined or expired."""

    entry = models.ForeignKey(WaitlistEntry, on_delete=models.CASCADE, related_name="events")
    actor = models.CharField(max_length=64)
    kind = models.CharField(max_length=16, help_text="status, offer, claimed, declined, expired")
    from_status = models.CharField(max_length=16, blank=True, default="")
    to_status = models.CharField(max_length=16, blank=True, default="")
    reason = models.TextField(blank=True, default="")
    data = models.JSONField(null=True, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        moved = f"{self.from_status or 'new'} to {self.to_status}" if self.to_status else ""
        return " ".join(part for part in (self.kind.capitalize(), moved) if part)
