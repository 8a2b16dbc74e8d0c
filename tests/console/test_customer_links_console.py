"""The appointment page shows which customer links went out in which messages and when they were used
(docs/customer-links.md "In the console")."""

from __future__ import annotations

import html
import re
from urllib.parse import urlparse

import pytest
import time_machine
from django.test import Client

from notifications.models import Notification
from notifications.services.dispatch import dispatch_due
from tests.appointments.link_world import DAY, NOW, book, local, make_shop
from tests.notifications.conftest import smtp_server  # noqa: F401  (a real local SMTP server)

pytestmark = pytest.mark.django_db


def cells(page: str, label: str) -> list[str]:
    """The text of an inline column's cells, by the column's label."""
    found = re.findall(rf'data-label="{re.escape(label)}">(.*?)</td>', page, flags=re.DOTALL)
    return [html.unescape(" ".join(re.sub(r"<[^>]+>", " ", cell).split())) for cell in found]


def test_the_appointment_page_lists_links_sent_and_used(operator_client, smtp_server):  # noqa: F811
    with time_machine.travel(NOW, tick=False):
        shop = make_shop()
        appointment = book(shop, 10)
        dispatch_due(now=NOW)
        links = Notification.objects.get(subject_id=str(appointment.pk), event="created").context["links"]
        moved = Client().post(urlparse(links["reschedule"]).path, {"slot": local(DAY, 11).isoformat()})
        assert moved.status_code == 200

    page = operator_client.get(f"/admin/appointments/appointment/{appointment.pk}/change/").content.decode()

    assert "Customer links" in page
    target = shop.definition.created_target.name
    sent = f"created ({target}, sent 09 Jun 2025 10:00 AEST); confirmed ({target}, sent 09 Jun 2025 10:00 AEST); "
    assert cells(page, "purpose") == ["View", "Reschedule", "Cancel", "Add to calendar"]
    assert cells(page, "Sent in") == [sent + f"reminder ({target}, pending)"] * 4
    assert cells(page, "Used (local)") == [
        "—",
        "09 Jun 2025 10:00 AEST (moved 16 Jun 10:00 \u2192 16 Jun 11:00)",
        "—",
        "—",
    ]
    assert cells(page, "Works until (local)") == ["16 Jul 2025 11:30 AEST"] * 4
    assert links["reschedule"].split("/my/")[1].split("/")[0] not in page  # the token itself is never shown
