"""The schedule version: one row that changes whenever anything booking reads, other than appointments, changes.

Booking keeps the definition, location and link it reads (selectors.definition_at) and the hours and staff lists
(selectors.cached_schedule) in per-process caches keyed by this token, which it reads first: one small query
instead of three to six. Every save or delete of a definition, location, link, hours row, staff link or staff
assignment writes a new random token in the same transaction (see `connect_schedule_signals`), so a committed
change reaches the next booking in every process. The token is random rather than a counter so that a
rolled-back change can never hand its token to a later, different state. Writes that skip model signals
(QuerySet.update, bulk_create) to these tables must call `schedule_changed` themselves.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models.signals import pre_delete, pre_save

ROW_ID = 1


class ScheduleVersion(models.Model):
    token = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "schedule version"

    def __str__(self) -> str:
        return f"schedule version {self.token}"


def schedule_changed(**kwargs) -> None:
    """Runs before the row is written, so every transaction locks the version row before any source row: two
    editing transactions queue on it instead of deadlocking over rows taken in opposite orders."""
    token = secrets.randbits(62)
    if not ScheduleVersion.objects.filter(pk=ROW_ID).update(token=token):
        ScheduleVersion.objects.update_or_create(pk=ROW_ID, defaults={"token": token})


def schedule_sources() -> list[type[models.Model]]:
    """Every model whose rows booking caches: definitions, locations, links, hours, and staff lists."""
    from appointments.models.definition import (
        AppointmentDefinition,
        DefinitionLocation,
        DefinitionNormalHour,
        DefinitionSpecialHour,
        DefinitionStaff,
    )
    from directory.models import (
        Location,
        LocationNormalHour,
        LocationSpecialHour,
        ProfileNormalHour,
        ProfileSpecialHour,
        StaffAssignment,
    )

    return [AppointmentDefinition, DefinitionLocation, DefinitionNormalHour, DefinitionSpecialHour, DefinitionStaff,
            Location, LocationNormalHour, LocationSpecialHour, ProfileNormalHour, ProfileSpecialHour,
            StaffAssignment]  # fmt: skip


def connect_schedule_signals() -> None:
    for model in schedule_sources():
        for signal in (pre_save, pre_delete):
            signal.connect(schedule_changed, sender=model, dispatch_uid=f"schedule-{signal}-{model._meta.label}")
