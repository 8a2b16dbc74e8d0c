"""Signed action links sent to customers (docs/customer-links.md).

A link's token is this row's random `key`, signed with a salt of its purpose (appointments/services/
customer_links.py): the token names nothing but a random string, and only this row ties it to an appointment or
a waitlist offer. One row per (subject, purpose) is reused by every message until it is used or expires.
"""

from __future__ import annotations

from django.db import models

from appointments.enums import LinkPurpose


class CustomerLink(models.Model):
    key = models.CharField(max_length=32, unique=True, editable=False, help_text="Random; signed into the token.")
    purpose = models.CharField(max_length=16, choices=LinkPurpose.choices)
    appointment = models.ForeignKey(
        "appointments.Appointment", on_delete=models.CASCADE, null=True, blank=True, related_name="customer_links"
    )
    offer = models.ForeignKey(
        "appointments.WaitlistOffer", on_delete=models.CASCADE, null=True, blank=True, related_name="customer_links"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when a one-time link (cancel, claim, decline) is used."
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["appointment", "purpose"], name="customer_link_appointment"),
            models.Index(fields=["offer", "purpose"], name="customer_link_offer"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(appointment__isnull=False, offer__isnull=True)
                | models.Q(appointment__isnull=True, offer__isnull=False),
                name="customer_link_one_subject",
            )
        ]

    def __str__(self) -> str:
        subject = f"appointment {self.appointment_id}" if self.appointment_id else f"offer {self.offer_id}"
        return f"{self.purpose} link for {subject}"
