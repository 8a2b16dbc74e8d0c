"""How the console shows stored internals to people: JSON as keys and values (`json_view`, never a literal
`null`), and a related record's id as a link that names the record (`record_link`).

Apps register the kinds of record others refer to by a plain id (`register_record`, from `AppConfig.ready()`), so
a page of one app links a record of another without importing it: a questionnaire submission's appointment, a
notification's subject.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

EMPTY = "—"
WALL_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?")


def json_view(value, zone: str | None = None) -> SafeString:
    """Stored JSON (a notification's context, an event's data) as a person reads it: nested keys and values, "—"
    for nothing, Yes/No for booleans, never a raw `null`; a wall time ("2026-12-08 10:00") is shown with the zone
    its object names (a `timezone` or `zone` key beside it, or above it)."""
    if value is None or value == "" or value == {} or value == []:
        return mark_safe("—")
    if isinstance(value, bool):
        return mark_safe("Yes" if value else "No")
    if isinstance(value, dict):
        named = value.get("timezone") or value.get("zone")
        zone = named if isinstance(named, str) and "/" in named or named == "UTC" else zone
        rows = format_html_join(
            "", "<dt>{}</dt><dd>{}</dd>", ((key, json_view(item, zone)) for key, item in value.items())
        )
        return mark_safe(f'<dl class="json-view">{rows}</dl>')
    if isinstance(value, list):
        if all(not isinstance(item, dict | list) for item in value):
            return mark_safe(", ".join(str(json_view(item, zone)) for item in value))
        items = "".join(f"<li>{json_view(item, zone)}</li>" for item in value)
        return mark_safe(f'<ol class="json-view">{items}</ol>')
    if zone and isinstance(value, str) and WALL_TIME.fullmatch(value):
        return conditional_escape(f"{value} ({zone})")
    return conditional_escape(str(value))


@dataclass(frozen=True)
class RecordKind:
    name: str  # as other records store it, e.g. a notification's subject_type "appointment"
    url_name: str  # the admin change page, e.g. "admin:appointments_appointment_change"
    describe: Callable[[str], str | None]  # id as stored -> the record in words, None when there is no such record
    title: str  # the kind in words, e.g. "Appointment"


_kinds: dict[str, RecordKind] = {}


def register_record(kind: RecordKind) -> None:
    _kinds[kind.name] = kind


def record_link(kind_name: str, record_id) -> SafeString:
    """A link to the record's console page, named in words ("Fitting for Olivia Jones, Tue 8 Dec 10:00 AEDT");
    "Appointment 6 (deleted)" when it is gone; "—" without an id."""
    if record_id in (None, ""):
        return mark_safe(EMPTY)
    kind = _kinds.get(kind_name)
    if kind is None:
        return format_html("{} {}", kind_name.replace("_", " ").capitalize(), record_id)
    words = kind.describe(str(record_id))
    if words is None:
        return format_html("{} {} (deleted)", kind.title, record_id)
    try:
        url = reverse(kind.url_name, args=[record_id])
    except NoReverseMatch:
        return format_html("{}", words)
    return format_html('<a href="{}" class="text-link console-record-link">{}</a>', url, words)
