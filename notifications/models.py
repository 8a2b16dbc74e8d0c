"""Targets (where notifications go), the outbox (what is due to go there) and the attempt log."""

from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from directory.models import TimestampedModel
from notifications.enums import Channel, Status
from notifications.registry import event_choices


class Target(TimestampedModel):
    """A webhook URL or an email recipient, with the templates that render what is sent."""

    name = models.CharField(max_length=255)
    handle = models.SlugField(max_length=255, unique=True)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    url = models.URLField(max_length=1000, blank=True, default="", help_text="Webhook targets: where to POST.")
    email = models.EmailField(
        blank=True,
        default="",
        help_text="Email targets: the address; empty means the person the message is about (the context's profile).",
    )
    subject_template = models.CharField(max_length=500, blank=True, default="", help_text="Email subject.")
    body_template = models.TextField(
        blank=True, default="", help_text="Webhook JSON body or email text; empty means the documented default."
    )
    secret = models.CharField(max_length=255, blank=True, default="", help_text="Signs webhook bodies (HMAC-SHA256).")
    timeout_seconds = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.channel})"


class Notification(TimestampedModel):
    """One outbox row: an event about a subject, due at a time, to one target, with the context it renders."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False, help_text="Sent as X-Notification-Id.")
    key = models.CharField(max_length=255, unique=True, help_text="Schedules the same event once.")
    subject_type = models.CharField(max_length=32)
    subject_id = models.CharField(max_length=64)
    location = models.ForeignKey(
        "directory.Location", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    event = models.CharField(max_length=32, choices=event_choices)  # the registered events (notifications.registry)
    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="notifications")
    due_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(help_text="When a pending row may next be claimed.")
    lease_until = models.DateTimeField(null=True, blank=True, help_text="A sending row is reclaimed after this.")
    claim = models.UUIDField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    context = models.JSONField(default=dict)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notification_due"),
            models.Index(fields=["subject_type", "subject_id"], name="notification_subject"),
        ]

    def __str__(self) -> str:
        # "Confirmed: appointment 6, to Front desk webhook (webhook)"; the console links the subject in words.
        return f"{self.get_event_display()}: {self.subject_type} {self.subject_id}, to {self.target}"


class DeliveryAttempt(models.Model):
    """One try at sending a notification: when, how long, and what came back."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="delivery_attempts")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="delivery_attempts")
    at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True, default="")
    ok = models.BooleanField(default=False)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"Attempt of notification {self.notification_id} at {self.at:%Y-%m-%d %H:%M:%S} UTC"
