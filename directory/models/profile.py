from __future__ import annotations

import uuid

from django.db import models

from directory.models.base import NormalHoursBase, SpecialHoursBase, TimestampedModel, window_constraints


class Profile(TimestampedModel):
    """A person: customers and staff alike, identified by a UUID as in Omneo."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    first_name = models.CharField(max_length=255, blank=True, default="")
    last_name = models.CharField(max_length=255, blank=True, default="")
    email = models.EmailField(blank=True, default="", db_index=True)
    mobile_phone = models.CharField(max_length=64, blank=True, default="")
    attributes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.full_name or self.email or str(self.id)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class ProfileNormalHour(NormalHoursBase):
    """A staff member's working hours on a weekday, local to the location they work at."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="normal_hours")
    available_from = models.TimeField()
    available_until = models.TimeField()

    class Meta(NormalHoursBase.Meta):
        constraints = window_constraints("profile_normal_hour", "available_from", "available_until")

    def __str__(self) -> str:
        return f"{self.day_of_week} {self.available_from}-{self.available_until}"


class ProfileSpecialHour(SpecialHoursBase):
    """Leave or changed hours for dates; without times the staff member is unavailable those days."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="special_hours")
    available_from = models.TimeField(null=True, blank=True)
    available_until = models.TimeField(null=True, blank=True)

    class Meta(SpecialHoursBase.Meta):
        constraints = window_constraints("profile_special_hour", "available_from", "available_until")

    def __str__(self) -> str:
        return self.name
