"""Small console and command fixes of the front-desk issue: the favicon, the login page's site link, exports
without microseconds, and quiet progress bars."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from directory.roles import OPERATOR
from tests.console.conftest import console_user
from tests.factories import AppointmentFactory, DefinitionFactory, DefinitionLocationFactory, LocationFactory

pytestmark = pytest.mark.django_db

# 09:27:13.456789 AEDT on Wed 2 Dec 2026: a walk-in's start, with seconds and microseconds.
ODD_START = datetime(2026, 12, 1, 22, 27, 13, 456789, tzinfo=UTC)


def test_the_favicon_is_served_and_linked_from_every_console_page(client):
    icon = client.get("/favicon.ico")
    assert (icon.status_code, icon["Location"]) == (301, "/static/console/favicon.svg")
    login = client.get(reverse("admin:login")).content.decode()
    assert '<link rel="icon" href="/static/console/favicon.svg" type="image/svg+xml"' in login


def test_the_login_pages_site_link_opens_the_api_documentation(client):
    login = client.get(reverse("admin:login")).content.decode()
    assert re.search(r'href="/api/docs/"', login)
    assert 'href="/api/v3/"' not in login


@pytest.fixture
def melbourne_walk_in():
    location = LocationFactory(name="Melbourne CBD", handle="melbourne", timezone="Australia/Melbourne")
    definition = DefinitionFactory(name="Fitting", handle="fitting", duration_minutes=30)
    DefinitionLocationFactory(definition=definition, location=location)
    appointment = AppointmentFactory(definition=definition, location=location, scheduled_start_at=ODD_START)
    type(appointment).objects.filter(pk=appointment.pk).update(created_at=ODD_START)
    return appointment


def test_the_console_export_has_local_created_times_without_microseconds(melbourne_walk_in):
    client = Client()
    client.force_login(console_user("olive", OPERATOR))
    changelist = reverse("admin:appointments_appointment_changelist")
    form = client.post(changelist, {"action": "export_admin_action", "_selected_action": [melbourne_walk_in.pk]})
    csv_format = re.search(r'<option value="(\d+)"[^>]*>\s*csv\s*</option>', form.content.decode()).group(1)
    response = client.post(f"{changelist}export/", {"format": csv_format, "resource": "0",
                                                     "export_items": [melbourne_walk_in.pk]})  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(row["local_start"], row["created_at"]) for row in rows] == [
        ("2026-12-02 09:27", "2026-12-02 09:27:13 AEDT")
    ]


def test_export_appointments_writes_local_times_to_the_second(melbourne_walk_in):
    out = io.StringIO()
    call_command("export_appointments", "--from", "2026-12-02", "--to", "2026-12-02", stdout=out,
                 stderr=io.StringIO())  # fmt: skip
    (row,) = csv.DictReader(io.StringIO(out.getvalue()))
    assert (row["local_start"], row["local_end"], row["scheduled_start_at"]) == (
        "2026-12-02T09:27:13+11:00", "2026-12-02T09:57:13+11:00", "2026-12-01T22:27:13Z",
    )  # fmt: skip


def test_route_answers_with_nothing_to_do_prints_no_progress_bar(capfd):
    out = io.StringIO()
    call_command("route_answers", stdout=out)
    assert out.getvalue() == "0 answers: nothing to route\n"
    assert capfd.readouterr().err == ""
