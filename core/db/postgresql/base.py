"""Django's PostgreSQL backend with one change: small bulk inserts are written as VALUES rows (compiler.py).

settings.py selects it (ENGINE "core.db.postgresql") whenever DATABASE_URL names PostgreSQL; everything else,
`vendor` included, is Django's.
"""

from __future__ import annotations

from django.db.backends.postgresql import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    compiler_module = "core.db.postgresql.compiler"


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
