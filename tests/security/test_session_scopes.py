"""Console sessions in the API: scopes from the role, CSRF on writes, no scopes for location-limited users
(docs/api.md "Authorization"); and the matrix's leak detector really finds B's data."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from directory.models import Location, OperatorAccess
from directory.roles import MANAGER, OPERATOR, staff_api_scopes
from tests.factories import LocationFactory
from tests.security.matrix_setup import B_EMAIL, B_IDS, SessionClient, console_user, plant

pytestmark = pytest.mark.django_db


def envelope_of(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"message", "code", "errors"}
    assert body["code"] == code
    return body


def test_roles_map_to_scopes():
    assert staff_api_scopes(console_user("olive", OPERATOR)) == {"locations:read", "profiles:read", "appointments:read"}
    assert staff_api_scopes(console_user("max", MANAGER)) == {"admin"}
    assert staff_api_scopes(User.objects.create(username="norole", is_staff=True)) == frozenset()
    assert staff_api_scopes(User.objects.create(username="root", is_staff=True, is_superuser=True)) == {"admin"}
    assert staff_api_scopes(User.objects.create(username="customer", is_staff=False, is_superuser=True)) == frozenset()


def test_operator_session_reads_but_cannot_delete_a_location():
    location = LocationFactory()
    client = SessionClient(console_user("olive", OPERATOR))

    assert client.get(f"/api/v3/locations/{location.pk}").status_code == 200
    envelope_of(client.delete(f"/api/v3/locations/{location.pk}"), 403, "forbidden")
    assert Location.objects.filter(pk=location.pk).exists()


def test_manager_session_write_needs_the_csrf_token():
    location = LocationFactory()
    client = SessionClient(console_user("max", MANAGER))

    body = envelope_of(client.delete(f"/api/v3/locations/{location.pk}", HTTP_X_CSRFTOKEN=""), 403, "forbidden")
    assert "CSRF" in body["message"]
    assert Location.objects.filter(pk=location.pk).exists()

    assert client.delete(f"/api/v3/locations/{location.pk}").status_code == 204
    assert not Location.objects.filter(pk=location.pk).exists()


@pytest.mark.parametrize("role", [OPERATOR, MANAGER])
def test_location_limited_user_gets_no_api_scope(role):
    mine = LocationFactory()
    user = console_user("limited", role)
    OperatorAccess.objects.create(user=user).locations.set([mine])
    client = SessionClient(user)

    envelope_of(client.get("/api/v3/locations"), 403, "forbidden")
    envelope_of(client.get(f"/api/v3/locations/{mine.pk}"), 403, "forbidden")


def test_staff_user_without_a_role_is_403():
    client = SessionClient(User.objects.create(username="norole", is_staff=True))

    envelope_of(client.get("/api/v3/appointments"), 403, "forbidden")


def test_superuser_session_has_the_admin_scope():
    client = SessionClient(User.objects.create(username="root", is_staff=True, is_superuser=True))

    assert client.get("/api/v3/targets").status_code == 200


def test_leak_detector_finds_b_in_what_staff_may_see():
    world = plant()
    response = world.clients["write"].get(f"/api/v3/appointments/{B_IDS['appointment']}")

    assert response.status_code == 200
    assert set(world.b_leaks(response.content)) >= {str(world.b_profile.pk), B_EMAIL, str(B_IDS["appointment"])}
    assert world.b_leaks(world.clients["cust_a"].get(f"/api/v3/appointments/{B_IDS['appointment']}").content) == []
