"""Marking confirmed appointments that nobody turned up to."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from appointments.enums import AppointmentStatus
from appointments.models import Appointment
from appointments.services.lifecycle import appointment_transition
from core.errors import DomainError

SYSTEM = "system"


def mark_no_shows(
    *, grace_minutes: int | None = None, now: datetime | None = None, progress=lambda ids: ids
) -> list[int]:
    """Confirmed appointments whose start plus the grace has passed become no_show (actor `system`).

    The grace is NO_SHOW_GRACE_MINUTES, the same rule the transition service applies to every no_show move;
    `grace_minutes` can only lengthen it (a shorter one would be refused move by move). Each one moves through the
    transition service on its own, so one that changed meanwhile (say, arrived) is simply left alone. Returns the
    ids that moved. `progress` wraps the due ids (the command's tqdm bar).
    """
    now = now or timezone.now()
    grace = timedelta(minutes=max(settings.NO_SHOW_GRACE_MINUTES, grace_minutes or 0))
    due = Appointment.objects.filter(status=AppointmentStatus.CONFIRMED, scheduled_start_at__lte=now - grace)
    moved = []
    for appointment_id in progress(list(due.order_by("scheduled_start_at", "id").values_list("pk", flat=True))):
        try:
            appointment = appointment_transition(
                appointment_id=appointment_id, to=AppointmentStatus.NO_SHOW, actor=SYSTEM,
                reason=f"Not arrived {int(grace.total_seconds() // 60)} minutes after the start.", now=now,
            )  # fmt: skip
        except DomainError:
            continue
        if appointment.status == AppointmentStatus.NO_SHOW:
            moved.append(appointment_id)
    return moved
