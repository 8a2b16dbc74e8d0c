"""Revoking or expiring a token takes effect on the very next request: nothing caches the token lookup.

Each case first uses the token (so anything that could cache it has seen it), then revokes or expires it the way
an operator or integration would, then checks the next request with the same client is a 401 with the envelope.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model

from directory.enums import Scope
from directory.models import ApiToken

LOCATIONS = "/api/v3/locations"
ME = "/api/v3/profiles/me"
START = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
UNAUTHENTICATED = {"message": "Invalid, expired or revoked token.", "code": "unauthenticated", "errors": {}}


def assert_401(response) -> None:
    assert response.status_code == 401, response.content
    assert response.json() == UNAUTHENTICATED
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.fixture
def console(client, db):
    """A superuser session in the console, which revokes tokens with the "Revoke selected tokens" action."""
    client.force_login(get_user_model().objects.create_superuser("boss", "boss@example.com", "pw"))
    return client


def console_revoke(console, token: ApiToken) -> None:
    response = console.post(
        "/admin/directory/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}, follow=False
    )
    assert response.status_code == 302, response.content


def client_for(kind, make_integration_client, make_customer_client, **kwargs):
    if kind == "integration":
        return make_integration_client(scopes=[Scope.LOCATIONS_READ], **kwargs), LOCATIONS
    return make_customer_client(**kwargs), ME


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["integration", "customer"])
class TestNextRequest:
    def test_revoked_in_the_console(self, kind, console, make_integration_client, make_customer_client):
        caller, url = client_for(kind, make_integration_client, make_customer_client)
        assert caller.get(url).status_code == 200

        console_revoke(console, caller.token)

        assert ApiToken.objects.get(pk=caller.token.pk).revoked_at is not None
        assert_401(caller.get(url))

    def test_expired_by_the_clock(self, kind, make_integration_client, make_customer_client):
        with time_machine.travel(START, tick=False) as traveller:
            caller, url = client_for(kind, make_integration_client, make_customer_client)
            caller.token.expires_at = START + timedelta(minutes=30)
            caller.token.save(update_fields=["expires_at"])
            traveller.move_to(START + timedelta(minutes=29, seconds=59))
            assert caller.get(url).status_code == 200

            traveller.move_to(START + timedelta(minutes=30))

            assert_401(caller.get(url))

    def test_expiry_brought_forward_in_the_console(self, kind, console, make_integration_client,
                                                   make_customer_client):  # fmt: skip
        caller, url = client_for(kind, make_integration_client, make_customer_client)
        with time_machine.travel(START, tick=True):
            assert caller.get(url).status_code == 200

            response = console.post(
                f"/admin/directory/apitoken/{caller.token.pk}/change/",
                {"expires_at_0": "2026-12-02", "expires_at_1": "08:59:00"},
            )

            assert response.status_code == 302, response.content
            assert ApiToken.objects.get(pk=caller.token.pk).expires_at == START - timedelta(minutes=1)
            assert_401(caller.get(url))


@pytest.mark.django_db
def test_revoked_customer_token_through_the_api_fails_on_the_next_request(api, customer):
    assert customer.get(ME).status_code == 200

    response = api.delete(f"/api/v3/profiles/{customer.profile.pk}/tokens/{customer.token.pk}")

    assert response.status_code == 204
    assert_401(customer.get(ME))
