"""Answer routing: after a submission commits, each answer is written to its destination and records how it went.

`answer_route` is the one service per answer (lock, re-read, no-op when already routed, write, record); the
Celery task and `manage.py route_answers` both call it. A failing destination rolls back only its own savepoint:
the answer stays, `failed`, with the error, and can be retried.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from directory.models import Profile
from questionnaires.enums import SCALE_RANGE, LinkType, MappingStatus, RatingScale, WritePolicy
from questionnaires.models import Answer, Rating
from questionnaires.routing import RouteSkipped, destination
from questionnaires.types import is_empty

logger = logging.getLogger("questionnaires.routing")

PROFILE_FIELDS = ("first_name", "last_name", "email", "mobile_phone")
ATTRIBUTES = "attributes."
DONE = (MappingStatus.MAPPED, MappingStatus.SKIPPED)


def skipped_outright(link_type: str, value) -> str | None:
    """The error an answer is skipped with before any destination runs ("" when its question routes nowhere,
    "No value to route." when it is empty), or None when it has to be routed. submission_write records these at
    once, so a submission that routes nothing sends no routing task."""
    if link_type == LinkType.NONE:
        return ""
    if is_empty(value):
        return "No value to route."
    return None


def answer_route(answer_id: int, *, now: datetime | None = None) -> Answer:
    """Route one answer to the destination its question named when it was given; record the outcome."""
    now = now or timezone.now()
    with transaction.atomic():
        answer = Answer.objects.select_for_update().get(pk=answer_id)
        if answer.mapping_status in DONE:
            return answer
        answer.mapping_error = ""
        skipped = skipped_outright(answer.link_type, answer.value)
        if skipped is not None:
            answer.mapping_status, answer.mapped_field, answer.mapping_error = MappingStatus.SKIPPED, "", skipped
        else:
            _run(answer, now)
        answer.mapped_at = now
        answer.save(update_fields=["mapping_status", "mapped_field", "mapped_at", "mapping_error", "updated_at"])
    return answer


def _run(answer: Answer, now: datetime) -> None:
    target = destination(answer.link_type)
    try:
        if target is None:
            raise LookupError(f"No destination is registered for link_type '{answer.link_type}'.")
        with transaction.atomic():
            answer.mapped_field = target.write(answer, answer.submission, now) or ""
        answer.mapping_status = MappingStatus.MAPPED
    except RouteSkipped as skipped:
        answer.mapping_status, answer.mapped_field, answer.mapping_error = (
            MappingStatus.SKIPPED, skipped.field, skipped.reason,
        )  # fmt: skip
    except Exception as exc:  # noqa: BLE001 - any failure is recorded on the answer, never lost
        logger.warning("answer %s failed to route: %s", answer.pk, exc)
        answer.mapping_status, answer.mapping_error = MappingStatus.FAILED, str(exc) or type(exc).__name__


def submission_route(submission_id: int, *, now: datetime | None = None) -> list[Answer]:
    """Route every answer of a submission that is not routed yet (the after-commit task)."""
    ids = (
        Answer.objects.filter(submission_id=submission_id).exclude(mapping_status__in=DONE).values_list("pk", flat=True)
    )
    return [answer_route(pk, now=now) for pk in list(ids)]


def answers_to_retry(*, failed_only: bool = False, since: datetime | None = None):
    """Answers a retry should route: failed ones, and (unless `failed_only`) those never routed."""
    statuses = [MappingStatus.FAILED] if failed_only else [MappingStatus.FAILED, MappingStatus.PENDING]
    queryset = Answer.objects.filter(mapping_status__in=statuses)
    if since is not None:
        queryset = queryset.filter(submission__submitted_at__gte=since)
    return queryset.order_by("id")


# Built-in destinations ----------------------------------------------------------------------------------------


def check_profile_target(target: str) -> str | None:
    if target in PROFILE_FIELDS or (target.startswith(ATTRIBUTES) and len(target) > len(ATTRIBUTES)):
        return None
    return f"A profile link_target is one of {', '.join(PROFILE_FIELDS)} or attributes.<key>."


def write_profile_field(answer: Answer, submission, now: datetime) -> str:
    """A Profile field or `attributes.<key>`, honouring overwrite / if_empty."""
    if submission.profile_id is None:
        raise ValueError("The submission has no profile to write to.")
    profile = Profile.objects.select_for_update().get(pk=submission.profile_id)
    target = answer.link_target
    if target.startswith(ATTRIBUTES):
        key = target[len(ATTRIBUTES) :]
        attributes = dict(profile.attributes or {})
        if answer.link_write_policy == WritePolicy.IF_EMPTY and not is_empty(attributes.get(key)):
            raise RouteSkipped(target, "The profile already has a value.")
        attributes[key] = answer.value
        profile.attributes = attributes
        profile.save(update_fields=["attributes", "updated_at"])
        return target
    if target not in PROFILE_FIELDS:
        raise ValueError(check_profile_target(target))
    if answer.link_write_policy == WritePolicy.IF_EMPTY and not is_empty(getattr(profile, target)):
        raise RouteSkipped(target, "The profile already has a value.")
    setattr(profile, target, "" if answer.value is None else str(answer.value))
    profile.full_clean(validate_unique=False, validate_constraints=False)
    profile.save(update_fields=[target, "updated_at"])
    return target


def check_rating_target(target: str) -> str | None:
    return None if target in RatingScale.values else f"A rating link_target is one of {', '.join(RatingScale.values)}."


def write_rating(answer: Answer, submission, now: datetime) -> str:
    """A Rating on the scale the question names, for the submission's profile and location (once per answer)."""
    scale = answer.link_target
    if scale not in RatingScale.values:
        raise ValueError(check_rating_target(scale))
    low, high = SCALE_RANGE[scale]
    score = answer.value
    if isinstance(score, bool) or not isinstance(score, int | float) or score != int(score):
        raise ValueError(f"A {scale} score is a whole number from {low} to {high}.")
    if not low <= score <= high:
        raise ValueError(f"A {scale} score is a whole number from {low} to {high}.")
    rating, _ = Rating.objects.get_or_create(
        answer=answer,
        defaults={
            "profile_id": submission.profile_id,
            "location_id": submission.location_id,
            "scale": scale,
            "score": int(score),
            "comment": _comment(submission),
            "submission": submission,
            "questionnaire_id": submission.questionnaire_version.questionnaire_id,
            "rated_at": submission.submitted_at,
        },
    )
    return f"rating:{rating.pk}"


def _comment(submission) -> str:
    """The submission's free-text answer keyed `comment`, if any: surveys ask "why?" beside the score."""
    value = submission.answers.filter(slot__mapping_key="comment").values_list("value", flat=True).first()
    return value if isinstance(value, str) else ""
