"""Rendering a target's templates against a notification's context.

Templates use the Django template language. For webhook bodies every string value in the context is JSON-escaped
before rendering (quotes, backslashes, control characters), so `{"name": "{{ profile.first_name }}"}` stays valid
JSON whatever the name is; the rendered body must parse as JSON. Email text renders as written; the HTML part
renders the same template with HTML autoescaping.
"""

from __future__ import annotations

import json

from django.template import Context, Engine, TemplateSyntaxError
from django.utils.html import linebreaks

from notifications.registry import defaults

PLAIN = Engine(autoescape=False)
HTML = Engine(autoescape=True)


class TemplateError(ValueError):
    """A template that does not compile or does not render what its channel needs."""


def _json_escaped(value):
    if isinstance(value, str):
        return json.dumps(value)[1:-1]
    if isinstance(value, dict):
        return {key: _json_escaped(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_escaped(item) for item in value]
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def default_webhook_body(notification_id: str, event: str, context: dict) -> str:
    """The fixed body a webhook target without a template receives (docs/notifications.md)."""
    document = {"id": notification_id, "event": event, **context}
    return json.dumps(document, separators=(",", ":"), sort_keys=True)


def render_webhook(template: str, context: dict) -> str:
    """Render a JSON body with JSON-escaped values; raise TemplateError if it is not valid JSON."""
    try:
        body = PLAIN.from_string(template).render(Context(_json_escaped(context), autoescape=False))
    except TemplateSyntaxError as exc:
        raise TemplateError(f"Template error: {exc}") from exc
    try:
        json.loads(body)
    except ValueError as exc:
        raise TemplateError(f"The template does not render valid JSON: {exc}") from exc
    return body


def render_email(subject_template: str, body_template: str, context: dict) -> tuple[str, str, str]:
    """Subject (one line), plain-text body and HTML body."""
    try:
        fallback = defaults()  # the producing app's templates (notifications.registry)
        subject = PLAIN.from_string(subject_template or fallback.subject).render(Context(context, autoescape=False))
        text = PLAIN.from_string(body_template or fallback.body).render(Context(context, autoescape=False))
        html = HTML.from_string(body_template or fallback.body).render(Context(context))
    except TemplateSyntaxError as exc:
        raise TemplateError(f"Template error: {exc}") from exc
    return " ".join(subject.split()), text, linebreaks(html, autoescape=False)
