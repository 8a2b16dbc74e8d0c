"""Choices of the notifications app."""

from django.db import models


class Channel(models.TextChoices):
    WEBHOOK = "webhook", "Webhook"
    EMAIL = "email", "Email"


class Status(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"
    SKIPPED = "skipped", "Skipped"


# Rows that may still be delivered; cancelling or moving applies only to these.
OPEN_STATUSES = (Status.PENDING, Status.SENDING)
