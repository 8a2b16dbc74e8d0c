"""The API's JSON renderer (core.api.renderers): an answer holding a Fragment is written around the fragment's text
when compact, and rendered from its value otherwise, with the same bytes DRF's renderer gives for the value."""

from __future__ import annotations

import json

from rest_framework.renderers import JSONRenderer as DRFJSONRenderer

from core.api.renderers import Fragment, JSONRenderer

VALUE = [{"name": "Zoë", "line": "a\u2028b", "n": 3, "ok": True, "none": None}]


def fragment() -> Fragment:
    return Fragment(json.dumps(VALUE, separators=(",", ":"), ensure_ascii=False), lambda: VALUE)


def test_compact_answer_is_the_bytes_drf_gives_for_the_values():
    data = {"data": fragment(), "meta": {"total": 1, "when": "é", "empty": []}, "links": None}
    rendered = JSONRenderer().render(data, "application/json")
    plain = {"data": VALUE, "meta": {"total": 1, "when": "é", "empty": []}, "links": None}
    assert rendered == DRFJSONRenderer().render(plain, "application/json")
    assert b"a\\u2028b" in rendered  # escaped as DRF does
    assert json.loads(rendered) == plain


def test_indented_answer_renders_the_values():
    data = {"data": fragment(), "meta": {"total": 1}}
    rendered = JSONRenderer().render(data, "application/json; indent=2")
    assert rendered == DRFJSONRenderer().render({"data": VALUE, "meta": {"total": 1}}, "application/json; indent=2")
    assert b'\n  "data": [' in rendered


def test_a_fragment_reads_as_its_value():
    built = []
    item = Fragment("[1,2]", lambda: built.append(1) or [1, 2])
    assert item == [1, 2] and list(item) == [1, 2] and len(item) == 2 and item[1] == 2
    assert built == [1]  # built once, on first use


def test_answers_without_fragments_are_drfs():
    data = {"data": [{"a": "\u2028"}], "meta": None}
    assert JSONRenderer().render(data, "application/json") == DRFJSONRenderer().render(data, "application/json")
    assert JSONRenderer().render(None) == b""
