"""Forms: a questionnaire with immutable versions, each an ordered list of slots over question versions."""

from __future__ import annotations

from django.db import models

from directory.models import TimestampedModel
from questionnaires.enums import Purpose


class Questionnaire(TimestampedModel):
    handle = models.CharField(max_length=255, unique=True)
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True, default="")
    purpose = models.CharField(max_length=32, choices=Purpose.choices, default=Purpose.GENERAL)
    is_active = models.BooleanField(default=True)
    meta = models.JSONField(null=True, blank=True)
    current_version = models.ForeignKey(
        "questionnaires.QuestionnaireVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class QuestionnaireVersion(models.Model):
    """One frozen form. Appointments and submissions pin it; it never changes."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["questionnaire_id", "version"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "version"], name="questionnaire_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} v{self.version}"


class QuestionnaireSlot(models.Model):
    """A question version placed in a form version (Omneo's "questionnaire question")."""

    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.CASCADE, related_name="slots")
    question_version = models.ForeignKey("questionnaires.QuestionVersion", on_delete=models.PROTECT, related_name="+")
    mapping_key = models.CharField(max_length=100)
    is_required = models.BooleanField(default=False)
    sort_order = models.IntegerField(default=0)
    page_title = models.CharField(max_length=255, blank=True, default="")
    page_description = models.TextField(blank=True, default="")
    visibility_condition = models.JSONField(null=True, blank=True, help_text="JSON Logic over earlier answers.")

    class Meta:
        ordering = ["version_id", "sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["version", "mapping_key"], name="slot_mapping_key_unique")]

    def __str__(self) -> str:
        return self.mapping_key

    CONTENT_FIELDS = (
        "mapping_key", "question_version_id", "is_required", "sort_order", "page_title", "page_description",
        "visibility_condition",
    )  # fmt: skip

    def content(self) -> dict:
        return {name: getattr(self, name) for name in self.CONTENT_FIELDS}
