"""The schedule version: one row that changes whenever anything a booking's schedule is built from changes.

Booking keeps the hours and staff lists it reads (selectors.cached_schedule) in a per-process cache keyed by this
token, and reads the token in the same query that loads the definition. Every save or delete of hours, staff
links or staff assignments writes a new random token in the same transaction (see `connect_schedule_signals`),
so a committed change reaches the next booking in every process. The token is random rather than a counter so
that a rolled-back change can never hand its token to a later, different state.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Subquery
from django.db.models.signals import post_delete, post_save

ROW_ID = 1


class ScheduleVersion(models.Model):
    token = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "schedule version"

    def __str__(self) -> str:
        return f"schedule version {self.token}"


def schedule_token() -> Subquery:
    """The current token as a subquery, to annotate onto a query the caller makes anyway (NULL if no row)."""
    return Subquery(ScheduleVersion.objects.filter(pk=ROW_ID).values("token")[:1])


def schedule_changed(**kwargs) -> None:
    token = secrets.randbits(62)
    if not ScheduleVersion.objects.filter(pk=ROW_ID).update(token=token):
        ScheduleVersion.objects.update_or_create(pk=ROW_ID, defaults={"token": token})


def schedule_sources() -> list[type[models.Model]]:
    """Every model whose rows load_schedule reads: hours of definitions, locations and staff, and staff lists."""
    from appointments.models.definition import DefinitionNormalHour, DefinitionSpecialHour, DefinitionStaff
    from directory.models import (
        LocationNormalHour,
        LocationSpecialHour,
        ProfileNormalHour,
        ProfileSpecialHour,
        StaffAssignment,
    )

    return [DefinitionNormalHour, DefinitionSpecialHour, DefinitionStaff, LocationNormalHour, LocationSpecialHour,
            ProfileNormalHour, ProfileSpecialHour, StaffAssignment]  # fmt: skip


def connect_schedule_signals() -> None:
    for model in schedule_sources():
        for signal in (post_save, post_delete):
            signal.connect(schedule_changed, sender=model, dispatch_uid=f"schedule-{signal}-{model._meta.label}")
