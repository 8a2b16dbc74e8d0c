"""Reads: the active form of a questionnaire in one query, answers for many owners at once, ratings."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Prefetch

from questionnaires.models import Answer, Questionnaire, QuestionnaireSlot, QuestionnaireVersion, Rating, Submission


@dataclass(frozen=True)
class Form:
    """One questionnaire version with its slots in order (each with its question version and question)."""

    version: QuestionnaireVersion
    slots: list[QuestionnaireSlot]

    @property
    def questionnaire(self) -> Questionnaire:
        return self.version.questionnaire


SLOT_RELATED = ("question_version__question", "version__questionnaire")


def active_form(questionnaire_id: int | None) -> Form | None:
    """The current version of an active questionnaire, or None (no id, inactive, missing, never versioned).

    One query when the version has slots: the slots joined to their version, questionnaire and question.
    """
    if questionnaire_id is None:
        return None
    slots = list(
        QuestionnaireSlot.objects.filter(
            version__questionnaire_id=questionnaire_id,
            version__questionnaire__is_active=True,
            version__questionnaire__current_version=F("version_id"),
        )
        .select_related(*SLOT_RELATED)
        .order_by("sort_order", "id")
    )
    if slots:
        return Form(slots[0].version, slots)
    version = (
        QuestionnaireVersion.objects.filter(
            questionnaire_id=questionnaire_id, questionnaire__is_active=True, questionnaire__current_version=F("pk")
        )
        .select_related("questionnaire")
        .first()
    )
    return Form(version, []) if version else None


def form_of_version(version_id: int) -> Form | None:
    version = QuestionnaireVersion.objects.select_related("questionnaire").filter(pk=version_id).first()
    if version is None:
        return None
    slots = list(version.slots.select_related("question_version__question").order_by("sort_order", "id"))
    return Form(version, slots)


def answers_prefetch() -> Prefetch:
    return Prefetch("answers", queryset=Answer.objects.select_related("slot", "question_version__question"))


def answer_text(answer: Answer) -> str:
    """An answer as a person reads it: option labels instead of values, Yes/No, lists joined, "—" for none."""
    value = answer.value
    if value is None or value == "" or value == []:
        return "—"
    labels = {option.get("value"): option.get("label") for option in answer.question_version.options or ()
              if isinstance(option, dict)}  # fmt: skip
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(str(labels.get(item, item)) for item in value)
    return str(labels.get(value, value))


def answers_by_appointment(appointment_ids) -> dict[int, list[Answer]]:
    """Each appointment's booking answers (as pinned), for many appointments in one query."""
    out: dict[int, list[Answer]] = {}
    rows = (
        Answer.objects.filter(submission__appointment_id__in=list(appointment_ids))
        .select_related("slot", "question_version__question", "submission")
        .order_by("submission_id", "slot__sort_order", "id")
    )
    for answer in rows:
        out.setdefault(answer.submission.appointment_id, []).append(answer)
    return out


def submissions_with_answers():
    return Submission.objects.select_related("questionnaire_version").prefetch_related(answers_prefetch())


def questionnaires_with_current():
    slots = QuestionnaireSlot.objects.select_related("question_version__question").order_by("sort_order", "id")
    return Questionnaire.objects.select_related("current_version").prefetch_related(
        Prefetch("current_version__slots", queryset=slots)
    )


def ratings():
    return Rating.objects.all()


def booking_form_prefetch(prefix: str = "booking_questionnaire__") -> Prefetch:
    """The current version's slots of a related questionnaire (select_related `<prefix>current_version` too)."""
    slots = QuestionnaireSlot.objects.select_related("question_version__question", "version").order_by(
        "sort_order", "id"
    )
    return Prefetch(f"{prefix}current_version__slots", queryset=slots)
