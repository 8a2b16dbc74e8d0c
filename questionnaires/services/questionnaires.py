"""Writes for questionnaires: a change to the slots makes a new immutable version."""

from __future__ import annotations

from django.db import transaction

from core.errors import ValidationFailed
from core.records import record_create, record_update
from questionnaires.models import Question, Questionnaire, QuestionnaireSlot, QuestionnaireVersion, QuestionVersion

SLOT_DEFAULTS = {"is_required": False, "page_title": "", "page_description": "", "visibility_condition": None}


def condition_keys(condition) -> set[str]:
    """The mapping keys a JSON Logic condition reads (`{"var": "key"}` or `{"var": ["key", default]}`)."""
    keys: set[str] = set()
    if isinstance(condition, dict):
        for op, args in condition.items():
            if op == "var":
                name = args[0] if isinstance(args, list) and args else args
                if isinstance(name, str) and name:
                    keys.add(name.split(".")[0])
            else:
                keys |= condition_keys(args)
    elif isinstance(condition, list):
        for item in condition:
            keys |= condition_keys(item)
    return keys


def flatten_slots(questions: list[dict] | None, pages: list[dict] | None) -> list[dict]:
    """Flat `questions` and grouped `pages` as one ordered list; pages carry their title onto their slots."""
    rows = [dict(q, _page=(0, 0)) for q in questions or ()]
    for index, page in enumerate(pages or ()):
        for q in page.get("questions") or ():
            rows.append(
                dict(
                    q,
                    page_title=page.get("title") or "",
                    page_description=page.get("description") or "",
                    _page=(1, page.get("sort_order") or 0, index),
                )
            )
    return rows


def _resolve(rows: list[dict]) -> list[dict]:
    """Each slot's question version (the one named, or the question's current one), in form order."""
    ordered = sorted(enumerate(rows), key=lambda item: (item[1]["_page"], item[1].get("sort_order") or 0, item[0]))
    handles = {row["question_handle"] for _, row in ordered if row.get("question_handle")}
    by_handle = {q.handle: q for q in Question.objects.filter(handle__in=handles)}
    ids = {row["question_id"] for _, row in ordered if row.get("question_id")}
    by_id = {q.pk: q for q in Question.objects.filter(pk__in=ids)}
    version_ids = {row["question_version_id"] for _, row in ordered if row.get("question_version_id")}
    versions = {v.pk: v for v in QuestionVersion.objects.filter(pk__in=version_ids)}
    slots, seen = [], set()
    for position, (index, row) in enumerate(ordered, start=1):
        where = f"questions.{index}"
        key = row.get("mapping_key")
        if not isinstance(key, str) or not key.strip():
            raise ValidationFailed.on(f"{where}.mapping_key", "Each question needs a mapping_key.")
        if key in seen:
            raise ValidationFailed.on(f"{where}.mapping_key", f"mapping_key '{key}' is used twice in this form.")
        question = by_id.get(row.get("question_id")) or by_handle.get(row.get("question_handle"))
        version = versions.get(row.get("question_version_id"))
        if row.get("question_version_id") and version is None:
            raise ValidationFailed.on(f"{where}.question_version_id", "The question version does not exist.")
        if version is None:
            if question is None:
                raise ValidationFailed.on(f"{where}.question_id", "Name an existing question (id or handle).")
            version_id = question.current_version_id
        else:
            if question is not None and version.question_id != question.pk:
                raise ValidationFailed.on(f"{where}.question_version_id", "That version is of another question.")
            version_id = version.pk
        condition = row.get("visibility_condition")
        if condition is not None:
            if not isinstance(condition, dict):
                raise ValidationFailed.on(f"{where}.visibility_condition", "A JSON Logic object, or null.")
            later = condition_keys(condition) - seen
            if later:
                raise ValidationFailed.on(
                    f"{where}.visibility_condition",
                    f"A condition may only read earlier answers; unknown or later keys: {', '.join(sorted(later))}.",
                )
        seen.add(key)
        slots.append(
            {
                "mapping_key": key,
                "question_version_id": version_id,
                "is_required": bool(row.get("is_required", False)),
                "sort_order": position,
                "page_title": row.get("page_title") or "",
                "page_description": row.get("page_description") or "",
                "visibility_condition": condition,
            }
        )
    return slots


def _new_version(questionnaire: Questionnaire, slots: list[dict]) -> QuestionnaireVersion:
    last = questionnaire.versions.order_by("-version").values_list("version", flat=True).first() or 0
    version = QuestionnaireVersion.objects.create(questionnaire=questionnaire, version=last + 1)
    QuestionnaireSlot.objects.bulk_create(QuestionnaireSlot(version=version, **slot) for slot in slots)
    questionnaire.current_version = version
    questionnaire.save(update_fields=["current_version", "updated_at"])
    return version


@transaction.atomic
def questionnaire_create(*, questions: list[dict] | None = None, pages: list[dict] | None = None, **fields):
    """Create a questionnaire and its first version from flat `questions` and/or `pages` of questions."""
    slots = _resolve(flatten_slots(questions, pages))
    questionnaire = record_create(Questionnaire, **fields)
    if slots:  # an empty form has no version yet: its first questions make version 1
        _new_version(questionnaire, slots)
    return questionnaire


@transaction.atomic
def questionnaire_update(questionnaire: Questionnaire, *, questions=None, pages=None, **fields) -> Questionnaire:
    """Change a questionnaire. Sending `questions`/`pages` that differ from the current version makes a new
    version; the same slots again make none. Old versions stay as they were."""
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    questionnaire = record_update(questionnaire, **fields)
    if questions is None and pages is None:
        return questionnaire
    slots = _resolve(flatten_slots(questions, pages))
    current = (
        [slot.content() for slot in questionnaire.current_version.slots.order_by("sort_order", "id")]
        if questionnaire.current_version_id
        else None
    )
    if current != slots and (current is not None or slots):
        _new_version(questionnaire, slots)
    return questionnaire
