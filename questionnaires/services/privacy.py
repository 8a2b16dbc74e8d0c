"""The questionnaires' part of erasing and exporting a person (docs/privacy.md).

Submissions, answers and ratings stay so that response counts and NPS/CSAT reports keep them. What is erased:
every free-text answer (any type but number, slider, yes/no and the selects), every answer routed to the profile
(it is profile data, whatever its type), the submission's context, rating comments, and routing errors (they may
quote the value). Answers routed to the profile and not yet routed are skipped, so routing never writes the erased
data back; the other routes (ratings) still run, so reports still count them.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet

from core.export import row
from questionnaires.enums import LinkType, MappingStatus, QuestionType
from questionnaires.models import Answer, Rating, Submission

# Answer types whose values are numbers or fixed choices, not the respondent's own words: kept for reports.
KEPT_TYPES = (QuestionType.NUMBER, QuestionType.SLIDER, QuestionType.BOOLEAN, QuestionType.SINGLE_SELECT,
              QuestionType.MULTI_SELECT)  # fmt: skip
ERASED_NOTE = "Not routed: the respondent's data was erased."


def submissions_of(profile_id, appointment_ids) -> QuerySet[Submission]:
    return Submission.objects.filter(Q(profile_id=profile_id) | Q(appointment_id__in=list(appointment_ids)))


def ratings_of(profile_id, submission_ids) -> QuerySet[Rating]:
    return Rating.objects.filter(Q(profile_id=profile_id) | Q(submission_id__in=list(submission_ids)))


def questionnaires_erase(profile_id, *, appointment_ids, now: datetime) -> dict[str, int]:
    submission_ids = list(submissions_of(profile_id, appointment_ids).values_list("pk", flat=True))
    Submission.objects.filter(pk__in=submission_ids).filter(context__isnull=False).update(context=None)
    answers = Answer.objects.filter(submission_id__in=submission_ids)
    # Routing to the profile would write erased values back; every other route (ratings above all) still runs.
    answers.filter(link_type=LinkType.PROFILE, mapping_status__in=(MappingStatus.PENDING, MappingStatus.FAILED)).update(
        mapping_status=MappingStatus.SKIPPED, mapping_error=ERASED_NOTE, updated_at=now
    )
    free_text = Q(link_type=LinkType.PROFILE) | ~Q(question_version__type__in=KEPT_TYPES)
    erased = answers.filter(free_text).filter(value__isnull=False).update(value=None, updated_at=now)
    answers.exclude(mapping_error__in=("", ERASED_NOTE)).update(mapping_error="", updated_at=now)
    comments = ratings_of(profile_id, submission_ids).exclude(comment="").update(comment="")
    return {"submissions": len(submission_ids), "answers_erased": erased, "rating_comments_erased": comments}


def questionnaires_export(profile_id, *, appointment_ids) -> dict:
    submissions = list(submissions_of(profile_id, appointment_ids).order_by("submitted_at", "id"))
    answers: dict[int, list[dict]] = {}
    for answer in Answer.objects.filter(submission__in=submissions).select_related("slot", "question_version"):
        answers.setdefault(answer.submission_id, []).append(
            {**row(answer), "mapping_key": answer.slot.mapping_key, "question": answer.question_version.label,
             "type": answer.question_version.type}
        )  # fmt: skip
    ratings = ratings_of(profile_id, [s.pk for s in submissions]).order_by("rated_at", "id")
    return {
        "submissions": [{**row(item), "answers": answers.get(item.pk, [])} for item in submissions],
        "ratings": [row(item) for item in ratings],
    }
