"""Visits (DOMAIN.md "Visits", API.md): the API, customer scoping, and one visit per arrival or served walk-in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from appointments.services.lifecycle import appointment_transition
from tests.factories import AppointmentFactory, LocationFactory, ProfileFactory
from tests.visits.factories import VisitFactory
from visits.models import Visit

pytestmark = pytest.mark.django_db

BASE = "/api/v3/visits"


def ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["data"]]


def test_create_reads_local_time_in_the_given_timezone_and_echoes_every_field(api):
    location = LocationFactory(timezone="Australia/Melbourne")
    staff = ProfileFactory()
    profile = ProfileFactory()
    body = {"visited_at": "2025-06-15 10:30:00", "timezone": "Australia/Melbourne", "location_id": location.pk,
            "staff_id": str(staff.pk), "profile_id": str(profile.pk), "external_id": "APPT-20250615-001",
            "tags": ["consultation"]}  # fmt: skip

    response = api.post(BASE, body, format="json")

    assert response.status_code == 201, response.json()
    data = response.json()["data"]
    assert data["visited_at"] == "2025-06-15T00:30:00Z"
    assert data["occurred_at"] == "2025-06-15T00:30:00Z"
    assert data["timezone"] == "Australia/Melbourne"
    assert data["source"] == "manual"
    assert data["tags"] == ["consultation"]
    assert data["profile_id"] == str(profile.pk)
    assert data["staff_id"] == str(staff.pk)
    assert data["appointment_id"] is None and data["queue_entry_id"] is None
    assert data["type"] is None and data["notes"] is None and data["duration_minutes"] is None
    assert data["location"] == {"id": location.pk, "name": location.name, "handle": location.handle,
                                "timezone": "Australia/Melbourne"}  # fmt: skip


def test_naive_time_without_timezone_is_local_to_the_location(api):
    location = LocationFactory(timezone="America/New_York")
    response = api.post(BASE, {"visited_at": "2025-01-15 09:00:00", "location_id": location.pk}, format="json")
    assert response.status_code == 201
    assert response.json()["data"]["visited_at"] == "2025-01-15T14:00:00Z"
    assert response.json()["data"]["timezone"] == "America/New_York"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"visited_at": "2025-06-15 10:30:00", "location_id": None}, "location_id"),
        ({"location_id": 999999, "visited_at": "2025-06-15 10:30:00"}, "location_id"),
        ({"visited_at": "yesterday"}, "visited_at"),
        ({"visited_at": "2025-06-15 10:30:00", "timezone": "Mars/Base"}, "timezone"),
        ({"visited_at": "2025-03-09 02:30:00", "timezone": "America/New_York"}, "visited_at"),
        ({"visited_at": "2025-06-15 10:30:00", "source": "telepathy"}, "source"),
        ({"visited_at": "2025-06-15 10:30:00", "duration_minutes": -1}, "duration_minutes"),
        ({"visited_at": "2025-06-15 10:30:00", "profile_id": "00000000-0000-0000-0000-000000000000"}, "profile_id"),
    ],
)
def test_bad_input_is_422_on_the_field_and_writes_nothing(api, body, field):
    location = LocationFactory()
    body = {"location_id": location.pk, **body}
    body = {key: value for key, value in body.items() if value is not None}
    response = api.post(BASE, body, format="json")
    assert response.status_code == 422
    assert set(response.json()) == {"message", "code", "errors"}
    assert field in response.json()["errors"]
    assert Visit.objects.count() == 0


def test_external_id_is_unique_per_source(api):
    location = LocationFactory()
    body = {"location_id": location.pk, "visited_at": "2025-06-15 10:30:00", "external_id": "POS-1"}
    assert api.post(BASE, body, format="json").status_code == 201
    again = api.post(BASE, body, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate_external_id"
    assert api.post(BASE, {**body, "source": "import"}, format="json").status_code == 201
    assert Visit.objects.count() == 2


def test_update_changes_only_what_is_sent_and_delete_removes(api):
    visit = VisitFactory(tags=["a"], notes="kept")
    response = api.put(f"{BASE}/{visit.pk}", {"tags": ["consultation", "vip"]}, format="json")
    assert response.status_code == 200
    assert response.json()["data"]["tags"] == ["consultation", "vip"]
    assert response.json()["data"]["notes"] == "kept"
    assert api.delete(f"{BASE}/{visit.pk}").status_code == 204
    assert api.get(f"{BASE}/{visit.pk}").status_code == 404


def test_filters_and_sort(api):
    location = LocationFactory()
    early = VisitFactory(location=location, visited_at=datetime(2025, 1, 1, tzinfo=UTC), source="import")
    late = VisitFactory(location=location, visited_at=datetime(2025, 2, 1, tzinfo=UTC))
    VisitFactory()
    assert ids(api.get(f"{BASE}?filter[location_id]={location.pk}&sort=visited_at")) == [early.pk, late.pk]
    assert ids(api.get(f"{BASE}?filter[source]=import")) == [early.pk]
    assert ids(api.get(f"{BASE}?filter[visited_at][gte]=2025-01-15T00:00:00Z&filter[location_id]={location.pk}")) == [
        late.pk
    ]
    assert api.get(f"{BASE}?filter[colour]=red").status_code == 422
    assert api.get(f"{BASE}?sort=colour").status_code == 422


def test_profile_routes_are_scoped_to_the_profile(api):
    profile = ProfileFactory()
    own = VisitFactory(profile=profile)
    VisitFactory(profile=ProfileFactory())
    assert ids(api.get(f"/api/v3/profiles/{profile.pk}/visits")) == [own.pk]
    created = api.post(f"/api/v3/profiles/{profile.pk}/visits",
                       {"location_id": own.location_id, "visited_at": "2025-06-15 10:30:00"}, format="json")  # fmt: skip
    assert created.status_code == 201
    assert created.json()["data"]["profile_id"] == str(profile.pk)


def test_customers_read_only_their_own_visits(make_customer_client):
    client = make_customer_client()
    own = VisitFactory(profile=client.profile)
    theirs = VisitFactory(profile=ProfileFactory())
    assert ids(client.get(BASE)) == [own.pk]
    assert ids(client.get("/api/v3/profiles/me/visits")) == [own.pk]
    assert client.get(f"{BASE}/{theirs.pk}").status_code == 404
    assert client.get(f"/api/v3/profiles/{theirs.profile_id}/visits").status_code == 404
    assert client.post(BASE, {"location_id": own.location_id, "visited_at": "2025-06-15 10:30:00"},
                       format="json").status_code == 403  # fmt: skip


@pytest.mark.parametrize("count", [1, 30])
def test_list_runs_a_constant_number_of_queries(api, count, django_assert_num_queries):
    api.get(BASE)
    for _ in range(count):
        VisitFactory(profile=ProfileFactory(), staff=ProfileFactory())
    with django_assert_num_queries(3):  # token, count, page
        response = api.get(f"{BASE}?page[size]=100")
    assert len(response.json()["data"]) == count


def test_arrival_records_exactly_one_visit_however_often_repeated():
    now = datetime(2025, 6, 16, 1, 0, tzinfo=UTC)
    # Check-in is allowed from an hour before the start, on its local date (docs/api-guide-notes.md).
    appointment = AppointmentFactory(status="confirmed", scheduled_start_at=now + timedelta(minutes=30))

    appointment_transition(appointment_id=appointment.pk, to="arrived", actor="token:1", now=now)
    appointment_transition(appointment_id=appointment.pk, to="arrived", actor="token:1", now=now)

    visit = Visit.objects.get()
    assert (visit.source, visit.appointment_id, visit.location_id, visit.profile_id, visit.visited_at) == (
        "appointment", appointment.pk, appointment.location_id, appointment.profile_id, now,
    )  # fmt: skip
