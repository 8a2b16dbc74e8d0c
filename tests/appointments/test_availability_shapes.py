"""The availability answers are exactly what the OpenAPI schema documents (issue 17: each API shape written once).

A planted scenario at a Melbourne location: a staff-required definition on Mondays 10:00-12:00 with two staff
members, one of them booked at 10:00. The day, range and staff answers are compared byte for byte with
`availability_shapes.json` (the answers of the views before they used the serializers, key order included), and
every object's keys are compared with the fields its serializer declares, so the schema and the answer cannot
drift. (The key order of an answer is not the schema's property order: a JSON object is unordered, and both are
kept as they were.)
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from pathlib import Path
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest
import time_machine
from rest_framework import serializers

from appointments.api import serializers as s
from tests.factories import (
    AppointmentFactory,
    DefinitionFactory,
    DefinitionLocationFactory,
    DefinitionNormalHourFactory,
    LocationFactory,
    LocationNormalHourFactory,
    ProfileFactory,
    StaffAssignmentFactory,
)

pytestmark = pytest.mark.django_db

MELBOURNE = ZoneInfo("Australia/Melbourne")
DAY = date(2025, 6, 16)  # a Monday
NOW = datetime(2025, 6, 9, 0, 0, tzinfo=UTC)
BASE = "/api/v3/appointment-definitions"
ADA = UUID("0b8f5c2e-3d7a-4c1e-9f60-2a9d7c3e4b11")
BO = UUID("1c9a6d3f-4e8b-4d2f-8a71-3b0e8d4f5c22")
EXPECTED = json.loads((Path(__file__).parent / "availability_shapes.json").read_text())


@pytest.fixture
def planted():
    with time_machine.travel(NOW, tick=False):
        location = LocationFactory(name="Fitzroy", handle="fitzroy", timezone=MELBOURNE)
        for day in ("MON", "TUE", "WED", "THU", "FRI"):
            LocationNormalHourFactory(location=location, day_of_week=day, open_at=time(9), close_at=time(17))
        definition = DefinitionFactory(requires_staff=True, max_advance_days=60, min_lead_minutes=30)
        DefinitionNormalHourFactory(definition=definition, day_of_week="MON", available_from=time(10),
                                    available_until=time(12))  # fmt: skip
        DefinitionLocationFactory(definition=definition, location=location)
        ada = ProfileFactory(id=ADA, first_name="Ada", last_name="Ng", email="ada@example.com")
        bo = ProfileFactory(id=BO, first_name="Bo", last_name="", email="")
        for profile in (ada, bo):
            StaffAssignmentFactory(location=location, profile=profile)
        start = datetime.combine(DAY, time(10), tzinfo=MELBOURNE).astimezone(UTC)
        AppointmentFactory(definition=definition, location=location, scheduled_start_at=start, assigned_staff=ada)
        yield definition, location


def answer(client, definition, location, action: str, body: dict) -> str:
    with time_machine.travel(NOW, tick=False):
        response = client.post(f"{BASE}/{definition.pk}/{action}", {"location_id": location.pk, **body}, format="json")
    assert response.status_code == 200, response.content
    # Row ids differ from run to run: name them.
    text = response.content.decode()
    text = text.replace(f'"appointment_definition_id":{definition.pk},', '"appointment_definition_id":"<definition>",')
    text = text.replace(f'"location_id":{location.pk},', '"location_id":"<location>",')
    return text


def keys_match(value, serializer) -> None:
    """Every object of `value` has exactly the fields `serializer` declares, nested ones included."""
    if isinstance(serializer, serializers.ListSerializer):
        for item in value:
            keys_match(item, serializer.child)
        return
    fields = serializer.fields
    assert set(value) == set(fields), type(serializer).__name__
    for name, field in fields.items():
        if isinstance(field, serializers.BaseSerializer) and value[name] is not None:
            keys_match(value[name], field)


def test_day_answer_is_the_documented_shape(api, planted):
    definition, location = planted
    text = answer(api, definition, location, "available-slots", {"date": DAY.isoformat()})
    assert text == EXPECTED["day"]
    keys_match(json.loads(text), s.DaySlotsResponse())


def test_day_answer_for_a_staff_member(api, planted):
    definition, location = planted
    text = answer(api, definition, location, "available-slots", {"date": DAY.isoformat(), "staff_id": str(BO)})
    assert text == EXPECTED["day_staff"]
    keys_match(json.loads(text), s.DaySlotsResponse())


def test_closed_day_answer(api, planted):
    definition, location = planted
    text = answer(api, definition, location, "available-slots", {"date": "2025-06-17"})
    assert text == EXPECTED["day_closed"]
    keys_match(json.loads(text), s.DaySlotsResponse())


@pytest.mark.parametrize("sort", ["asc", "desc"])
def test_range_answer_is_the_documented_shape(api, planted, sort):
    definition, location = planted
    text = answer(api, definition, location, "available-slots-range",
                  {"start_date": "2025-06-15", "end_date": "2025-06-24", "sort": sort})  # fmt: skip
    assert text == EXPECTED[f"range_{sort}"]
    keys_match(json.loads(text), s.RangeSlotsResponse())


def test_range_answer_for_a_staff_member(api, planted):
    definition, location = planted
    text = answer(api, definition, location, "available-slots-range",
                  {"start_date": "2025-06-16", "end_date": "2025-06-17", "staff_id": str(ADA)})  # fmt: skip
    assert text == EXPECTED["range_staff"]
    keys_match(json.loads(text), s.RangeSlotsResponse())


@pytest.mark.parametrize("available_only", [False, True])
def test_staff_answer_is_the_documented_shape(api, planted, available_only):
    definition, location = planted
    text = answer(api, definition, location, "available-staff",
                  {"date": DAY.isoformat(), "available_only": available_only})  # fmt: skip
    assert text == EXPECTED[f"staff_{available_only}".lower()]
    keys_match(json.loads(text), s.AvailableStaffResponse())


def test_range_answer_indented_and_in_the_browsable_api_is_the_same_answer(api, planted):
    """The range's slots travel as JSON text (core.api.renderers.Fragment); an indented answer and the browsable
    API render them from their values instead, with the same content."""
    definition, location = planted
    body = {"location_id": location.pk, "start_date": "2025-06-15", "end_date": "2025-06-24"}
    path = f"{BASE}/{definition.pk}/available-slots-range"
    with time_machine.travel(NOW, tick=False):
        compact = api.post(path, body, format="json")
        indented = api.post(path, body, format="json", HTTP_ACCEPT="application/json; indent=2")
        page = api.post(path, body, format="json", HTTP_ACCEPT="text/html")
    assert compact.status_code == indented.status_code == page.status_code == 200
    assert json.loads(indented.content) == json.loads(compact.content)
    assert indented.content.startswith(b'{\n  "data": [\n    {\n      "time": "10:00",')
    assert page["Content-Type"].startswith("text/html")
    assert b"&quot;local_start_at&quot;: &quot;2025-06-16 10:00:00&quot;" in page.content
