"""A visit: a record that somebody was at a location (attendance or footfall), with or without a booking.

The appointment and queue entry are plain ids: visits never imports appointments (ARCHITECTURE.md), the
appointments app hands them over as data when it records a visit.
"""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from timezone_field import TimeZoneField

from visits.enums import VisitSource


class Visit(models.Model):
    location = models.ForeignKey("directory.Location", on_delete=models.PROTECT, related_name="visits")
    profile = models.ForeignKey(
        "directory.Profile", on_delete=models.PROTECT, null=True, blank=True, related_name="visits"
    )
    visited_at = models.DateTimeField()
    timezone = TimeZoneField(default="UTC", help_text="The time zone the visit was reported in (echoed back).")
    staff = models.ForeignKey(
        "directory.Profile", on_delete=models.PROTECT, null=True, blank=True, related_name="staff_visits"
    )
    appointment_id = models.PositiveBigIntegerField(null=True, blank=True)
    queue_entry_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = models.CharField(max_length=16, choices=VisitSource.choices, default=VisitSource.MANUAL)
    external_id = models.CharField(max_length=255, blank=True, default="")
    tags = models.JSONField(default=list, blank=True)
    type = models.CharField(max_length=64, blank=True, default="")
    notes = models.TextField(blank=True, default="")
    duration_minutes = models.PositiveIntegerField(null=True, blank=True, validators=[MinValueValidator(0)])
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-visited_at", "-id"]
        indexes = [
            # Footfall: one location's visits over a range of days, read from the index alone on PostgreSQL
            # (visits of many locations interleave in the table, so heap reads would dominate).
            models.Index(fields=["location", "visited_at"], include=["source"], name="visit_location_time"),
            models.Index(fields=["profile", "visited_at"], name="visit_profile_time"),
        ]
        constraints = [
            # Imports re-run without duplicates: an external id names one visit per source.
            models.UniqueConstraint(fields=["source", "external_id"], condition=~models.Q(external_id=""),
                                    name="visit_external_id_unique_per_source"),
            # Exactly one visit per arrival and per served queue entry, however often the move is repeated.
            models.UniqueConstraint(fields=["appointment_id"], condition=models.Q(source=VisitSource.APPOINTMENT),
                                    name="visit_one_per_appointment"),
            models.UniqueConstraint(fields=["queue_entry_id"], condition=models.Q(source=VisitSource.QUEUE),
                                    name="visit_one_per_queue_entry"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"visit #{self.pk} at {self.location_id} {self.visited_at:%Y-%m-%d %H:%M} UTC ({self.source})"
