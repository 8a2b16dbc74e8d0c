"""Choices of the visits app."""

from django.db import models


class VisitSource(models.TextChoices):
    MANUAL = "manual", "Manual"
    APPOINTMENT = "appointment", "Appointment"
    QUEUE = "queue", "Queue"
    IMPORT = "import", "Import"
