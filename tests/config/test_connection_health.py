"""core.db.postgresql's health check of a reused connection: no round trip while the connection is alive, and a
connection the server ended (pg_terminate_backend, as a restart would) is found dead before it is used.

tests/faults/test_db_connection_killed.py shows the same end to end through gunicorn.
"""

from __future__ import annotations

import time

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _other_connection():
    """A second connection to the test database, as a web process holds between requests."""
    other = connections.create_connection("default")
    other.ensure_connection()
    return other


def _terminate(other) -> int:
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s, 10000)", [pid])
        assert cursor.fetchone() == (True,)
    return pid


def test_a_live_idle_connection_is_usable_without_a_query():
    other = _other_connection()
    try:
        with CaptureQueriesContext(other) as queries:
            assert other.is_usable() is True
        assert queries.captured_queries == []
        with other.cursor() as cursor:
            cursor.execute("SELECT 2")
            assert cursor.fetchone() == (2,)
        assert other.is_usable() is True
    finally:
        other.close()


def test_a_connection_the_server_ended_is_not_usable_and_is_replaced():
    other = _other_connection()
    try:
        pid = _terminate(other)
        deadline = time.monotonic() + 5  # the FATAL message and the close reach the socket a moment later
        while other.is_usable() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert other.is_usable() is False

        other.health_check_enabled, other.health_check_done = True, False
        other.close_if_health_check_failed()
        assert other.connection is None
        with other.cursor() as cursor:  # a new session
            cursor.execute("SELECT pg_backend_pid()")
            assert cursor.fetchone()[0] != pid
    finally:
        other.close()


def test_inside_a_transaction_a_live_connection_is_usable_and_an_ended_one_is_not():
    other = _other_connection()
    try:
        other.set_autocommit(False)
        with other.cursor() as cursor:
            cursor.execute("SELECT 1")
        assert other.connection.info.transaction_status.name == "INTRANS"
        assert other.is_usable() is True
        _terminate(other)
        assert other.is_usable() is False
    finally:
        other.close()
