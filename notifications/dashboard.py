"""The notifications card of the console dashboard: failed and overdue outbox rows."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from directory.admin_base import Card, dashboard_card
from notifications.models import Notification
from notifications.selectors import OVERDUE_AFTER, outbox_problems


@dashboard_card(section="Notifications", order=80)
def notification_cards(request, location, day) -> list[Card]:
    rows = Notification.objects.all()
    if location is not None:
        rows = rows.filter(location=location)
    counts = outbox_problems(rows, now=timezone.now())
    url = reverse("admin:notifications_notification_changelist")
    minutes = int(OVERDUE_AFTER.total_seconds() // 60)
    return [
        Card("Failed notifications", counts["failed"], f"{url}?status__exact=failed",
             "danger" if counts["failed"] else "success"),
        Card(f"Pending over {minutes} min past due", counts["overdue"], f"{url}?status__exact=pending",
             "warning" if counts["overdue"] else "success"),
    ]  # fmt: skip
