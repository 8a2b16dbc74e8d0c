"""Answers in: validate them against a form version, write the submission, route it after commit."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.db import transaction
from django.utils import timezone

from core.errors import Forbidden, ValidationFailed
from core.jsonlogic import condition_holds
from directory.models import Location, Profile
from questionnaires.enums import MappingStatus
from questionnaires.models import Answer, QuestionnaireSlot, Submission
from questionnaires.selectors import Form
from questionnaires.services.routing import skipped_outright
from questionnaires.types import Invalid, clean_answer, is_empty

logger = logging.getLogger("questionnaires.submissions")

ROUTE_TASK = "questionnaires.route_submission"


@dataclass(frozen=True)
class CleanAnswer:
    slot: QuestionnaireSlot
    value: object


def is_visible(slot: QuestionnaireSlot, answers_so_far: dict) -> bool:
    """A question without a condition is shown; one whose condition cannot be evaluated is hidden."""
    return slot.visibility_condition is None or condition_holds(slot.visibility_condition, answers_so_far)


def clean_answers(form: Form, answers: list, *, field: str = "answers") -> list[CleanAnswer]:
    """Check `[{questionnaire_question_id, value}]` against the form version; errors keyed `answers.<key>`.

    Unknown ids, values of the wrong type or outside the options, and missing required *visible* answers are
    422s. Visibility is decided in form order over the answers given so far (by mapping key); answers to
    hidden questions are dropped, and hidden questions are never required.
    """
    if not isinstance(answers, list):
        raise ValidationFailed.on(field, "A list of {questionnaire_question_id, value} objects.")
    by_id = {slot.pk: slot for slot in form.slots}
    given: dict[int, object] = {}
    errors: dict[str, list[str]] = {}
    for index, item in enumerate(answers):
        slot_id = item.get("questionnaire_question_id") if isinstance(item, dict) else None
        slot = by_id.get(slot_id) if isinstance(slot_id, int) and not isinstance(slot_id, bool) else None
        if slot is None:
            errors[f"{field}.{index}.questionnaire_question_id"] = ["Not a question of this form's current version."]
        elif slot.pk in given:
            errors[f"{field}.{slot.mapping_key}"] = ["Answered twice."]
        else:
            given[slot.pk] = item.get("value")
    values: dict[str, object] = {}
    cleaned: list[CleanAnswer] = []
    for slot in form.slots:
        if not is_visible(slot, values):
            continue
        raw = given.get(slot.pk)
        if is_empty(raw):
            if slot.is_required:
                errors.setdefault(f"{field}.{slot.mapping_key}", ["This question is required."])
            continue
        version = slot.question_version
        try:
            value = clean_answer(version.type, version.options, version.validation, raw)
        except Invalid as exc:
            errors.setdefault(f"{field}.{slot.mapping_key}", [exc.message])
            continue
        values[slot.mapping_key] = value
        cleaned.append(CleanAnswer(slot, value))
    if errors:
        raise ValidationFailed(errors=errors)
    return cleaned


def submission_write(
    form: Form,
    cleaned: list[CleanAnswer],
    *,
    profile_id=None,
    location_id=None,
    appointment_id=None,
    context=None,
    now: datetime,
) -> Submission:
    """Write a submission and its answers (inside the caller's transaction); routing runs after it commits.

    Each answer keeps its question's routing as it is now, so later routing edits apply to future answers only.
    """
    submission = Submission.objects.create(
        questionnaire_version=form.version,
        profile_id=profile_id,
        location_id=location_id,
        appointment_id=appointment_id,
        context=context,
        submitted_at=now,
    )
    rows = []
    for item in cleaned:
        question = item.slot.question_version.question
        skipped = skipped_outright(question.link_type, item.value)
        outcome = {} if skipped is None else {"mapping_status": MappingStatus.SKIPPED, "mapping_error": skipped,
                                              "mapped_at": now}  # fmt: skip
        rows.append(
            Answer(
                submission=submission,
                slot=item.slot,
                question_version=item.slot.question_version,
                value=item.value,
                link_type=question.link_type,
                link_target=question.link_target,
                link_write_policy=question.link_write_policy,
                **outcome,
            )
        )
    submission.written_answers = Answer.objects.bulk_create(rows)
    if any(row.mapping_status == MappingStatus.PENDING for row in rows):
        transaction.on_commit(partial(dispatch_routing, submission.pk))
    return submission


def dispatch_routing(submission_id: int) -> None:
    """Hand the submission to the Celery routing task. A broker outage leaves the answers pending for
    `manage.py route_answers`; it never fails what was already committed, nor holds the request: one publish
    attempt and no result-backend subscription, as notifications.services.scheduling.enqueue_dispatch."""
    from celery import current_app

    try:
        current_app.tasks[ROUTE_TASK].apply_async((submission_id,), retry=False, ignore_result=True)
    except Exception:  # noqa: BLE001 - the answers are safe; the retry command picks them up
        logger.exception("could not queue routing of submission %s", submission_id)


@transaction.atomic
def submission_create(
    form: Form,
    answers: list,
    *,
    profile_id=None,
    location_id=None,
    context=None,
    customer_id=None,
    now: datetime | None = None,
) -> Submission:
    """A standalone submission (a survey). A customer token submits only for its own profile."""
    now = now or timezone.now()
    if customer_id is not None:
        if profile_id is not None and str(profile_id) != str(customer_id):
            raise Forbidden("A customer token can only submit for its own profile.")
        profile_id = customer_id
    elif profile_id is not None and not Profile.objects.filter(pk=profile_id).exists():
        raise ValidationFailed.on("profile_id", "The profile does not exist.")
    if location_id is not None and not Location.objects.filter(pk=location_id).exists():
        raise ValidationFailed.on("location_id", "The location does not exist.")
    cleaned = clean_answers(form, answers)
    return submission_write(form, cleaned, profile_id=profile_id, location_id=location_id, context=context, now=now)
