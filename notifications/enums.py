"""Choices of the notifications app."""

from django.db import models


class Channel(models.TextChoices):
    WEBHOOK = "webhook", "Webhook"
    EMAIL = "email", "Email"


class Event(models.TextChoices):
    CREATED = "created", "Created"
    CONFIRMED = "confirmed", "Confirmed"
    CANCELLED = "cancelled", "Cancelled"
    REJECTED = "rejected", "Rejected"
    COMPLETED = "completed", "Completed"
    REMINDER = "reminder", "Reminder"
    WAITLIST_OFFER = "waitlist_offer", "Waitlist offer"


class Status(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"
    SKIPPED = "skipped", "Skipped"


# Rows that may still be delivered; cancelling or moving applies only to these.
OPEN_STATUSES = (Status.PENDING, Status.SENDING)
# Events whose email carries an iCalendar attachment of the appointment.
CALENDAR_EVENTS = (Event.CREATED, Event.CONFIRMED, Event.REMINDER)
