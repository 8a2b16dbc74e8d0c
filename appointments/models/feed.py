"""Staff calendar feeds: a secret iCalendar subscription URL for one staff member's or one location's appointments.

Only the SHA-256 of the secret in the URL is stored (like directory.ApiToken); the URL is shown once, when issued.
A revoked feed's URL is a 404.
"""

from __future__ import annotations

from django.db import models


class CalendarFeed(models.Model):
    name = models.CharField(max_length=255, blank=True, default="", help_text="Who it is for, e.g. a device.")
    staff = models.ForeignKey(
        "directory.Profile", on_delete=models.CASCADE, null=True, blank=True, related_name="calendar_feeds",
        help_text="The staff member whose appointments it lists.",
    )  # fmt: skip
    location = models.ForeignKey(
        "directory.Location", on_delete=models.CASCADE, null=True, blank=True, related_name="calendar_feeds",
        help_text="Or the location whose appointments it lists.",
    )  # fmt: skip
    prefix = models.CharField(max_length=16, editable=False, help_text="The first characters, to recognise a URL.")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField()
    created_by = models.CharField(max_length=255, blank=True, default="")
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(staff__isnull=False, location__isnull=True)
                | models.Q(staff__isnull=True, location__isnull=False),
                name="calendar_feed_one_subject",
            )
        ]

    def __str__(self) -> str:
        whose = str(self.staff) if self.staff_id else str(self.location)
        return f"{whose} ({self.prefix}…)"
