"""Sending a notification email through Django's email backend: text, HTML and the event's attachment, if any."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

from notifications.channels.webhook import Outcome
from notifications.registry import Attachment


def send(
    *,
    to: str,
    subject: str,
    text: str,
    html: str,
    attachment: Attachment | None,
    notification_id: str,
    timeout: float,
) -> Outcome:
    """Send one email; a backend error is a failure to retry."""
    started = time.monotonic()
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[to],
        headers={"X-Notification-Id": notification_id},
        connection=get_connection(timeout=timeout),
    )  # fmt: skip
    message.attach_alternative(html, "text/html")
    if attachment is not None:
        message.attach(attachment.filename, attachment.content, attachment.mimetype)
    try:
        message.send()
    except Exception as exc:  # any backend (SMTP, socket, TLS) failure is retried the same way
        return Outcome(ok=False, error=f"{type(exc).__name__}: {exc}", duration_ms=_ms(started))
    return Outcome(ok=True, duration_ms=_ms(started))


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
