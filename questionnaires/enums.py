"""Choices of the questionnaires app (names and values from omneo-reference.md section 7)."""

from django.db import models


class QuestionType(models.TextChoices):
    TEXT = "text", "Text"
    TEXTAREA = "textarea", "Text area"
    NUMBER = "number", "Number"
    SLIDER = "slider", "Slider"
    BOOLEAN = "boolean", "Yes / no"
    SINGLE_SELECT = "single_select", "Single select"
    MULTI_SELECT = "multi_select", "Multi select"
    DATE = "date", "Date"
    DATETIME = "datetime", "Date and time"
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    JSON = "json", "JSON"


SELECT_TYPES = frozenset({QuestionType.SINGLE_SELECT, QuestionType.MULTI_SELECT})


class LinkType(models.TextChoices):
    """Where an answer is routed after the submission commits."""

    NONE = "none", "Not routed"
    PROFILE = "profile", "Profile field"
    RATING = "rating", "Rating"
    TRANSACTION = "transaction", "Transaction reference"


class WritePolicy(models.TextChoices):
    OVERWRITE = "overwrite", "Overwrite"
    IF_EMPTY = "if_empty", "Only if empty"


class Purpose(models.TextChoices):
    BOOKING = "booking", "Booking"
    GENERAL = "general", "General"
    WAITLIST = "waitlist", "Waitlist"
    WALK_IN = "walk_in", "Walk-in"
    PRE_VISIT = "pre_visit", "Pre-visit"
    POST_VISIT = "post_visit", "Post-visit"
    CANCELLATION = "cancellation", "Cancellation"
    PROFILE_ONBOARDING = "profile_onboarding", "Profile onboarding"
    INTERACTION = "interaction", "Interaction"
    SURVEY = "survey", "Survey"
    NPS = "nps", "NPS survey"
    CSAT = "csat", "CSAT survey"


class MappingStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    MAPPED = "mapped", "Mapped"
    SKIPPED = "skipped", "Skipped"
    FAILED = "failed", "Failed"


class RatingScale(models.TextChoices):
    NPS = "nps", "NPS (0-10)"
    CSAT = "csat", "CSAT (1-5)"


SCALE_RANGE = {RatingScale.NPS: (0, 10), RatingScale.CSAT: (1, 5)}
