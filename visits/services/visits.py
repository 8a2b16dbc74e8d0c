"""Writing visits: by hand or through the API, and on behalf of the appointments app (arrival, serving)."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction

from core.errors import Conflict
from core.localtime import localize
from core.records import record_create, record_update
from visits.enums import VisitSource
from visits.models import Visit


def _localized(fields: dict, location, current_tz=None) -> dict:
    """A naive `visited_at` is a wall time in the given `timezone`, else the visit's or the location's."""
    tz = fields.get("timezone") or current_tz or location.timezone
    fields["timezone"] = tz
    if fields.get("visited_at") is not None:
        fields["visited_at"] = localize(fields["visited_at"], tz, "visited_at")
    return fields


def _check_external_id(source: str, external_id: str | None, exclude: int | None = None) -> None:
    if not external_id:
        return
    if Visit.objects.filter(source=source, external_id=external_id).exclude(pk=exclude).exists():
        raise Conflict.on("external_id", "A visit with this external_id already exists for this source.",
                          code="duplicate_external_id")  # fmt: skip


def visit_create(**fields) -> Visit:
    """Create a visit after full validation; a repeated `external_id` for the same source is a 409."""
    fields = _localized(dict(fields), fields["location"])
    _check_external_id(fields.get("source", VisitSource.MANUAL), fields.get("external_id"))
    try:
        with transaction.atomic():
            return record_create(Visit, **fields)
    except IntegrityError as exc:
        raise Conflict.on("external_id", "A visit with this external_id already exists for this source.",
                          code="duplicate_external_id") from exc  # fmt: skip


def visit_update(visit: Visit, **fields) -> Visit:
    """Change the given fields of a visit (partial update)."""
    if "visited_at" in fields or "timezone" in fields:
        fields = _localized({"visited_at": None, **fields}, fields.get("location", visit.location), visit.timezone)
        if fields["visited_at"] is None:
            fields.pop("visited_at")
    if "external_id" in fields or "source" in fields:
        _check_external_id(fields.get("source", visit.source), fields.get("external_id", visit.external_id), visit.pk)
    try:
        with transaction.atomic():
            return record_update(visit, **fields)
    except IntegrityError as exc:
        raise Conflict.on("external_id", "A visit with this external_id already exists for this source.",
                          code="duplicate_external_id") from exc  # fmt: skip


@transaction.atomic
def visit_delete(visit: Visit) -> None:
    visit.delete()


def _record_once(source: str, key: dict, fields: dict) -> Visit:
    """The one visit of `source` for `key` (an appointment or a queue entry id): created the first time only.

    A savepoint keeps a concurrent duplicate (caught by the unique constraint) from breaking the caller's
    transaction; the existing row is returned instead.
    """
    existing = Visit.objects.filter(source=source, **key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Visit.objects.create(source=source, **key, **fields)
    except IntegrityError:
        return Visit.objects.get(source=source, **key)


def visit_record_arrival(
    *, appointment_id: int, location_id: int, profile_id, staff_id, visited_at: datetime, timezone
) -> Visit:
    """The visit of an appointment's arrival (plain data from the appointments app); exactly one per appointment."""
    return _record_once(
        VisitSource.APPOINTMENT,
        {"appointment_id": appointment_id},
        {"location_id": location_id, "profile_id": profile_id, "staff_id": staff_id, "visited_at": visited_at,
         "timezone": timezone},
    )  # fmt: skip


def visit_record_served(
    *, queue_entry_id: int, location_id: int, profile_id, staff_id, visited_at: datetime, timezone,
    duration_minutes: int | None = None,
) -> Visit:  # fmt: skip
    """The visit of a served walk-in (plain data from the appointments app); exactly one per queue entry."""
    return _record_once(
        VisitSource.QUEUE,
        {"queue_entry_id": queue_entry_id},
        {"location_id": location_id, "profile_id": profile_id, "staff_id": staff_id, "visited_at": visited_at,
         "timezone": timezone, "duration_minutes": duration_minutes},
    )  # fmt: skip


def visit_link_appointment(*, queue_entry_id: int, appointment_id: int) -> None:
    """A served walk-in became an appointment: its visit remembers which."""
    Visit.objects.filter(source=VisitSource.QUEUE, queue_entry_id=queue_entry_id).update(appointment_id=appointment_id)
