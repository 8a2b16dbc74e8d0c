"""The API's JSON renderer: DRF's, plus answers whose biggest part is already JSON text (`Fragment`).

A month of availability is about a thousand slots of fixed shape; building a dictionary for each and encoding it
with `json` was a quarter of the answer's time (bench/availability.py, staff-required 31-day range). Such a part
travels as a Fragment: its compact JSON text, written by the code that knows its shape, and the plain value for
any other rendering (an indented answer, the browsable API, `response.data`). The bytes are the ones DRF's
renderer gives for the value (tests/appointments/test_availability_shapes.py compares them).
"""

from __future__ import annotations

import json
from collections.abc import Callable

from rest_framework import renderers


class Fragment:
    """A value and its compact JSON text. `text` must be exactly `json.dumps(value, separators=(",", ":"),
    ensure_ascii=False)`; the value is built only if something other than the compact renderer asks for it."""

    __slots__ = ("_build", "_value", "text")

    def __init__(self, text: str, build: Callable[[], object]):
        self.text = text
        self._build = build
        self._value = None

    @property
    def value(self):
        if self._value is None:
            self._value = self._build()
        return self._value

    def __eq__(self, other):
        return self.value == (other.value if isinstance(other, Fragment) else other)

    __hash__ = None

    def __iter__(self):
        return iter(self.value)

    def __len__(self):
        return len(self.value)

    def __getitem__(self, index):
        return self.value[index]

    def __repr__(self):
        return f"Fragment({self.value!r})"


def _plain(data: dict) -> dict:
    return {key: value.value if isinstance(value, Fragment) else value for key, value in data.items()}


class JSONRenderer(renderers.JSONRenderer):
    """DRF's JSONRenderer; a top-level dictionary holding Fragments is written around their text when the answer is
    compact (no `indent`), and rendered from their values otherwise."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if type(data) is dict and any(isinstance(value, Fragment) for value in data.values()):
            if not self.compact or self.get_indent(accepted_media_type, renderer_context or {}) is not None:
                return super().render(_plain(data), accepted_media_type, renderer_context)
            parts = []
            for key, value in data.items():
                if isinstance(value, Fragment):
                    text = value.text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").encode()  # as DRF
                else:
                    text = (
                        super().render(value, accepted_media_type, renderer_context) if value is not None else b"null"
                    )
                parts.append(json.dumps(key, ensure_ascii=self.ensure_ascii).encode() + b":" + text)
            return b"{" + b",".join(parts) + b"}"
        return super().render(data, accepted_media_type, renderer_context)
