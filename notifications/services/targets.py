"""Writes for targets: the channel's fields, a safe URL and templates that render are checked before saving."""

from __future__ import annotations

from django.db import transaction
from django.db.models import ProtectedError

from core.errors import Conflict, ValidationFailed
from core.records import record_create, record_update
from notifications.channels.safety import UnsafeUrl, check_url
from notifications.enums import Channel
from notifications.models import Target
from notifications.registry import defaults
from notifications.rendering import TemplateError, render_email, render_webhook


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
            sample = {**defaults().sample_context, "event": defaults().sample_event, "event_label": "Sample",
                      "notification_id": "x"}  # fmt: skip
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
            render_email(target.subject_template, target.body_template,
                         {**defaults().sample_context, "event_label": "Sample"})  # fmt: skip
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
            f"This target is in use (by notifications or {defaults().target_users}): deactivate it instead.",
            code="target_in_use",
        ) from exc
