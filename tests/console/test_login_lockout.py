"""Console logins are locked after repeated failures (django-axes), through the real admin login form.

The settings give 5 failures and a 15-minute cool-off (ADMIN_LOGIN_FAILURE_LIMIT, ADMIN_LOGIN_COOLOFF_MINUTES).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

LOGIN = "/admin/login/"
PASSWORD = "correct horse battery"
WRONG_LOGIN = "Please enter the correct username and password for a staff account."
LOCKED = "Too many failed logins for this account."
START = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def attempt(client: Client, username: str, password: str):
    return client.post(f"{LOGIN}?next=/admin/", {"username": username, "password": password, "next": "/admin/"})


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def assert_locked(response) -> None:
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    body = response.content.decode()
    assert LOCKED in body
    assert "cannot log in for 15 minutes" in body
    assert "After 5 failed logins" in body


def fail(client: Client, username: str, times: int) -> list[int]:
    return [attempt(client, username, "wrong").status_code for _ in range(times)]


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    """Dozens of logins per test: a cheap hasher keeps them quick (the lockout does not depend on it)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def boss(db):
    return get_user_model().objects.create_superuser("boss", "boss@example.com", PASSWORD)


@pytest.fixture
def other_admin(db):
    return get_user_model().objects.create_superuser("ada", "ada@example.com", PASSWORD)


def test_the_configured_limits():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60


@pytest.mark.django_db
class TestLockout:
    def test_wrong_passwords_are_refused_on_the_form_until_the_limit(self, client, boss):
        for _ in range(4):
            response = attempt(client, "boss", "wrong")
            assert response.status_code == 200
            assert WRONG_LOGIN in response.content.decode()

        assert_locked(attempt(client, "boss", "wrong"))
        assert AccessAttempt.objects.get(username="boss").failures_since_start == 5

    def test_a_locked_username_is_refused_even_with_the_right_password(self, client, boss):
        fail(client, "boss", 5)

        assert_locked(attempt(client, "boss", PASSWORD))
        assert not logged_in(client)
        assert client.get("/admin/").status_code == 302

    def test_the_lockout_is_per_username(self, client, boss, other_admin):
        fail(client, "boss", 5)

        response = attempt(Client(), "ada", PASSWORD)

        assert response.status_code == 302
        assert response["Location"] == "/admin/"

    def test_the_lockout_ends_after_the_cool_off_since_the_last_failure(self, client, boss):
        with time_machine.travel(START, tick=False) as traveller:
            fail(client, "boss", 5)
            traveller.shift(timedelta(minutes=10))
            assert_locked(attempt(client, "boss", PASSWORD))  # a try while locked starts the cool-off again

            traveller.shift(timedelta(minutes=14, seconds=59))
            assert_locked(attempt(client, "boss", PASSWORD))

            traveller.shift(timedelta(minutes=15, seconds=1))
            response = attempt(client, "boss", PASSWORD)

        assert response.status_code == 302
        assert logged_in(client)

    def test_a_successful_login_clears_the_failures(self, client, boss):
        assert fail(client, "boss", 4) == [200] * 4
        assert attempt(client, "boss", PASSWORD).status_code == 302
        client.logout()

        assert fail(client, "boss", 4) == [200] * 4
        assert attempt(client, "boss", PASSWORD).status_code == 302


@pytest.mark.django_db
class TestUnlock:
    def test_axes_reset_username_unlocks(self, client, boss):
        fail(client, "boss", 5)
        out = StringIO()

        call_command("axes_reset_username", "boss", stdout=out)

        assert "1 attempts removed." in out.getvalue()
        assert attempt(client, "boss", PASSWORD).status_code == 302

    def test_a_superuser_unlocks_in_the_console(self, client, boss, other_admin):
        fail(client, "boss", 5)
        console = Client()
        console.force_login(other_admin)
        page = console.get("/admin/axes/accessattempt/?locked_out=yes")
        assert page.status_code == 200
        assert "boss" in page.content.decode()
        row = AccessAttempt.objects.get(username="boss")

        response = console.post(
            "/admin/axes/accessattempt/", {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"}
        )

        assert response.status_code == 302
        assert not AccessAttempt.objects.exists()
        assert attempt(client, "boss", PASSWORD).status_code == 302

    def test_the_sidebar_links_the_lockouts_for_superusers(self, other_admin):
        console = Client()
        console.force_login(other_admin)

        body = console.get("/admin/").content.decode()

        assert 'href="/admin/axes/accessattempt/"' in body
