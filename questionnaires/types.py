"""The twelve question types: what a version may say about itself, and what an answer must look like.

Pure functions over plain data (no ORM): `check_version` raises `Invalid` with field-keyed messages for a
version that cannot be rendered or answered; `clean_answer` returns the stored form of an answer or raises
`Invalid` with one message. Omneo sends answer values as strings, so numbers, booleans and lists also arrive
as strings and are read here.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from core.localtime import utc_iso
from questionnaires.enums import SELECT_TYPES, QuestionType

PHONE = re.compile(r"^\+?[0-9][0-9 ().\-]{4,30}$")
TRUE_WORDS = {"true", "1", "yes", "on"}
FALSE_WORDS = {"false", "0", "no", "off"}
TEXT_MAX = 10_000


class Invalid(Exception):
    """A version or an answer that breaks its type's rules. `errors` maps a field to its messages."""

    def __init__(self, message: str, field: str = "value"):
        super().__init__(message)
        self.message = message
        self.errors = {field: [message]}


def is_empty(value) -> bool:
    """Unanswered: null, a blank string or an empty list."""
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


# Versions --------------------------------------------------------------------------------------------------


def _number(value, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise Invalid("Must be a number.", field)
    return value


def _whole(value, field: str, *, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise Invalid(f"Must be a whole number of at least {minimum}.", field)
    return value


def _ordered(validation: dict, low: str, high: str, *, strict: bool = False) -> None:
    a, b = validation.get(low), validation.get(high)
    if a is not None and b is not None and (a >= b if strict else a > b):
        raise Invalid(f"{low} must be {'less than' if strict else 'at most'} {high}.", f"validation.{low}")


ALLOWED_RULES = {
    QuestionType.TEXT: {"min_length", "max_length", "pattern"},
    QuestionType.TEXTAREA: {"min_length", "max_length"},
    QuestionType.NUMBER: {"min", "max", "integer"},
    QuestionType.SLIDER: {"min", "max", "step"},
    QuestionType.BOOLEAN: set(),
    QuestionType.SINGLE_SELECT: set(),
    QuestionType.MULTI_SELECT: {"min_choices", "max_choices"},
    QuestionType.DATE: {"min", "max"},
    QuestionType.DATETIME: set(),
    QuestionType.EMAIL: set(),
    QuestionType.PHONE: set(),
    QuestionType.JSON: set(),
}


def check_version(type_: str, options, validation, default_value) -> tuple[list, dict]:
    """Check a version's options and validation for its type; returns them normalised ([] and {} for none)."""
    if type_ not in QuestionType.values:
        raise Invalid(f"Unknown type; use one of {', '.join(QuestionType.values)}.", "type")
    options = [] if options is None else options
    validation = {} if validation is None else validation
    if not isinstance(validation, dict):
        raise Invalid("Must be an object.", "validation")
    unknown = sorted(set(validation) - ALLOWED_RULES[type_])
    if unknown:
        allowed = ", ".join(sorted(ALLOWED_RULES[type_])) or "none"
        raise Invalid(f"Unknown rules for {type_}: {', '.join(unknown)}. Allowed: {allowed}.", "validation")
    options = _check_options(type_, options)
    _check_rules(type_, validation, len(options))
    if default_value is not None:
        try:
            clean_answer(type_, options, validation, default_value)
        except Invalid as exc:
            raise Invalid(f"The default is not a valid answer: {exc.message}", "default_value") from exc
    return options, validation


def _check_options(type_: str, options) -> list:
    if type_ not in SELECT_TYPES:
        if options:
            raise Invalid("Only single_select and multi_select questions have options.", "options")
        return []
    if not isinstance(options, list) or not options:
        raise Invalid("A select question needs a non-empty list of options.", "options")
    seen = set()
    cleaned = []
    for index, option in enumerate(options):
        if not isinstance(option, dict) or not isinstance(option.get("value"), str) or not option["value"].strip():
            raise Invalid("Each option is an object with a non-blank string value.", f"options.{index}")
        if option["value"] in seen:
            raise Invalid(f"Option values must be unique; '{option['value']}' repeats.", f"options.{index}")
        seen.add(option["value"])
        label = option.get("label")
        if label is not None and not isinstance(label, str):
            raise Invalid("An option's label is a string.", f"options.{index}")
        cleaned.append({**option, "label": label if label is not None else option["value"]})
    return cleaned


def _check_rules(type_: str, v: dict, option_count: int) -> None:
    if type_ in (QuestionType.TEXT, QuestionType.TEXTAREA):
        for key in ("min_length", "max_length"):
            if key in v:
                _whole(v[key], f"validation.{key}")
        _ordered(v, "min_length", "max_length")
        if "pattern" in v:
            if not isinstance(v["pattern"], str):
                raise Invalid("Must be a regular expression.", "validation.pattern")
            try:
                re.compile(v["pattern"])
            except re.error as exc:
                raise Invalid(f"Not a valid regular expression: {exc}.", "validation.pattern") from exc
    elif type_ == QuestionType.NUMBER:
        for key in ("min", "max"):
            if key in v:
                _number(v[key], f"validation.{key}")
        if "integer" in v and not isinstance(v["integer"], bool):
            raise Invalid("Must be true or false.", "validation.integer")
        _ordered(v, "min", "max")
    elif type_ == QuestionType.SLIDER:
        for key in ("min", "max"):
            if key not in v:
                raise Invalid("A slider needs min and max.", f"validation.{key}")
            _number(v[key], f"validation.{key}")
        _ordered(v, "min", "max", strict=True)
        if "step" in v and _number(v["step"], "validation.step") <= 0:
            raise Invalid("Must be greater than 0.", "validation.step")
    elif type_ == QuestionType.MULTI_SELECT:
        for key in ("min_choices", "max_choices"):
            if key in v and _whole(v[key], f"validation.{key}") > option_count:
                raise Invalid(f"Cannot exceed the {option_count} options.", f"validation.{key}")
        _ordered(v, "min_choices", "max_choices")
    elif type_ == QuestionType.DATE:
        for key in ("min", "max"):
            if key in v:
                _date(v[key], f"validation.{key}")
        _ordered(v, "min", "max")


# Answers ---------------------------------------------------------------------------------------------------


def _date(value, field: str = "value") -> str:
    text = value.strip() if isinstance(value, str) else ""
    try:
        if len(text) != 10:
            raise ValueError(text)
        return date.fromisoformat(text).isoformat()
    except ValueError as exc:
        raise Invalid("Must be a date as YYYY-MM-DD.", field) from exc


def _decimal(value) -> Decimal:
    if isinstance(value, bool):
        raise Invalid("Must be a number.")
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise Invalid("Must be a number.")
        return Decimal(str(value))
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation as exc:
            raise Invalid("Must be a number.") from exc
        if number.is_finite():
            return number
    raise Invalid("Must be a number.")


def _as_number(number: Decimal) -> int | float:
    return int(number) if number == number.to_integral_value() else float(number)


def _text(value, v: dict) -> str:
    if not isinstance(value, str):
        raise Invalid("Must be text.")
    if len(value) > TEXT_MAX:
        raise Invalid(f"Must be at most {TEXT_MAX} characters.")
    if "min_length" in v and len(value) < v["min_length"]:
        raise Invalid(f"Must be at least {v['min_length']} characters.")
    if "max_length" in v and len(value) > v["max_length"]:
        raise Invalid(f"Must be at most {v['max_length']} characters.")
    if "pattern" in v and re.fullmatch(v["pattern"], value) is None:
        raise Invalid("Does not have the expected format.")
    return value


def _bounded(number: Decimal, v: dict) -> None:
    if "min" in v and number < Decimal(str(v["min"])):
        raise Invalid(f"Must be at least {v['min']}.")
    if "max" in v and number > Decimal(str(v["max"])):
        raise Invalid(f"Must be at most {v['max']}.")


def _choices(value) -> list:
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except ValueError as exc:
                raise Invalid("Must be a list of option values.") from exc
        else:
            value = [part.strip() for part in text.split(",") if part.strip()]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise Invalid("Must be a list of option values.")
    return value


def clean_answer(type_: str, options: list, validation: dict, value):  # noqa: C901 - one branch per type
    """The stored form of a (non-empty) answer to a question of this type, or `Invalid`."""
    v = validation or {}
    if type_ in (QuestionType.TEXT, QuestionType.TEXTAREA):
        return _text(value, v)
    if type_ == QuestionType.NUMBER:
        number = _decimal(value)
        if v.get("integer") and number != number.to_integral_value():
            raise Invalid("Must be a whole number.")
        _bounded(number, v)
        return _as_number(number)
    if type_ == QuestionType.SLIDER:
        number = _decimal(value)
        _bounded(number, v)
        step = Decimal(str(v.get("step", 1)))
        if (number - Decimal(str(v["min"]))) % step != 0:
            raise Invalid(f"Must be {v['min']} plus a multiple of {v.get('step', 1)}.")
        return _as_number(number)
    if type_ == QuestionType.BOOLEAN:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS:
            return value.strip().lower() in TRUE_WORDS
        raise Invalid("Must be true or false.")
    if type_ == QuestionType.SINGLE_SELECT:
        allowed = [option["value"] for option in options]
        if not isinstance(value, str) or value not in allowed:
            raise Invalid(f"Must be one of: {', '.join(allowed)}.")
        return value
    if type_ == QuestionType.MULTI_SELECT:
        chosen = _choices(value)
        allowed = [option["value"] for option in options]
        unknown = [item for item in chosen if item not in allowed]
        if unknown:
            raise Invalid(f"Unknown options: {', '.join(unknown)}. Allowed: {', '.join(allowed)}.")
        if len(set(chosen)) != len(chosen):
            raise Invalid("Each option may be chosen once.")
        if "min_choices" in v and len(chosen) < v["min_choices"]:
            raise Invalid(f"Choose at least {v['min_choices']}.")
        if "max_choices" in v and len(chosen) > v["max_choices"]:
            raise Invalid(f"Choose at most {v['max_choices']}.")
        return [item for item in allowed if item in chosen]  # in the options' order
    if type_ == QuestionType.DATE:
        day = _date(value)
        if ("min" in v and day < v["min"]) or ("max" in v and day > v["max"]):
            raise Invalid(f"Must be between {v.get('min', 'any day')} and {v.get('max', 'any day')}.")
        return day
    if type_ == QuestionType.DATETIME:
        return _datetime(value)
    if type_ == QuestionType.EMAIL:
        if not isinstance(value, str):
            raise Invalid("Must be an email address.")
        try:
            validate_email(value.strip())
        except ValidationError as exc:
            raise Invalid("Must be an email address.") from exc
        return value.strip()
    if type_ == QuestionType.PHONE:
        if not isinstance(value, str) or not PHONE.match(value.strip()) or sum(c.isdigit() for c in value) < 6:
            raise Invalid("Must be a phone number (digits, spaces, + ( ) - .; at least 6 digits).")
        return value.strip()
    if type_ == QuestionType.JSON:
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError as exc:
                raise Invalid("Must be valid JSON.") from exc
        return value
    raise Invalid(f"Unknown question type {type_}.")


def _datetime(value) -> str:
    """An instant with an explicit offset (or Z), stored in UTC: a naive time has no meaning here."""
    if not isinstance(value, str):
        raise Invalid("Must be an ISO 8601 date and time with an offset.")
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise Invalid("Must be an ISO 8601 date and time with an offset.") from exc
    if moment.tzinfo is None:
        raise Invalid("Must include an offset (e.g. Z or +10:00).")
    try:
        return utc_iso(moment)
    except OverflowError as exc:  # "0001-01-01T00:00:00+05:00" is before year 1 in UTC
        raise Invalid("Must be an ISO 8601 date and time with an offset.") from exc
