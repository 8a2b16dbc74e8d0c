"""Django's PostgreSQL backend with two changes: small bulk inserts are written as VALUES rows (compiler.py), and
the health check of a reused connection costs no round trip (DatabaseWrapper.is_usable).

settings.py selects it (ENGINE "core.db.postgresql") whenever DATABASE_URL names PostgreSQL; everything else,
`vendor` included, is Django's.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base, operations
from psycopg.pq import TransactionStatus


class DatabaseOperations(operations.DatabaseOperations):
    compiler_module = "core.db.postgresql.compiler"


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

    def is_usable(self) -> bool:
        """Whether a reused connection still works, asked at the start of each request (CONN_HEALTH_CHECKS).

        Django sends `SELECT 1`, a round trip on every request (63 us against 1 us for the poll below,
        bench/fastpath.py). Between requests the connection is idle and its socket has nothing to read, unless the
        server ended the session: a terminated backend, a restart or a shutdown sends its FATAL error and closes
        the socket. So an idle connection is usable exactly when psycopg knows of no failure and a zero-timeout
        poll of the socket finds nothing; anything readable counts as a dead connection, which Django replaces. A
        connection that is not idle gets Django's own check.
        """
        conn = self.connection
        if conn is None or conn.closed or conn.broken:
            return False
        if conn.info.transaction_status != TransactionStatus.IDLE:
            return super().is_usable()
        poller = select.poll()  # not select.select, whose descriptors must be below 1024
        try:
            poller.register(conn.fileno(), select.POLLIN)
            return not poller.poll(0)
        except (OSError, ValueError):  # the descriptor is gone
            return False
