"""PostgreSQL drops a web process's persistent connection between two requests (pg_terminate_backend, as a server
restart or a proxy's idle timeout would): the next request still succeeds, because CONN_HEALTH_CHECKS makes Django
test a reused connection at the start of each request and open a new one when it is dead.

A real gunicorn (one sync worker, DB_CONN_MAX_AGE=60 as production may set) serves the committed test database.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request

import pytest
from django.db import connection

from appointments.models import Appointment
from directory.services.tokens import token_issue
from tests.factories import ProfileFactory
from tests.faults.conftest import BASE_DIR, free_port, make_bookable, stop, wait_for_port

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

REQUEST_TIMEOUT = 30


@pytest.fixture
def gunicorn(subprocess_env, tmp_path):
    port = free_port()
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--worker-class", "sync", "--timeout", "60"],
        cwd=BASE_DIR, env={**subprocess_env, "DB_CONN_MAX_AGE": "60"}, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)
        log.close()


def call(url: str, token: str, body: dict | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method="POST" if body is not None else "GET")
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def server_backends() -> list[int]:
    """The PostgreSQL backends on the test database other than this test's own: gunicorn's."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND backend_type = 'client backend'"
        )
        return [pid for (pid,) in cursor.fetchall()]


def terminate(pid: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s, 10000)", [pid])  # waits until the backend has exited
        assert cursor.fetchone() == (True,)


def test_the_next_request_after_the_connection_was_killed_succeeds(gunicorn):
    _, token = token_issue(name="faults", scopes=["admin"])
    bookable = make_bookable("http://127.0.0.1:9/hook")

    status, first = call(f"{gunicorn}/api/v3/locations", token)
    assert status == 200, first
    assert [row["id"] for row in first["data"]] == [bookable.location.pk]
    [persistent] = server_backends()  # the worker kept its connection open after the request

    terminate(persistent)
    assert server_backends() == []

    status, booked = call(f"{gunicorn}/api/v3/appointments", token, bookable.body(ProfileFactory()))
    assert status == 201, booked
    assert Appointment.objects.get().pk == booked["data"]["id"]
    [replacement] = server_backends()
    assert replacement != persistent
    status, again = call(f"{gunicorn}/api/v3/locations", token)
    assert (status, again) == (200, first)
    assert server_backends() == [replacement]  # and that one is reused
