"""Factories of the notifications app."""

from __future__ import annotations

from datetime import UTC, datetime

import factory

from notifications.enums import Channel


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "notifications.Target"

    name = factory.Sequence(lambda n: f"Target {n}")
    handle = factory.Sequence(lambda n: f"target-{n}")
    channel = Channel.WEBHOOK
    url = "http://127.0.0.1:9/hook"
    timeout_seconds = 5


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "notifications.Notification"

    key = factory.Sequence(lambda n: f"appointment:{n}:confirmed:0")
    subject_type = "appointment"
    subject_id = factory.Sequence(lambda n: str(n))
    event = "confirmed"
    target = factory.SubFactory(TargetFactory)
    due_at = datetime(2025, 6, 9, tzinfo=UTC)
    next_attempt_at = factory.SelfAttribute("due_at")
    context = factory.LazyFunction(
        lambda: {
            "summary": {"what": "Haircut", "where": "Collins St", "when": "2025-06-16 10:00",
                        "zone": "Australia/Melbourne"},
            "appointment": {"id": 1, "status": "confirmed", "scheduled_start_at": "2025-06-16T00:00:00Z",
                            "scheduled_end_at": "2025-06-16T00:30:00Z", "timezone": "Australia/Melbourne",
                            "local_start": "2025-06-16 10:00", "definition": {"id": 1, "name": "Haircut"},
                            "location": {"id": 1, "name": "Collins St"}},
            "profile": {"id": "p", "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"},
        }
    )  # fmt: skip
