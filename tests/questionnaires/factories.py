"""Factories of the questionnaires app. Versions go through the services, as the API and admin write them."""

from __future__ import annotations

import factory

from questionnaires.enums import QuestionType
from questionnaires.models import Question, Questionnaire, Rating
from questionnaires.services.questionnaires import questionnaire_create
from questionnaires.services.questions import question_create


class QuestionFactory(factory.django.DjangoModelFactory):
    """A question with its first version (pass label, type, options, validation, default_value, link_*)."""

    class Meta:
        model = Question

    handle = factory.Sequence(lambda n: f"question-{n}")
    label = factory.Sequence(lambda n: f"Question {n}?")
    type = QuestionType.TEXT

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return question_create(**kwargs)


class QuestionnaireFactory(factory.django.DjangoModelFactory):
    """A questionnaire with a first version from `questions=[{mapping_key, question_id, ...}]`."""

    class Meta:
        model = Questionnaire

    handle = factory.Sequence(lambda n: f"form-{n}")
    name = factory.Sequence(lambda n: f"Form {n}")
    questions = factory.LazyFunction(list)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return questionnaire_create(**kwargs)


class RatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rating

    scale = "nps"
    score = 9
