"""Throttling: one budget per token, customer tokens on their own rate, shared between processes through the cache.

The Redis tests need CACHE_URL=redis://...; the rest run on any cache (per-process memory by default).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings

from core.api.throttling import TokenRateThrottle
from tests.conftest import BearerClient

BASE_DIR = Path(__file__).resolve().parents[2]
LOCATIONS = "/api/v3/locations"
ME = "/api/v3/profiles/me"


def rates(monkeypatch, token: str, customer: str) -> None:
    """DRF reads the rates once, at import, into the class attribute: patch that."""
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": token, "customer": customer})


def assert_throttled(response, retry_after: int | None = None) -> None:
    assert response.status_code == 429, response.content
    assert response.json() == {"message": "Too many requests.", "code": "throttled", "errors": {}}
    if retry_after is None:
        assert int(response["Retry-After"]) >= 1
    else:
        assert response["Retry-After"] == str(retry_after)


def same_token_client(client: BearerClient) -> BearerClient:
    """A second, separate client object holding the same secret."""
    other = BearerClient(client._credentials["HTTP_AUTHORIZATION"].removeprefix("Bearer "))
    assert other is not client and other._credentials == client._credentials
    return other


def statuses(client, url: str, count: int) -> list[int]:
    return [client.get(url).status_code for _ in range(count)]


@pytest.mark.django_db
class TestRates:
    def test_integration_tokens_get_api_rate_limit(self, monkeypatch, api):
        rates(monkeypatch, token="3/min", customer="1/min")

        assert statuses(api, LOCATIONS, 3) == [200, 200, 200]
        assert_throttled(api.get(LOCATIONS))

    def test_customer_tokens_get_api_customer_rate_limit(self, monkeypatch, customer):
        rates(monkeypatch, token="5/min", customer="2/min")

        assert statuses(customer, ME, 2) == [200, 200]
        assert_throttled(customer.get(ME))

    def test_retry_after_is_the_rest_of_the_window_and_the_next_window_is_open(self, monkeypatch, api):
        rates(monkeypatch, token="1/min", customer="1/min")
        with time_machine.travel(datetime(2026, 12, 2, 9, 0, 15, tzinfo=UTC), tick=False) as traveller:
            assert api.get(LOCATIONS).status_code == 200
            assert_throttled(api.get(LOCATIONS), retry_after=45)

            traveller.move_to(datetime(2026, 12, 2, 9, 0, 59, tzinfo=UTC))
            assert_throttled(api.get(LOCATIONS), retry_after=1)

            traveller.shift(timedelta(seconds=1))
            assert api.get(LOCATIONS).status_code == 200


@pytest.mark.django_db
class TestPerToken:
    def test_two_clients_with_the_same_token_share_one_budget(self, monkeypatch, make_integration_client):
        rates(monkeypatch, token="2/min", customer="2/min")
        first = make_integration_client()
        second = same_token_client(first)

        assert first.get(LOCATIONS).status_code == 200
        assert second.get(LOCATIONS).status_code == 200
        assert_throttled(first.get(LOCATIONS))
        assert_throttled(second.get(LOCATIONS))

    def test_another_integration_token_keeps_its_own_budget(self, monkeypatch, api, make_integration_client):
        rates(monkeypatch, token="2/min", customer="2/min")
        other = make_integration_client()
        statuses(api, LOCATIONS, 2)

        assert_throttled(api.get(LOCATIONS))
        assert statuses(other, LOCATIONS, 2) == [200, 200]
        assert_throttled(other.get(LOCATIONS))

    def test_two_customer_tokens_of_one_profile_have_separate_budgets(self, monkeypatch, make_customer_client):
        rates(monkeypatch, token="5/min", customer="1/min")
        phone = make_customer_client()
        tablet = make_customer_client(profile=phone.profile)

        assert phone.get(ME).status_code == 200
        assert_throttled(phone.get(ME))
        assert tablet.get(ME).status_code == 200
        assert_throttled(tablet.get(ME))

    def test_a_customer_using_up_its_budget_leaves_the_integration_alone(self, monkeypatch, api, customer):
        rates(monkeypatch, token="2/min", customer="1/min")
        customer.get(ME)

        assert_throttled(customer.get(ME))
        assert statuses(api, LOCATIONS, 2) == [200, 200]


# --- shared through Redis, across processes -------------------------------------------------------------------------

SPEND = """
import json, django
django.setup()
from core.principal import Principal
from core.api.throttling import TokenRateThrottle

class Request:
    user = Principal(kind={kind!r}, actor="subprocess", token_id={token_id})

print(json.dumps([TokenRateThrottle().allow_request(Request(), None) for _ in range({count})]))
"""


def spend_in_another_process(token, count: int, rate: str) -> list[bool]:
    """Call the throttle `count` times for `token` from a fresh interpreter (its own Redis connection)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "1",
        "CACHE_URL": os.environ["CACHE_URL"],
        "API_RATE_LIMIT": rate,
        "API_CUSTOMER_RATE_LIMIT": rate,
    }
    code = SPEND.format(kind=str(token.kind), token_id=token.pk, count=count)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.redis
@pytest.mark.django_db
class TestSharedThroughRedis:
    # A day's window, so that the budget cannot roll over between the two processes' requests.
    RATE = "4/day"

    def test_the_cache_is_redis(self):
        assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"

    @pytest.mark.parametrize("kind", ["integration", "customer"])
    def test_another_process_draws_on_the_same_budget(self, monkeypatch, kind, make_integration_client,
                                                      make_customer_client):  # fmt: skip
        rates(monkeypatch, token=self.RATE, customer=self.RATE)
        client = make_integration_client() if kind == "integration" else make_customer_client()
        url = LOCATIONS if kind == "integration" else ME
        same_token = same_token_client(client)
        other = make_integration_client() if kind == "integration" else make_customer_client()

        assert client.get(url).status_code == 200  # 1
        assert spend_in_another_process(client.token, 2, self.RATE) == [True, True]  # 2, 3
        assert same_token.get(url).status_code == 200  # 4
        assert_throttled(client.get(url))
        assert_throttled(same_token.get(url))
        assert spend_in_another_process(client.token, 1, self.RATE) == [False]

        assert other.get(url).status_code == 200
        assert spend_in_another_process(other.token, 4, self.RATE) == [True, True, True, False]
