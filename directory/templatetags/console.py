"""Template filters of the console's own templates."""

from __future__ import annotations

from django import template

from directory.console_display import json_block

register = template.Library()


@register.filter
def readonly_json(field):
    """A readonly JSON field's value (unfold's AdminReadonlyField) as a readable block; see json_block."""
    resolved = getattr(field, "resolved_field", None)
    if not resolved or isinstance(resolved, bool):
        return field.contents()
    _, _, value = resolved
    return json_block(value)
