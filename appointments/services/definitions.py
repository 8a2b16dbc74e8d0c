"""Writes for appointment definitions, their hours and their location and staff links."""

from __future__ import annotations

from django.db import transaction

from appointments.models import (
    AppointmentDefinition,
    DefinitionLocation,
    DefinitionNormalHour,
    DefinitionSpecialHour,
    DefinitionStaff,
)
from core.errors import Conflict, DomainError, ValidationFailed
from core.records import record_create, record_update
from questionnaires.enums import Purpose
from questionnaires.models import Questionnaire
from questionnaires.services.questionnaires import questionnaire_create


def _check_staff_source(definition: AppointmentDefinition, staff_count: int | None = None) -> None:
    """A staff-required definition that brings its own staff list needs someone on it to be bookable."""
    if not (definition.requires_staff and not definition.use_staff_from_location):
        return
    if staff_count is None:
        staff_count = definition.staff_links.filter(is_active=True).count()
    if staff_count == 0:
        raise ValidationFailed.on(
            "staff_ids", "A definition that requires staff and does not use the location's staff needs a staff list."
        )


def _booking_form(fields: dict, handle: str) -> None:
    """Turn `booking_questionnaire` ({id} or an inline form) / `booking_questionnaire_id` into the foreign key.

    An inline form becomes a new questionnaire with purpose `booking` (its handle defaults to
    `<definition handle>-booking`); null detaches the form. Errors are keyed under the field that was sent.
    """
    inline = fields.pop("booking_questionnaire", _MISSING)
    by_id = fields.pop("booking_questionnaire_id", _MISSING)
    if inline is not _MISSING and inline is not None and set(inline) - {"id"}:
        body = {"handle": f"{handle}-booking", "purpose": Purpose.BOOKING, **inline}
        body.pop("id", None)
        try:
            fields["booking_questionnaire"] = questionnaire_create(**_questionnaire_fields(body))
        except DomainError as exc:
            raise ValidationFailed(
                errors={f"booking_questionnaire.{key}": value for key, value in exc.errors.items()}
                or {"booking_questionnaire": [exc.message]}
            ) from exc
        return
    field, value = ("booking_questionnaire", (inline or {}).get("id")) if inline is not _MISSING else (
        "booking_questionnaire_id", by_id)  # fmt: skip
    if value is _MISSING:
        return
    if value is None:
        fields["booking_questionnaire"] = None
        return
    questionnaire = Questionnaire.objects.filter(pk=value).first() if isinstance(value, int) else None
    if questionnaire is None:
        raise ValidationFailed.on(field, "The questionnaire does not exist.")
    fields["booking_questionnaire"] = questionnaire


_MISSING = object()
INLINE_FORM_FIELDS = ("name", "handle", "description", "purpose", "is_active", "meta", "questions", "pages")


def _questionnaire_fields(body: dict) -> dict:
    unknown = sorted(set(body) - set(INLINE_FORM_FIELDS))
    if unknown:
        raise ValidationFailed.on("booking_questionnaire", f"Unknown fields: {', '.join(unknown)}.")
    if not isinstance(body.get("name"), str) or not body["name"].strip():
        raise ValidationFailed.on("booking_questionnaire.name", "A booking questionnaire needs a name.")
    for name in ("questions", "pages"):
        if body.get(name) is not None and not (
            isinstance(body[name], list) and all(isinstance(item, dict) for item in body[name])
        ):
            raise ValidationFailed.on(f"booking_questionnaire.{name}", "A list of objects.")
    return body


@transaction.atomic
def definition_create(
    *,
    normal_hours: list[dict] | None = None,
    special_hours: list[dict] | None = None,
    location_ids: list | None = None,
    staff_ids: list | None = None,
    **fields,
) -> AppointmentDefinition:
    """Create a definition with its hours, locations, staff and booking form in one transaction."""
    _booking_form(fields, fields.get("handle") or "definition")
    definition = record_create(AppointmentDefinition, **fields)
    for row in normal_hours or ():
        record_create(DefinitionNormalHour, definition=definition, **row)
    for row in special_hours or ():
        record_create(DefinitionSpecialHour, definition=definition, **row)
    for location in dict.fromkeys(location_ids or ()):
        DefinitionLocation.objects.create(definition=definition, location=location)
    for order, staff in enumerate(dict.fromkeys(staff_ids or ())):
        DefinitionStaff.objects.create(definition=definition, staff=staff, sort_order=order)
    _check_staff_source(definition, len(set(staff_ids or ())))
    return definition


@transaction.atomic
def definition_update(definition: AppointmentDefinition, **fields) -> AppointmentDefinition:
    """Change the given fields; the cross-field rules are checked on the result."""
    _booking_form(fields, definition.handle)
    definition = record_update(definition, **fields)
    _check_staff_source(definition)
    return definition


@transaction.atomic
def definition_delete(definition: AppointmentDefinition) -> None:
    """Delete a definition that was never booked; one with appointments must be archived instead (409)."""
    if definition.appointments.exists():
        raise Conflict(
            "This definition has appointments: archive it (is_archived: true) instead of deleting it.",
            code="definition_in_use",
        )
    definition.delete()


@transaction.atomic
def definition_location_set(definition: AppointmentDefinition, *, location, is_active: bool = True):
    """Link a location (or change an existing link's is_active): linking twice keeps one row."""
    link, created = DefinitionLocation.objects.get_or_create(
        definition=definition, location=location, defaults={"is_active": is_active}
    )
    if not created and link.is_active != is_active:
        link = record_update(link, is_active=is_active)
    return link


@transaction.atomic
def definition_staff_add(definition: AppointmentDefinition, *, staff, is_active: bool = True, sort_order: int = 0):
    """Add a staff member to the definition's own list; adding twice updates the existing row."""
    link, created = DefinitionStaff.objects.get_or_create(
        definition=definition, staff=staff, defaults={"is_active": is_active, "sort_order": sort_order}
    )
    if not created:
        link = record_update(link, is_active=is_active, sort_order=sort_order)
    return link


@transaction.atomic
def definition_staff_remove(link: DefinitionStaff) -> None:
    definition = link.definition
    link.delete()
    _check_staff_source(definition)
