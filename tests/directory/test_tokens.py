"""API tokens: the profile token endpoints, the token services, and the commands that issue tokens."""

from __future__ import annotations

import hashlib
import re
import uuid
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from core.api.fields import OUT_OF_RANGE
from core.errors import ValidationFailed
from directory.enums import Scope, TokenKind
from directory.models import (
    ApiToken,
)
from directory.selectors import LAST_USED_RESOLUTION, token_authenticate
from directory.services.tokens import token_issue, token_revoke
from tests.conftest import BearerClient
from tests.factories import ProfileFactory

ISO_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
TOKEN_KEYS = {
    "id", "name", "kind", "prefix", "profile_id", "scopes", "expires_at", "revoked_at", "last_used_at", "created_at",
    "token",
}  # fmt: skip


def sha256(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def tokens_url(profile, token=None) -> str:
    base = f"/api/v3/profiles/{profile.id if hasattr(profile, 'id') else profile}/tokens"
    return base if token is None else f"{base}/{token.id if hasattr(token, 'id') else token}"


def stored_values(token: ApiToken) -> list[str]:
    return [str(getattr(token, f.attname)) for f in ApiToken._meta.concrete_fields]


# --- POST /profiles/{uuid}/tokens -----------------------------------------------------------------------------------


@pytest.mark.django_db
class TestIssueCustomerToken:
    def test_issue_returns_the_secret_once_and_stores_only_its_hash(self, api):
        profile = ProfileFactory()

        response = api.post(tokens_url(profile), {}, format="json")

        assert response.status_code == 201, response.content
        data = response.json()["data"]
        assert set(data) == TOKEN_KEYS
        token = ApiToken.objects.get(kind=TokenKind.CUSTOMER)
        raw = data["token"]
        assert data == {
            "id": token.id,
            "name": "customer app",
            "kind": "customer",
            "prefix": raw[:8],
            "profile_id": str(profile.id),
            "scopes": [],
            "expires_at": None,
            "revoked_at": None,
            "last_used_at": None,
            "created_at": data["created_at"],
            "token": raw,
        }
        assert isinstance(data["id"], int)
        assert ISO_Z.match(data["created_at"])
        assert raw.startswith("ck_") and len(raw) > 40
        assert token.key_hash == sha256(raw)
        assert raw not in stored_values(token)
        assert token.created_by == f"token:{api.token.id}"

    def test_name_and_expiry_can_be_given(self, api):
        profile = ProfileFactory()

        data = api.post(
            tokens_url(profile), {"name": "iOS app", "expires_at": "2030-01-01T10:00:00+10:00"}, format="json"
        ).json()["data"]

        assert (data["name"], data["expires_at"]) == ("iOS app", "2030-01-01T00:00:00Z")

    def test_bad_expiry_is_422(self, api):
        profile = ProfileFactory()

        response = api.post(tokens_url(profile), {"expires_at": "someday"}, format="json")

        assert response.status_code == 422
        assert set(response.json()["errors"]) == {"expires_at"}
        assert not ApiToken.objects.filter(kind=TokenKind.CUSTOMER).exists()

    @pytest.mark.parametrize(
        ("expires_at", "message"),
        [
            ("2020-01-01T00:00:00Z", "Must be in the future."),
            # Found by the schema fuzzer: year 111 was stored and printed as "111-03-18T15:12:13Z", not ISO 8601.
            ("0111-03-18T15:12:13Z", OUT_OF_RANGE),
        ],
    )
    def test_an_expiry_in_the_past_is_422(self, api, expires_at, message):
        response = api.post(tokens_url(ProfileFactory()), {"expires_at": expires_at}, format="json")

        assert response.status_code == 422
        assert response.json()["errors"] == {"expires_at": [message]}
        assert not ApiToken.objects.filter(kind=TokenKind.CUSTOMER).exists()

    def test_the_returned_token_acts_as_that_profile(self, api):
        profile = ProfileFactory()
        other = ProfileFactory()
        raw = api.post(tokens_url(profile), {}, format="json").json()["data"]["token"]
        client = BearerClient(raw)

        me = client.get("/api/v3/profiles/me")
        own = client.get(f"/api/v3/profiles/{profile.id}")

        assert me.status_code == own.status_code == 200
        assert me.json()["data"]["id"] == own.json()["data"]["id"] == str(profile.id)
        assert client.get(f"/api/v3/profiles/{other.id}").status_code == 404
        assert client.get("/api/v3/profiles").status_code == 403

    def test_customer_tokens_cannot_issue_tokens(self, customer):
        for url in (tokens_url(customer.profile), "/api/v3/profiles/me/tokens"):
            response = customer.post(url, {}, format="json")
            assert response.status_code == 403
            assert response.json()["code"] == "forbidden"
        assert ApiToken.objects.filter(kind=TokenKind.CUSTOMER).count() == 1

    def test_integration_needs_the_tokens_write_scope(self, make_integration_client):
        profile = ProfileFactory()
        without = make_integration_client(scopes=[Scope.PROFILES_WRITE])
        with_scope = make_integration_client(scopes=[Scope.TOKENS_WRITE])

        assert without.post(tokens_url(profile), {}, format="json").status_code == 403
        assert with_scope.post(tokens_url(profile), {}, format="json").status_code == 201

    def test_missing_profile_is_404(self, api):
        response = api.post(tokens_url(uuid.uuid4()), {}, format="json")

        assert response.status_code == 404
        assert not ApiToken.objects.filter(kind=TokenKind.CUSTOMER).exists()

    def test_me_is_404_for_integrations(self, api):
        assert api.post("/api/v3/profiles/me/tokens", {}, format="json").status_code == 404


# --- DELETE /profiles/{uuid}/tokens/{id} ----------------------------------------------------------------------------


@pytest.mark.django_db
class TestRevokeCustomerToken:
    def test_revoked_token_then_gets_401(self, api):
        profile = ProfileFactory()
        data = api.post(tokens_url(profile), {}, format="json").json()["data"]
        client = BearerClient(data["token"])
        assert client.get("/api/v3/profiles/me").status_code == 200

        response = api.delete(tokens_url(profile, data["id"]))

        assert response.status_code == 204
        assert response.content == b""
        after = client.get("/api/v3/profiles/me")
        assert after.status_code == 401
        assert after.json()["code"] == "unauthenticated"
        assert ApiToken.objects.get(pk=data["id"]).revoked_at is not None

    def test_revoking_again_keeps_the_first_time(self, api):
        profile = ProfileFactory()
        token_id = api.post(tokens_url(profile), {}, format="json").json()["data"]["id"]
        api.delete(tokens_url(profile, token_id))
        first = ApiToken.objects.get(pk=token_id).revoked_at

        assert api.delete(tokens_url(profile, token_id)).status_code == 204
        assert ApiToken.objects.get(pk=token_id).revoked_at == first

    def test_a_token_of_another_profile_is_404_and_stays_valid(self, api, customer):
        other = ProfileFactory()

        response = api.delete(tokens_url(other, customer.token))

        assert response.status_code == 404
        assert customer.get("/api/v3/profiles/me").status_code == 200

    def test_integration_tokens_cannot_be_revoked_through_a_profile(self, api, make_integration_client):
        profile = ProfileFactory()
        integration = make_integration_client()

        assert api.delete(tokens_url(profile, integration.token)).status_code == 404
        assert integration.get("/api/v3/locations").status_code == 200

    def test_customers_cannot_revoke(self, customer):
        assert customer.delete(tokens_url(customer.profile, customer.token)).status_code == 403
        assert customer.get("/api/v3/profiles/me").status_code == 200

    def test_missing_token_is_404(self, api):
        profile = ProfileFactory()

        assert api.delete(tokens_url(profile, 999999)).status_code == 404

    def test_deleting_the_profile_removes_its_tokens(self, api, customer):
        assert api.delete(f"/api/v3/profiles/{customer.profile.id}").status_code == 204

        assert customer.get("/api/v3/profiles/me").status_code == 401
        assert not ApiToken.objects.filter(kind=TokenKind.CUSTOMER).exists()


# --- services and selectors -----------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestTokenService:
    def test_issue_integration_token(self):
        token, raw = token_issue(name="pos", scopes=[Scope.LOCATIONS_READ, Scope.LOCATIONS_READ, Scope.PROFILES_READ])

        assert raw.startswith("ik_")
        assert token.kind == TokenKind.INTEGRATION
        assert token.prefix == raw[:8]
        assert token.key_hash == sha256(raw)
        assert token.scopes == ["locations:read", "profiles:read"]
        assert token.profile_id is None
        assert raw not in stored_values(ApiToken.objects.get())

    def test_every_token_gets_its_own_secret(self):
        raws = {token_issue(name=f"t{n}")[1] for n in range(5)}

        assert len(raws) == 5

    def test_issue_customer_token(self):
        profile = ProfileFactory()

        token, raw = token_issue(name="app", kind=TokenKind.CUSTOMER, profile=profile)

        assert raw.startswith("ck_")
        assert (token.kind, token.profile_id, token.scopes) == (TokenKind.CUSTOMER, profile.id, [])

    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [
            ({"scopes": ["everything"]}, "scopes"),
            ({"kind": TokenKind.CUSTOMER}, "profile_id"),
            ({"kind": TokenKind.CUSTOMER, "scopes": [Scope.ADMIN], "profile": "profile"}, "scopes"),
        ],
    )
    def test_issue_rejects_bad_requests(self, kwargs, field):
        if kwargs.get("profile") == "profile":
            kwargs["profile"] = ProfileFactory()

        with pytest.raises(ValidationFailed) as caught:
            token_issue(name="bad", **kwargs)

        assert list(caught.value.errors) == [field]
        assert not ApiToken.objects.exists()

    def test_revoke_is_idempotent(self):
        token, _ = token_issue(name="t")
        first = timezone.now() - timedelta(hours=1)

        token_revoke(token, now=first)
        token_revoke(token, now=timezone.now())

        token.refresh_from_db()
        assert token.revoked_at == first

    def test_authenticate(self):
        token, raw = token_issue(name="t")
        now = timezone.now()

        assert token_authenticate(raw, now=now) == token
        assert token_authenticate(raw + "x", now=now) is None
        assert token_authenticate("", now=now) is None

    def test_expired_or_revoked_tokens_do_not_authenticate(self):
        now = timezone.now()
        expiring, raw_expiring = token_issue(name="e", expires_at=now + timedelta(minutes=5))
        revoked, raw_revoked = token_issue(name="r")
        token_revoke(revoked, now=now)

        assert token_authenticate(raw_expiring, now=now + timedelta(minutes=4)) == expiring
        assert token_authenticate(raw_expiring, now=now + timedelta(minutes=5)) is None
        assert token_authenticate(raw_revoked, now=now) is None

    def test_last_used_at_is_written_at_most_once_a_minute(self):
        token, raw = token_issue(name="t")
        start = timezone.now()

        token_authenticate(raw, now=start)
        token_authenticate(raw, now=start + LAST_USED_RESOLUTION - timedelta(seconds=1))
        token.refresh_from_db()
        assert token.last_used_at == start

        token_authenticate(raw, now=start + LAST_USED_RESOLUTION)
        token.refresh_from_db()
        assert token.last_used_at == start + LAST_USED_RESOLUTION

    def test_api_use_records_last_used_at(self, api):
        assert api.token.last_used_at is None

        api.get("/api/v3/locations")

        api.token.refresh_from_db()
        assert api.token.last_used_at is not None


# --- create_api_token command ---------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestCreateApiTokenCommand:
    def test_prints_a_working_admin_token(self):
        out = StringIO()

        call_command("create_api_token", "ci", stdout=out)

        raw = out.getvalue().strip()
        token = ApiToken.objects.get()
        assert out.getvalue() == raw + "\n"
        assert (token.name, token.kind, token.scopes) == ("ci", TokenKind.INTEGRATION, ["admin"])
        assert token.created_by == "command:create_api_token"
        assert token.key_hash == sha256(raw)
        assert raw not in stored_values(token)
        assert BearerClient(raw).get("/api/v3/locations").status_code == 200

    def test_scopes_option(self):
        out = StringIO()

        call_command("create_api_token", "reader", "--scopes", "locations:read", "profiles:read", stdout=out)

        raw = out.getvalue().strip()
        assert ApiToken.objects.get().scopes == ["locations:read", "profiles:read"]
        client = BearerClient(raw)
        assert client.get("/api/v3/locations").status_code == 200
        assert client.post("/api/v3/locations", {"handle": "x", "name": "X", "timezone": "UTC"}).status_code == 403

    def test_unknown_scope_is_a_command_error(self):
        with pytest.raises(CommandError, match="Unknown scopes: nonsense"):
            call_command("create_api_token", "bad", "--scopes", "nonsense", stdout=StringIO())

        assert not ApiToken.objects.exists()
