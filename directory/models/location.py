from __future__ import annotations

from django.db import models
from timezone_field import TimeZoneField

from directory.enums import AssignmentType, FeedNames, RoleType
from directory.models.base import NormalHoursBase, SpecialHoursBase, TimestampedModel, window_constraints

ADDRESS_KEYS = ("address_line_1", "address_line_2", "address_line_3", "line1", "line2", "street", "suburb", "city",
                "state", "postcode", "postal_code", "country")  # fmt: skip


class Location(TimestampedModel):
    handle = models.SlugField(max_length=255, unique=True)
    name = models.CharField(max_length=255)
    timezone = TimeZoneField(default="UTC")
    phone = models.CharField(max_length=64, blank=True, default="")
    email = models.EmailField(blank=True, default="")
    address = models.JSONField(null=True, blank=True)
    is_published = models.BooleanField(default=True)
    feed_customer_names = models.CharField(
        "customer names in staff calendar feeds", max_length=16, choices=FeedNames.choices,
        default=FeedNames.FIRST_INITIAL,
        help_text="How staff calendar feeds name the customer of this location's appointments.",
    )  # fmt: skip

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    @property
    def address_lines(self) -> list[str]:
        """The address (free-form JSON) as lines: the usual keys in order, then any other text values."""
        address = self.address
        if not address:
            return []
        if not isinstance(address, dict):
            return [str(address)]
        known = [str(address[key]) for key in ADDRESS_KEYS if address.get(key)]
        return known + [str(v) for k, v in address.items() if k not in ADDRESS_KEYS and isinstance(v, str) and v]


class LocationNormalHour(NormalHoursBase):
    WINDOW_FIELDS = ("open_at", "close_at")

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="normal_hours")
    open_at = models.TimeField()
    close_at = models.TimeField()

    class Meta(NormalHoursBase.Meta):
        constraints = window_constraints("location_normal_hour", "open_at", "close_at")

    def __str__(self) -> str:
        return f"{self.day_of_week} {self.open_at}-{self.close_at}"


class LocationSpecialHour(SpecialHoursBase):
    WINDOW_FIELDS = ("open_at", "close_at")

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="special_hours")
    open_at = models.TimeField(null=True, blank=True)
    close_at = models.TimeField(null=True, blank=True)

    class Meta(SpecialHoursBase.Meta):
        constraints = window_constraints("location_special_hour", "open_at", "close_at")

    def __str__(self) -> str:
        return self.name


class StaffAssignment(TimestampedModel):
    """A profile assigned to a location (Omneo's location-profile)."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="staff_assignments")
    profile = models.ForeignKey("directory.Profile", on_delete=models.CASCADE, related_name="location_assignments")
    assignment_type = models.CharField(max_length=16, choices=AssignmentType.choices, default=AssignmentType.STAFF)
    role_type = models.CharField(max_length=16, choices=RoleType.choices, blank=True, default="")
    is_default = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    sort_order = models.IntegerField(default=0)
    excluded_service_handles = models.JSONField(default=list, blank=True)
    external_id = models.CharField(max_length=255, blank=True, default="")
    notes = models.TextField(blank=True, default="")
    meta = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["sort_order", "id"]
        indexes = [models.Index(fields=["location", "assignment_type", "is_active"])]

    def __str__(self) -> str:
        return f"{self.profile} @ {self.location} ({self.assignment_type})"
