"""Small bulk inserts as VALUES rows instead of Django's UNNEST arrays.

Django 5.2 writes every multi-row insert on PostgreSQL as `SELECT * FROM UNNEST(%s::type[], ...)`, which saves the
server from planning many placeholders when parameters are bound on the server. We bind them on the client
(psycopg's default with Django), where each column's array is quoted in Python, element by element: for the
handful of rows a booking writes (its answers, customer links, their audit rows, the outbox rows) that costs more
than the rows themselves. bench/fastpath.py ("bulk insert of N rows") measures both forms: up to SMALL_BATCH rows
VALUES is faster in Python and no slower in PostgreSQL; beyond it UNNEST wins and is kept.
"""

from __future__ import annotations

from django.db.backends.postgresql.compiler import (
    SQLAggregateCompiler,
    SQLCompiler,
    SQLDeleteCompiler,
    SQLUpdateCompiler,
)
from django.db.backends.postgresql.compiler import SQLInsertCompiler as PostgresInsertCompiler
from django.db.models.sql.compiler import SQLInsertCompiler as PlainInsertCompiler

__all__ = ["SQLAggregateCompiler", "SQLCompiler", "SQLDeleteCompiler", "SQLInsertCompiler", "SQLUpdateCompiler"]

SMALL_BATCH = 8


class SQLInsertCompiler(PostgresInsertCompiler):
    def assemble_as_sql(self, fields, value_rows):
        server_side = self.connection.settings_dict["OPTIONS"].get("server_side_binding")
        if len(value_rows) <= SMALL_BATCH and not server_side:
            return PlainInsertCompiler.assemble_as_sql(self, fields, value_rows)
        return super().assemble_as_sql(fields, value_rows)
