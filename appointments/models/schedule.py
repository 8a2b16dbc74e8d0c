"""The schedule version: one row that changes whenever anything booking reads, other than appointments, changes.

Booking reads its token first and keeps what it read under it in per-process caches; the token, the caches and
the signals that write a new token live in appointments/selectors/fastpath.py.
"""

from __future__ import annotations

from django.db import models

ROW_ID = 1


class ScheduleVersion(models.Model):
    token = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "schedule version"

    def __str__(self) -> str:
        return f"schedule version {self.token}"
