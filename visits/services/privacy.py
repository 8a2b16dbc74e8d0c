"""The visits' part of erasing and exporting a person (docs/privacy.md): visits stay for footfall and attendance
reports, their free-text notes go. Visits recorded for the person's appointments or queue entries count too."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet

from core.export import row
from visits.models import Visit


def visits_of(profile_id, *, appointment_ids=(), queue_entry_ids=()) -> QuerySet[Visit]:
    return Visit.objects.filter(
        Q(profile_id=profile_id)
        | Q(appointment_id__in=list(appointment_ids))
        | Q(queue_entry_id__in=list(queue_entry_ids))
    )


def visits_erase(profile_id, *, appointment_ids=(), queue_entry_ids=(), now: datetime) -> dict[str, int]:
    rows = visits_of(profile_id, appointment_ids=appointment_ids, queue_entry_ids=queue_entry_ids)
    kept = rows.count()
    rows.exclude(notes="").update(notes="", updated_at=now)
    return {"visits": kept}


def visits_export(profile_id, *, appointment_ids=(), queue_entry_ids=()) -> list[dict]:
    rows = visits_of(profile_id, appointment_ids=appointment_ids, queue_entry_ids=queue_entry_ids)
    return [row(visit) for visit in rows.order_by("visited_at", "id")]
