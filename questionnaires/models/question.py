"""Reusable questions with immutable versions; routing lives on the question and is not versioned."""

from __future__ import annotations

from django.db import models

from directory.models import TimestampedModel
from questionnaires.enums import LinkType, QuestionType, WritePolicy


class Question(TimestampedModel):
    handle = models.CharField(max_length=255, unique=True)
    name = models.CharField(max_length=255, blank=True, default="")
    description = models.TextField(blank=True, default="")
    is_active = models.BooleanField(default=True)
    link_type = models.CharField(max_length=16, choices=LinkType.choices, default=LinkType.NONE)
    link_target = models.CharField(
        max_length=255, blank=True, default="", help_text="Profile field or attributes.<key>; nps/csat; a key."
    )
    link_write_policy = models.CharField(max_length=16, choices=WritePolicy.choices, default=WritePolicy.OVERWRITE)
    current_version = models.ForeignKey(
        "questionnaires.QuestionVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.handle


class QuestionVersion(models.Model):
    """What a respondent saw. Never changed once written: answers point at it."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    label = models.CharField(max_length=1000)
    help_text = models.TextField(blank=True, default="")
    type = models.CharField(max_length=16, choices=QuestionType.choices)
    options = models.JSONField(default=list, blank=True)
    validation = models.JSONField(default=dict, blank=True)
    default_value = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["question_id", "version"]
        constraints = [models.UniqueConstraint(fields=["question", "version"], name="question_version_unique")]

    def __str__(self) -> str:
        return f"{self.question_id} v{self.version}: {self.label}"

    VERSIONED_FIELDS = ("label", "help_text", "type", "options", "validation", "default_value")

    def content(self) -> dict:
        return {name: getattr(self, name) for name in self.VERSIONED_FIELDS}
