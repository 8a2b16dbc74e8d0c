"""Extra attendees of an appointment (Omneo's link/unlink)."""

from __future__ import annotations

import uuid

from django.db import transaction

from appointments.models import AppointmentLink
from core.errors import ValidationFailed
from directory.models import Profile


@transaction.atomic
def appointment_link(*, appointment_id: int, type: str, target_id: str) -> AppointmentLink:
    """Link a profile or a list; linking the same target twice keeps one link."""
    profile = None
    if type == AppointmentLink.Type.PROFILE:
        profile = Profile.objects.filter(pk=_uuid_or_none(target_id)).first()
        if profile is None:
            raise ValidationFailed.on("id", "No profile with this id.")
        target_id = str(profile.pk)
    link, _ = AppointmentLink.objects.get_or_create(
        appointment_id=appointment_id, type=type, target_id=target_id, defaults={"profile": profile}
    )
    return link


@transaction.atomic
def appointment_unlink(*, appointment_id: int, type: str, target_id: str) -> None:
    """Remove that link; unlinking something not linked is not an error."""
    if type == AppointmentLink.Type.PROFILE:
        target_id = str(_uuid_or_none(target_id) or target_id)
    AppointmentLink.objects.filter(appointment_id=appointment_id, type=type, target_id=target_id).delete()


def _uuid_or_none(value: str):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
