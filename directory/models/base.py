"""Abstract bases shared by every model with opening hours (locations, staff profiles, definitions)."""

from __future__ import annotations

from datetime import time

from django.core.exceptions import ValidationError
from django.db import models

from directory.enums import DayOfWeek


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class WindowMixin:
    """Rows name their two times differently (locations say open_at/close_at); this reads them alike."""

    WINDOW_FIELDS = ("available_from", "available_until")

    def window(self) -> tuple[time, time] | None:
        start, end = (getattr(self, name) for name in self.WINDOW_FIELDS)
        if start is None or end is None:
            return None
        return start, end

    def clean_window(self) -> None:
        start_field, end_field = self.WINDOW_FIELDS
        start, end = getattr(self, start_field), getattr(self, end_field)
        if (start is None) != (end is None):
            missing = start_field if start is None else end_field
            raise ValidationError({missing: f"Give both {start_field} and {end_field}, or neither."})
        if start is not None and start >= end:
            raise ValidationError({end_field: f"{end_field} must be after {start_field}."})


class NormalHoursBase(WindowMixin, TimestampedModel):
    """A weekday window. Both times are required: a closed weekday is a weekday without a row."""

    day_of_week = models.CharField(max_length=3, choices=DayOfWeek.choices)

    class Meta:
        abstract = True
        ordering = ["id"]

    @property
    def weekday(self) -> int:
        return DayOfWeek(self.day_of_week).index

    def clean(self) -> None:
        self.clean_window()


class SpecialHoursBase(WindowMixin, TimestampedModel):
    name = models.CharField(max_length=255)
    start_at = models.DateField()
    end_at = models.DateField()
    is_repeating = models.BooleanField(default=False)

    class Meta:
        abstract = True
        ordering = ["start_at", "id"]

    @property
    def is_closed(self) -> bool:
        return self.window() is None

    def clean(self) -> None:
        self.clean_window()
        if self.start_at and self.end_at and self.end_at < self.start_at:
            raise ValidationError({"end_at": "end_at must be on or after start_at."})


def window_constraints(prefix: str, start: str, end: str) -> list[models.CheckConstraint]:
    """Both times or neither, and start before end: kept true by the database as well as by validation."""
    return [
        models.CheckConstraint(
            condition=(models.Q(**{f"{start}__isnull": True}) & models.Q(**{f"{end}__isnull": True}))
            | (models.Q(**{f"{start}__isnull": False}) & models.Q(**{f"{start}__lt": models.F(end)})),
            name=f"{prefix}_window_valid",
        )
    ]
