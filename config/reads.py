"""Reads by one column with prebuilt SQL, for the few lookups every request makes.

The ORM compiles a query each time it runs (about 0.4 ms of CPU even for a primary-key lookup); these build their
SQL once per model and column and hand the row to Django's raw-query machinery, which still applies every field's
database converters. Use them only on hot paths; everything else reads through the ORM.
"""

from __future__ import annotations

from functools import cache
from typing import TypeVar

from django.db import connection, models

M = TypeVar("M", bound=models.Model)


@cache
def _select(model: type[models.Model], column: str, columns: tuple[str, ...] | None) -> str:
    quote = connection.ops.quote_name
    selected = ", ".join(quote(name) for name in columns) if columns else "*"
    return f"SELECT {selected} FROM {quote(model._meta.db_table)} WHERE {quote(column)} = %s"


def row_by(model: type[M], field_name: str, value, *, fields: tuple[str, ...] | None = None) -> M | None:
    """The one row of `model` whose `field_name` equals `value` (a unique field), or None.

    `fields` limits the columns read (the primary key is always included); the rest load lazily like `only()`.
    """
    meta = model._meta
    field = meta.get_field(field_name)
    columns = None
    if fields is not None:
        columns = tuple(dict.fromkeys((meta.pk.column, *(meta.get_field(name).column for name in fields))))
    sql = _select(model, field.column, columns)
    rows = list(model.objects.raw(sql, [field.get_db_prep_value(value, connection, prepared=False)]))
    return rows[0] if rows else None


def scalar_by(model: type[models.Model], column_field: str, key_field: str, value):
    """One column of the row whose `key_field` equals `value`, or None.

    No field converters run: use it for columns the database adapter already returns as Python values (numbers,
    text).
    """
    meta = model._meta
    key = meta.get_field(key_field)
    quote = connection.ops.quote_name
    sql = f"SELECT {quote(meta.get_field(column_field).column)} FROM {quote(meta.db_table)} WHERE {quote(key.column)} = %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, [key.get_db_prep_value(value, connection, prepared=False)])
        row = cursor.fetchone()
    return row[0] if row else None
