"""A generic audit trail for actions that are not a state change of one domain row (docs/privacy.md "Audit").

Appointments, waitlist and queue entries keep their own event rows; this table records the rest: who did what to
which subject, when, with a small summary. Rows are only ever added.
"""

from __future__ import annotations

from django.db import models


class AuditRecord(models.Model):
    action = models.CharField(max_length=64, help_text='What was done, e.g. "profile.erase" or "profile.export".')
    actor = models.CharField(max_length=64, help_text='"user:<id>" in the console, "cli:<login>" from a command.')
    subject_type = models.CharField(max_length=32)
    subject_id = models.CharField(max_length=64)
    at = models.DateTimeField()
    data = models.JSONField(default=dict, blank=True, help_text="A summary: counts, never personal data.")

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "at"], name="audit_subject")]

    def __str__(self) -> str:
        # No ids: the console's page names the subject and the actor in words (AuditRecordAdmin).
        return f"{self.action} of a {self.subject_type.replace('_', ' ')}"
