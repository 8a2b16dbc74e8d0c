"""Filled forms, their answers with each answer's routing outcome, and the ratings answers produce."""

from __future__ import annotations

from datetime import UTC, date

from django.db import models

from questionnaires.enums import LinkType, MappingStatus, RatingScale, WritePolicy


class Submission(models.Model):
    questionnaire_version = models.ForeignKey(
        "questionnaires.QuestionnaireVersion", on_delete=models.PROTECT, related_name="submissions"
    )
    profile = models.ForeignKey(
        "directory.Profile", on_delete=models.PROTECT, null=True, blank=True, related_name="submissions"
    )
    location = models.ForeignKey(
        "directory.Location", on_delete=models.PROTECT, null=True, blank=True, related_name="submissions"
    )
    # A plain id: this app never imports appointments (ARCHITECTURE.md).
    appointment_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    context = models.JSONField(null=True, blank=True)
    submitted_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["profile", "submitted_at"], name="submission_profile_at")]

    def __str__(self) -> str:
        return f"Submission #{self.pk}"


class Answer(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="answers")
    slot = models.ForeignKey("questionnaires.QuestionnaireSlot", on_delete=models.PROTECT, related_name="answers")
    question_version = models.ForeignKey(
        "questionnaires.QuestionVersion", on_delete=models.PROTECT, related_name="answers"
    )
    value = models.JSONField(null=True, blank=True)
    # The question's routing when the answer was given: editing the question reroutes future answers only.
    link_type = models.CharField(max_length=16, choices=LinkType.choices, default=LinkType.NONE)
    link_target = models.CharField(max_length=255, blank=True, default="")
    link_write_policy = models.CharField(max_length=16, choices=WritePolicy.choices, default=WritePolicy.OVERWRITE)
    mapping_status = models.CharField(max_length=16, choices=MappingStatus.choices, default=MappingStatus.PENDING)
    mapped_field = models.CharField(max_length=255, blank=True, default="")
    mapped_at = models.DateTimeField(null=True, blank=True)
    mapping_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["submission_id", "slot__sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["submission", "slot"], name="answer_one_per_slot")]
        indexes = [models.Index(fields=["mapping_status"], name="answer_mapping_status")]

    def __str__(self) -> str:
        return f"Answer to {self.slot.mapping_key}"  # the console's row shows the question and the answer in words


class Rating(models.Model):
    profile = models.ForeignKey(
        "directory.Profile", on_delete=models.PROTECT, null=True, blank=True, related_name="ratings"
    )
    location = models.ForeignKey(
        "directory.Location", on_delete=models.PROTECT, null=True, blank=True, related_name="ratings"
    )
    scale = models.CharField(max_length=8, choices=RatingScale.choices)
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True, default="")
    submission = models.ForeignKey(Submission, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # One rating per answer at most: re-running a route never rates twice.
    answer = models.OneToOneField(Answer, on_delete=models.SET_NULL, null=True, blank=True, related_name="rating")
    questionnaire_id = models.PositiveBigIntegerField(null=True, blank=True)
    rated_at = models.DateTimeField()
    # The local date of rated_at at the rating's location (UTC without one): reports group by it, cheaply.
    rated_on = models.DateField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-rated_at", "-id"]
        indexes = [
            # The NPS/CSAT report: one location, one scale, a range of local dates; read from the index alone.
            models.Index(fields=["location", "scale", "rated_on", "score"], name="rating_report"),
            models.Index(fields=["profile", "rated_at"], name="rating_profile_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scale="nps", score__lte=10) | models.Q(scale="csat", score__gte=1, score__lte=5),
                name="rating_score_in_scale",
            )
        ]

    def __str__(self) -> str:
        return f"{self.scale} {self.score}"

    def save(self, *args, **kwargs):
        if self.rated_on is None and self.rated_at is not None:
            self.rated_on = local_date(self.rated_at, self.location)
        super().save(*args, **kwargs)


def local_date(moment, location) -> date:
    """The date of an instant at a location (UTC when there is none)."""
    return moment.astimezone(location.timezone if location is not None else UTC).date()
