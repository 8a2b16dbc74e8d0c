"""Versioning (issue 9 point 2): changes to wording or slots make immutable versions; unchanged PUTs make none."""

from __future__ import annotations

import pytest

from questionnaires.models import QuestionnaireVersion, QuestionVersion
from questionnaires.services.questionnaires import questionnaire_update
from questionnaires.services.questions import question_update
from tests.questionnaires.factories import QuestionFactory, QuestionnaireFactory

pytestmark = pytest.mark.django_db


def test_changing_the_wording_makes_a_new_version_and_keeps_the_old_one():
    question = QuestionFactory(handle="colour", label="Favourite colour?", type="text")
    first = question.current_version

    question = question_update(question, label="Your favourite colour?")

    assert question.current_version.version == 2
    assert question.current_version.label == "Your favourite colour?"
    first.refresh_from_db()
    assert (first.version, first.label) == (1, "Favourite colour?")
    assert list(QuestionVersion.objects.filter(question=question).values_list("version", flat=True)) == [1, 2]


@pytest.mark.parametrize(
    "change",
    [
        {"help_text": "Pick one"},
        {"type": "textarea"},
        {"validation": {"max_length": 20}},
        {"default_value": "blue"},
    ],
)
def test_each_versioned_field_makes_a_version(change):
    question = QuestionFactory(type="text")
    question = question_update(question, **change)
    assert question.current_version.version == 2
    for name, value in change.items():
        assert getattr(question.current_version, name) == value


def test_the_same_content_again_makes_no_version():
    question = QuestionFactory(label="Name?", type="text", help_text="")
    question_update(question, label="Name?", type="text", help_text="", options=[], validation={})
    assert question.versions.count() == 1


def test_routing_changes_in_place_without_a_version():
    question = QuestionFactory(type="text")
    question = question_update(question, link_type="profile", link_target="attributes.shoe_size")
    assert question.versions.count() == 1
    assert (question.link_type, question.link_target) == ("profile", "attributes.shoe_size")


def test_a_broken_change_leaves_everything_as_it_was():
    question = QuestionFactory(type="slider", validation={"min": 0, "max": 10})
    with pytest.raises(Exception) as caught:
        question_update(question, validation={"min": 10, "max": 0}, name="renamed")
    assert caught.value.errors == {"validation.min": ["min must be less than max."]}
    question.refresh_from_db()
    assert (question.name, question.versions.count()) == ("", 1)


def test_changing_slots_makes_a_questionnaire_version_and_old_versions_stay():
    a, b = QuestionFactory(), QuestionFactory()
    form = QuestionnaireFactory(questions=[{"mapping_key": "a", "question_id": a.pk, "is_required": True}])
    v1 = form.current_version

    form = questionnaire_update(
        form, questions=[{"mapping_key": "a", "question_id": a.pk}, {"mapping_key": "b", "question_id": b.pk}]
    )

    assert form.current_version.version == 2
    assert [(s.mapping_key, s.is_required) for s in form.current_version.slots.order_by("sort_order")] == [
        ("a", False),
        ("b", False),
    ]
    assert [(s.mapping_key, s.is_required) for s in v1.slots.all()] == [("a", True)]


def test_the_same_slots_again_make_no_questionnaire_version():
    a = QuestionFactory()
    slots = [{"mapping_key": "a", "question_id": a.pk, "is_required": True}]
    form = QuestionnaireFactory(questions=slots)
    questionnaire_update(form, questions=slots, name="Renamed")
    assert QuestionnaireVersion.objects.filter(questionnaire=form).count() == 1


def test_a_new_question_version_is_not_picked_up_until_the_form_is_saved_again():
    question = QuestionFactory(label="Old?")
    form = QuestionnaireFactory(questions=[{"mapping_key": "q", "question_id": question.pk}])
    question_update(question, label="New?")
    assert form.current_version.slots.get().question_version.label == "Old?"
    form = questionnaire_update(form, questions=[{"mapping_key": "q", "question_id": question.pk}])
    assert (form.current_version.version, form.current_version.slots.get().question_version.label) == (2, "New?")


@pytest.mark.parametrize(
    ("slots", "errors"),
    [
        ([{"mapping_key": "a", "question_id": "Q"}, {"mapping_key": "a", "question_id": "Q"}],
         {"questions.1.mapping_key": ["mapping_key 'a' is used twice in this form."]}),
        ([{"mapping_key": "a", "question_id": 999999}],
         {"questions.0.question_id": ["Name an existing question (id or handle)."]}),
        ([{"mapping_key": "a", "question_id": "Q", "visibility_condition": {"==": [{"var": "b"}, 1]}},
          {"mapping_key": "b", "question_id": "Q"}],
         {"questions.0.visibility_condition": [
             "A condition may only read earlier answers; unknown or later keys: b."]}),
        ([{"mapping_key": "a", "question_id": "Q", "visibility_condition": ["x"]}],
         {"questions.0.visibility_condition": ["A JSON Logic object, or null."]}),
    ],
)  # fmt: skip
def test_bad_slots_are_refused(slots, errors):
    question = QuestionFactory()
    slots = [{**s, "question_id": question.pk if s["question_id"] == "Q" else s["question_id"]} for s in slots]
    with pytest.raises(Exception) as caught:
        QuestionnaireFactory(questions=slots)
    assert caught.value.errors == errors
