"""Shared fixtures: API clients for each kind of caller, and the rules for service-backed markers."""

from __future__ import annotations

import os
import shutil

import pytest
from django.db import connection
from rest_framework.test import APIClient

from directory.enums import Scope, TokenKind
from directory.services.tokens import token_issue
from tests.factories import ProfileFactory


def _service_missing(marker: str) -> str | None:
    """Why a marked test cannot run here, or None when its service is available."""
    if marker == "postgres" and connection.vendor != "postgresql":
        return "needs PostgreSQL: set DATABASE_URL=postgres://..."
    if marker == "broker":
        url = os.environ.get("CELERY_BROKER_URL", "")
        if not url.startswith(("redis://", "amqp://", "pyamqp://")):
            return "needs a real broker: set CELERY_BROKER_URL=redis://... or amqp://..."
    if marker == "browser" and not (shutil.which("chromium") and shutil.which("chromedriver")):
        return "needs Debian's chromium and chromium-driver packages"
    return None


def pytest_runtest_setup(item):
    for marker in ("postgres", "broker", "browser"):
        if item.get_closest_marker(marker) is None:
            continue
        reason = _service_missing(marker)
        if reason is None:
            continue
        if os.environ.get("REQUIRE_SERVICES") and marker != "browser":
            pytest.fail(f"REQUIRE_SERVICES is set but this test {reason}")
        pytest.skip(reason)


class BearerClient(APIClient):
    def __init__(self, raw_token: str | None = None, **kwargs):
        super().__init__(**kwargs)
        if raw_token:
            self.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_token}")


@pytest.fixture
def anon_client() -> APIClient:
    return APIClient()


@pytest.fixture
def make_integration_client(db):
    def make(scopes=(Scope.ADMIN,), **kwargs) -> BearerClient:
        token, raw = token_issue(name="test integration", scopes=list(scopes), **kwargs)
        client = BearerClient(raw)
        client.token = token
        return client

    return make


@pytest.fixture
def api(make_integration_client) -> BearerClient:
    """An integration client with the admin scope."""
    return make_integration_client()


@pytest.fixture
def make_customer_client(db):
    def make(profile=None) -> BearerClient:
        profile = profile or ProfileFactory()
        token, raw = token_issue(name="test customer", kind=TokenKind.CUSTOMER, profile=profile)
        client = BearerClient(raw)
        client.profile = profile
        client.token = token
        return client

    return make


@pytest.fixture
def customer(make_customer_client) -> BearerClient:
    return make_customer_client()
