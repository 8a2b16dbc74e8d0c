"""Writes for questions: a change to what the respondent sees makes a new immutable version."""

from __future__ import annotations

from django.db import transaction

from core.errors import ValidationFailed
from core.records import record_create, record_update
from questionnaires.enums import LinkType
from questionnaires.models import Question, QuestionVersion
from questionnaires.routing import destination
from questionnaires.types import Invalid, check_version

VERSIONED = QuestionVersion.VERSIONED_FIELDS


def _checked_content(content: dict) -> dict:
    try:
        options, validation = check_version(
            content["type"], content.get("options"), content.get("validation"), content.get("default_value")
        )
    except Invalid as exc:
        raise ValidationFailed(errors=exc.errors) from exc
    if not (content.get("label") or "").strip():
        raise ValidationFailed.on("label", "A question needs a label.")
    return {**content, "options": options, "validation": validation, "help_text": content.get("help_text") or ""}


def _check_routing(question: Question) -> None:
    if question.link_type == LinkType.NONE:
        return
    target = destination(question.link_type)
    if target is None:
        raise ValidationFailed.on("link_type", f"Answers cannot be routed to '{question.link_type}' here.")
    message = target.check_target(question.link_target or "")
    if message:
        raise ValidationFailed.on("link_target", message)


def _new_version(question: Question, content: dict) -> QuestionVersion:
    last = question.versions.order_by("-version").values_list("version", flat=True).first() or 0
    version = QuestionVersion.objects.create(question=question, version=last + 1, **content)
    question.current_version = version
    question.save(update_fields=["current_version", "updated_at"])
    return version


@transaction.atomic
def question_create(**fields) -> Question:
    """Create a question and its first version (label, help_text, type, options, validation, default_value)."""
    content = _checked_content({name: fields.pop(name) for name in VERSIONED if name in fields})
    question = record_create(Question, **fields)
    _check_routing(question)
    _new_version(question, content)
    return question


@transaction.atomic
def question_update(question: Question, **fields) -> Question:
    """Change a question. New wording, type, options, validation or default make a new version; an unchanged
    PUT makes none. Routing fields change in place and apply to answers given from now on."""
    question = Question.objects.select_for_update(of=("self",)).select_related("current_version").get(pk=question.pk)
    changes = {name: fields.pop(name) for name in VERSIONED if name in fields}
    question = record_update(question, **fields)
    _check_routing(question)
    current = question.current_version
    if changes:
        content = _checked_content({**(current.content() if current else {}), **changes})
        if current is None or content != current.content():
            _new_version(question, content)
    return question
