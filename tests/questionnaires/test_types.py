"""The twelve question types: each version's own rules, and what each accepts as an answer (pure functions)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from questionnaires.types import Invalid, check_version, clean_answer

OPTIONS = [{"value": "red", "label": "Red"}, {"value": "green", "label": "Green"}, {"value": "blue"}]


def clean(type_, value, validation=None, options=None):
    return clean_answer(type_, options or [], validation or {}, value)


# Versions --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("type_", "options", "validation", "default", "field", "message"),
    [
        ("slider", None, {"min": 0}, None, "validation.max", "A slider needs min and max."),
        ("slider", None, {"max": 10}, None, "validation.min", "A slider needs min and max."),
        ("slider", None, {"min": 5, "max": 5}, None, "validation.min", "min must be less than max."),
        ("slider", None, {"min": 0, "max": 10, "step": 0}, None, "validation.step", "Must be greater than 0."),
        ("slider", None, {"min": "0", "max": 10}, None, "validation.min", "Must be a number."),
        ("number", None, {"min": 3, "max": 1}, None, "validation.min", "min must be at most max."),
        ("number", None, {"integer": "yes"}, None, "validation.integer", "Must be true or false."),
        ("text", None, {"min_length": 5, "max_length": 2}, None, "validation.min_length",
         "min_length must be at most max_length."),
        ("text", None, {"pattern": "("}, None, "validation.pattern",
         "Not a valid regular expression: missing ), unterminated subpattern at position 0."),
        ("text", None, {"min": 1}, None, "validation", "Unknown rules for text: min. Allowed: max_length, min_length, pattern."),
        ("textarea", None, {"max_length": -1}, None, "validation.max_length", "Must be a whole number of at least 0."),
        ("single_select", None, None, None, "options", "A select question needs a non-empty list of options."),
        ("single_select", [{"value": "a"}, {"value": "a"}], None, None, "options.1",
         "Option values must be unique; 'a' repeats."),
        ("multi_select", [{"label": "no value"}], None, None, "options.0",
         "Each option is an object with a non-blank string value."),
        ("multi_select", OPTIONS, {"max_choices": 4}, None, "validation.max_choices", "Cannot exceed the 3 options."),
        ("multi_select", OPTIONS, {"min_choices": 3, "max_choices": 2}, None, "validation.min_choices",
         "min_choices must be at most max_choices."),
        ("boolean", OPTIONS, None, None, "options", "Only single_select and multi_select questions have options."),
        ("date", None, {"min": "2025-13-01"}, None, "validation.min", "Must be a date as YYYY-MM-DD."),
        ("email", None, {"max": 1}, None, "validation", "Unknown rules for email: max. Allowed: none."),
        ("colour", None, None, None, "type",
         "Unknown type; use one of text, textarea, number, slider, boolean, single_select, multi_select, date, "
         "datetime, email, phone, json."),
        ("single_select", OPTIONS, None, "purple", "default_value",
         "The default is not a valid answer: Must be one of: red, green, blue."),
        ("number", None, {"max": 10}, 11, "default_value", "The default is not a valid answer: Must be at most 10."),
    ],
)  # fmt: skip
def test_a_version_that_breaks_its_types_rules_is_refused(type_, options, validation, default, field, message):
    with pytest.raises(Invalid) as caught:
        check_version(type_, options, validation, default)
    assert caught.value.errors == {field: [message]}


def test_valid_versions_come_back_normalised():
    assert check_version("text", None, None, None) == ([], {})
    assert check_version("slider", [], {"min": 0, "max": 10, "step": 2}, 4) == ([], {"min": 0, "max": 10, "step": 2})
    options, _ = check_version("single_select", OPTIONS, None, "red")
    assert options[2] == {"value": "blue", "label": "blue"}  # a missing label shows the value


# Answers: one valid and invalid table per type --------------------------------------------------------------


@pytest.mark.parametrize(
    ("type_", "validation", "value", "stored"),
    [
        ("text", {}, "hello", "hello"),
        ("text", {"pattern": r"[A-Z]{3}\d"}, "ABC1", "ABC1"),
        ("textarea", {"max_length": 5}, "a\nb", "a\nb"),
        ("number", {}, "12.50", 12.5),
        ("number", {"integer": True, "min": 1, "max": 3}, 3, 3),
        ("number", {}, "-4", -4),
        ("slider", {"min": 0, "max": 10}, "7", 7),
        ("slider", {"min": 0, "max": 1, "step": 0.25}, 0.75, 0.75),
        ("boolean", {}, True, True),
        ("boolean", {}, "false", False),
        ("boolean", {}, "Yes", True),
        ("single_select", {}, "green", "green"),
        ("multi_select", {}, ["blue", "red"], ["red", "blue"]),
        ("multi_select", {}, '["green"]', ["green"]),
        ("multi_select", {}, "red, blue", ["red", "blue"]),
        ("date", {"min": "2025-01-01"}, "2025-06-16", "2025-06-16"),
        ("datetime", {}, "2025-06-16T10:00:00+10:00", "2025-06-16T00:00:00Z"),
        ("datetime", {}, "2025-06-16 10:00:00Z", "2025-06-16T10:00:00Z"),
        ("email", {}, " ada@example.com ", "ada@example.com"),
        ("phone", {}, "+61 (3) 9000-0000", "+61 (3) 9000-0000"),
        ("json", {}, '{"a": [1, 2]}', {"a": [1, 2]}),
        ("json", {}, {"a": 1}, {"a": 1}),
    ],
)
def test_valid_answers_are_stored_in_their_normal_form(type_, validation, value, stored):
    assert clean(type_, value, validation, OPTIONS) == stored


@pytest.mark.parametrize(
    ("type_", "validation", "value", "message"),
    [
        ("text", {}, 12, "Must be text."),
        ("text", {"min_length": 3}, "ab", "Must be at least 3 characters."),
        ("text", {"pattern": r"\d+"}, "12a", "Does not have the expected format."),
        ("textarea", {"max_length": 2}, "abc", "Must be at most 2 characters."),
        ("number", {}, "twelve", "Must be a number."),
        ("number", {}, True, "Must be a number."),
        ("number", {}, "NaN", "Must be a number."),
        ("number", {"integer": True}, "1.5", "Must be a whole number."),
        ("number", {"min": 1}, 0, "Must be at least 1."),
        ("slider", {"min": 0, "max": 10}, 11, "Must be at most 10."),
        ("slider", {"min": 0, "max": 10, "step": 2}, 3, "Must be 0 plus a multiple of 2."),
        ("boolean", {}, "maybe", "Must be true or false."),
        ("boolean", {}, 1, "Must be true or false."),
        ("single_select", {}, "purple", "Must be one of: red, green, blue."),
        ("single_select", {}, ["red"], "Must be one of: red, green, blue."),
        ("multi_select", {}, ["red", "purple"], "Unknown options: purple. Allowed: red, green, blue."),
        ("multi_select", {}, ["red", "red"], "Each option may be chosen once."),
        ("multi_select", {"min_choices": 2}, ["red"], "Choose at least 2."),
        ("multi_select", {"max_choices": 1}, ["red", "blue"], "Choose at most 1."),
        ("multi_select", {}, "[broken", "Must be a list of option values."),
        ("date", {}, "16/06/2025", "Must be a date as YYYY-MM-DD."),
        ("date", {}, "2025-02-30", "Must be a date as YYYY-MM-DD."),
        ("date", {"max": "2025-01-01"}, "2025-06-16", "Must be between any day and 2025-01-01."),
        ("datetime", {}, "2025-06-16T10:00:00", "Must include an offset (e.g. Z or +10:00)."),
        ("datetime", {}, "tomorrow", "Must be an ISO 8601 date and time with an offset."),
        ("email", {}, "not-an-email", "Must be an email address."),
        ("phone", {}, "call me", "Must be a phone number (digits, spaces, + ( ) - .; at least 6 digits)."),
        ("phone", {}, "+61 2", "Must be a phone number (digits, spaces, + ( ) - .; at least 6 digits)."),
        ("json", {}, "{not json", "Must be valid JSON."),
    ],
)
def test_invalid_answers_are_refused_with_a_message(type_, validation, value, message):
    with pytest.raises(Invalid) as caught:
        clean(type_, value, validation, OPTIONS)
    assert caught.value.message == message


# Combinatorial rules (hypothesis) ------------------------------------------------------------------------------

option_values = st.lists(st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=8), min_size=1,
                         max_size=6, unique=True)  # fmt: skip


@settings(max_examples=40)
@given(values=option_values, data=st.data())
def test_a_multi_select_accepts_exactly_the_subsets_of_its_options(values, data):
    options = [{"value": v} for v in values]
    chosen = data.draw(st.lists(st.sampled_from(values), unique=True))
    assert clean("multi_select", chosen, options=options) == [v for v in values if v in chosen]
    stranger = data.draw(st.text(min_size=1, max_size=8).filter(lambda t: t not in values))
    with pytest.raises(Invalid):
        clean("multi_select", [*chosen, stranger], options=options)


@settings(max_examples=40)
@given(values=option_values, data=st.data())
def test_a_single_select_accepts_one_of_its_options_only(values, data):
    options = [{"value": v} for v in values]
    assert clean("single_select", data.draw(st.sampled_from(values)), options=options) in values
    with pytest.raises(Invalid):
        clean("single_select", data.draw(st.text(max_size=8).filter(lambda t: t not in values)), options=options)


@given(
    low=st.integers(-50, 50),
    span=st.integers(1, 100),
    step=st.sampled_from([1, 2, 5, 0.5]),
    value=st.decimals(-200, 200, places=1),
)
def test_a_slider_accepts_values_on_its_grid_inside_its_bounds(low, span, step, value):
    validation = {"min": low, "max": low + span, "step": step}
    check_version("slider", None, validation, None)
    on_grid = (value - Decimal(low)) % Decimal(str(step)) == 0
    inside = Decimal(low) <= value <= Decimal(low + span)
    if on_grid and inside:
        assert Decimal(str(clean("slider", str(value), validation))) == value
    else:
        with pytest.raises(Invalid):
            clean("slider", str(value), validation)


@given(low=st.integers(-100, 100), high=st.integers(-100, 100), value=st.integers(-150, 150))
def test_number_bounds(low, high, value):
    validation = {"min": min(low, high), "max": max(low, high)}
    if validation["min"] <= value <= validation["max"]:
        assert clean("number", str(value), validation) == value
    else:
        with pytest.raises(Invalid):
            clean("number", value, validation)
