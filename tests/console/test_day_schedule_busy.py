"""The day schedule on a busy day: cards keep a readable width, what does not fit in three rows gathers in a
"+N more" list, and each definition without staff has its own lane."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from directory.roles import OPERATOR
from tests.console.conftest import console_user
from tests.factories import AppointmentFactory, DefinitionFactory, DefinitionLocationFactory, LocationFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)  # Wed 2 Dec 07:00 AEDT
NINE_AEDT = datetime(2026, 12, 1, 22, 0, tzinfo=UTC)


def test_a_busy_day_keeps_cards_readable_and_gives_each_pooled_definition_a_lane(login):
    location = LocationFactory(name="Melbourne CBD", timezone="Australia/Melbourne")
    fitting = DefinitionFactory(name="Fitting", duration_minutes=30, requires_staff=False)
    walk_in = DefinitionFactory(name="Walk-in", duration_minutes=1, requires_staff=False)
    for definition in (fitting, walk_in):
        DefinitionLocationFactory(definition=definition, location=location)
    # Five 30-minute fittings at 09:00, 09:10, ..., 09:40: at most three rows, the other two behind "+2 more".
    fittings = [
        AppointmentFactory(definition=fitting, location=location, scheduled_start_at=NINE_AEDT + timedelta(minutes=m))
        for m in range(0, 50, 10)
    ]  # fmt: skip
    # Two 1-minute walk-ins 20 minutes apart: each drawn 50 minutes wide, so the second goes below the first.
    walk_ins = [
        AppointmentFactory(definition=walk_in, location=location, scheduled_start_at=NINE_AEDT + timedelta(minutes=m))
        for m in (0, 20)
    ]  # fmt: skip
    client = login(console_user("olive", OPERATOR))
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("admin:appointments_appointment_day"), {"location": location.pk})
    lanes = {row["lane"].title: row for row in response.context["lanes"]}
    assert list(lanes) == ["No staff: Fitting", "No staff: Walk-in"]
    busy = lanes["No staff: Fitting"]
    assert [block["row"] for block in busy["blocks"]] == [0, 1, 2, None, None]
    assert busy["rows"] == 4
    assert [(group["count"], group["row"], [a.pk for a, _ in group["appointments"]]) for group in busy["more"]] == [
        (2, 3, [fittings[3].pk, fittings[4].pk])
    ]
    assert [block["row"] for block in lanes["No staff: Walk-in"]["blocks"]] == [0, 1]
    assert [b["appointment"].pk for b in lanes["No staff: Walk-in"]["blocks"]] == [w.pk for w in walk_ins]
    html = response.content.decode()
    assert "+2 more" in html
    assert "--card-min: 110px" in html
    assert html.count('class="appt ') == 5  # three fittings and two walk-ins drawn as cards
