"""Visibility conditions (JSON Logic) for definitions and questionnaire questions: one evaluation rule."""

from __future__ import annotations

from json_logic import jsonLogic


def condition_holds(condition, data: dict) -> bool:
    """Whether a JSON Logic condition holds for `data`, with JSON Logic truthiness (an empty array is false).
    A condition that cannot be evaluated does not hold: a broken rule hides, it never breaks the caller."""
    try:
        result = jsonLogic(condition, data)
    except Exception:  # noqa: BLE001 - any evaluation error means "does not hold"
        return False
    return len(result) > 0 if isinstance(result, list) else bool(result)
