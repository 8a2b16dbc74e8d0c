"""The operator console for questionnaires: question editor, form builder, submissions, ratings and NPS."""

from questionnaires.admin import forms_builder, questions, responses  # noqa: F401
