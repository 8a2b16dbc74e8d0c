"""Template filters of the console's own templates."""

from __future__ import annotations

from django import template

from directory.console_display import json_view

register = template.Library()


@register.filter
def readonly_json(field):
    """A readonly JSON field's value (unfold's AdminReadonlyField) through json_view: every page's stored JSON reads
    as keys and values, also where an admin names the model field instead of a `json_field` display."""
    resolved = getattr(field, "resolved_field", None)
    if not resolved or isinstance(resolved, bool):
        return field.contents()
    _, _, value = resolved
    return json_view(value)
