"""Migration 0012 builds the pooled occupancy read's GiST index CONCURRENTLY; an interrupted build (an invalid
index) is dropped and built again when the migration runs again."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection

migration = importlib.import_module("appointments.migrations.0012_occupancy_range_index")

VALID = "SELECT indisvalid FROM pg_index WHERE indexrelid = %s::regclass"


@pytest.mark.django_db(transaction=True)  # CREATE INDEX CONCURRENTLY cannot run inside the test's transaction
def test_an_interrupted_build_is_dropped_and_built_again():
    if connection.vendor != "postgresql":
        pytest.skip("the index exists on PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute(VALID, [migration.INDEX])
        assert cursor.fetchone() == (True,)
        # What a cancelled CREATE INDEX CONCURRENTLY leaves behind.
        cursor.execute("UPDATE pg_index SET indisvalid = false WHERE indexrelid = %s::regclass", [migration.INDEX])

    with connection.schema_editor(atomic=False) as editor:
        migration.forwards(None, editor)

    with connection.cursor() as cursor:
        cursor.execute(VALID, [migration.INDEX])
        assert cursor.fetchone() == (True,)
