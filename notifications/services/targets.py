"""Writes for targets: the channel's fields, a safe URL and templates that render are checked before saving."""

from __future__ import annotations

from django.db import transaction
from django.db.models import ProtectedError

from core.errors import Conflict, ValidationFailed
from core.records import record_create, record_update
from notifications.channels.safety import UnsafeUrl, check_url
from notifications.enums import Channel, Event
from notifications.models import Target
from notifications.rendering import TemplateError, render_email, render_webhook

# What templates are checked against (and what `send_test_notification` sends): the documented context shape.
SAMPLE_CONTEXT = {
    "summary": {"what": "Sample service", "where": "Sample location", "when": "2030-01-07 09:00", "zone": "UTC"},
    "appointment": {
        "id": 0, "status": "confirmed", "scheduled_start_at": "2030-01-07T09:00:00Z",
        "scheduled_end_at": "2030-01-07T09:30:00Z", "timezone": "UTC", "local_start": "2030-01-07 09:00",
        "local_end": "2030-01-07 09:30", "notes": "A \"quoted\" note", "staff": None,
        "definition": {"id": 0, "handle": "sample", "name": "Sample service"},
        "location": {"id": 0, "handle": "sample", "name": "Sample location", "timezone": "UTC"},
    },
    "profile": {"id": "00000000-0000-0000-0000-000000000000", "first_name": "Sam", "last_name": "Sample",
                "email": "sam@example.com"},
}  # fmt: skip


def target_check(target: Target) -> None:
    """The rules that involve the channel: which address field is needed, that it is safe, that templates render."""
    errors: dict[str, list[str]] = {}
    if target.channel == Channel.WEBHOOK:
        if not target.url:
            errors["url"] = ["A webhook target needs a url."]
        elif target.email:
            errors["email"] = ["A webhook target has no email address."]
        else:
            try:
                check_url(target.url)
            except UnsafeUrl as exc:
                errors["url"] = [str(exc)]
        if target.body_template:
            sample = {**SAMPLE_CONTEXT, "event": Event.CONFIRMED, "event_label": "Sample", "notification_id": "x"}
            try:
                render_webhook(target.body_template, sample)
            except TemplateError as exc:
                errors["template"] = [str(exc)]
    else:
        if target.url:
            errors["url"] = ["An email target has no url (leave email empty to write to the customer)."]
        if target.secret:
            errors["secret"] = ["Only webhook targets are signed."]
        try:
            render_email(target.subject_template, target.body_template, {**SAMPLE_CONTEXT, "event_label": "Sample"})
        except TemplateError as exc:
            errors["template"] = [str(exc)]
    if errors:
        raise ValidationFailed(errors=errors)


@transaction.atomic
def target_create(**fields) -> Target:
    """Create a target after checking its channel fields, URL safety and templates."""
    target = Target(**fields)
    target_check(target)
    return record_create(Target, **fields)


@transaction.atomic
def target_update(target: Target, **fields) -> Target:
    """Change the given fields; the whole target is checked as it would be."""
    for name, value in fields.items():
        setattr(target, name, value)
    target_check(target)
    return record_update(target, **fields)


@transaction.atomic
def target_delete(target: Target) -> None:
    """Delete a target nothing refers to; one with notifications or definitions pointing at it is a 409."""
    try:
        with transaction.atomic():
            target.delete()
    except ProtectedError as exc:
        raise Conflict(
            "This target is in use (by notifications or appointment definitions): deactivate it instead.",
            code="target_in_use",
        ) from exc
