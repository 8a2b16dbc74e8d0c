"""Reads with prebuilt SQL, for the few lookups every request makes.

The ORM compiles a query each time it runs (about 0.4 ms of CPU even for a primary-key lookup); these build their
SQL once per shape, prepare values and convert results through the model fields as the ORM does, so they behave
the same on SQLite and PostgreSQL. Use them only on hot paths; everything else reads through the ORM.
"""

from __future__ import annotations

from contextlib import contextmanager
from functools import cache
from typing import TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, models

M = TypeVar("M", bound=models.Model)


def row_by(model: type[M], field_name: str, value, *, fields: tuple[str, ...] | None = None) -> M | None:
    """The one row of `model` whose `field_name` equals `value` (a unique field), or None.

    `fields` limits the columns read (the primary key is always included); the rest load lazily like `only()`.
    """
    select = _row_select(model, field_name, fields)
    rows = select.rows(value)
    if not rows:
        return None
    return model.from_db(DEFAULT_DB_ALIAS, [field.attname for field in select.columns], rows[0])


def scalar_by(model: type[models.Model], column_field: str, key_field: str, value):
    """One column of the row whose `key_field` equals `value`, or None."""
    rows = _scalar_select(model, column_field, key_field).rows(value)
    return rows[0][0] if rows else None


@cache
def _row_select(model: type[models.Model], field_name: str, fields: tuple[str, ...] | None) -> Select:
    meta = model._meta
    names = [
        field.name for field in meta.concrete_fields if fields is None or field.primary_key or field.name in fields
    ]
    return Select(model, tuple(names), ((field_name, "="),))


@cache
def _scalar_select(model: type[models.Model], column_field: str, key_field: str) -> Select:
    return Select(model, (column_field,), ((key_field, "="),))


OPERATORS = {"=", "<", "<=", ">", ">=", "in", "overlaps"}


class Select:
    """`SELECT columns FROM one table WHERE a AND b ...` built once, for a hot read with a fixed shape.

    `where` pairs a field name with an operator (`=`, `<`, `<=`, `>`, `>=`, `in`); a call passes one value per
    pair (a sequence for `in`). `overlaps` pairs two datetime fields (start, end) with one (low, high) value: the
    rows whose [start, end) meets [low, high). On PostgreSQL it is `tstzrange(start, end) && tstzrange(low, high)`,
    which a GiST index on that range answers from both sides; elsewhere `start < high AND end > low`.

    Values are prepared and results converted by the model's fields, as the ORM does, so the same call works on
    SQLite and PostgreSQL. `lock=True` adds FOR UPDATE where the database has it (SQLite serialises writers
    instead).
    """

    def __init__(self, model: type[models.Model], columns: tuple[str, ...], where: tuple[tuple[str, str], ...],
                 *, lock: bool = False):  # fmt: skip
        unknown = {op for _, op in where} - OPERATORS
        if unknown:
            raise ValueError(f"Unsupported operators: {unknown}")
        meta = model._meta
        self.model = model
        self.columns = [meta.get_field(name) for name in columns]
        self.where = [
            (tuple(meta.get_field(part) for part in name) if op == "overlaps" else meta.get_field(name), op)
            for name, op in where
        ]
        self.lock = lock
        self._built: dict[tuple, str] = {}
        self._converted: dict[str, list] = {}

    def _sql(self, vendor: str, sizes: tuple[int | None, ...]) -> str:
        key = (vendor, sizes)
        if key not in self._built:
            self._built[key] = self._build(sizes)
        return self._built[key]

    def _build(self, sizes: tuple[int | None, ...]) -> str:
        quote = connection.ops.quote_name
        table = quote(self.model._meta.db_table)
        conditions = []
        for (field, op), size in zip(self.where, sizes, strict=True):
            if op == "overlaps":
                start, end = (f"{table}.{quote(part.column)}" for part in field)
                if connection.vendor == "postgresql":
                    conditions.append(f"tstzrange({start}, {end}, '[)') && tstzrange(%s, %s, '[)')")
                else:
                    conditions.append(f"{start} < %s AND {end} > %s")
                continue
            target = f"{table}.{quote(field.column)}"
            value = _placeholder(field)
            if op == "in":
                conditions.append(f"{target} IN ({', '.join([value] * size)})" if size else "1 = 0")
            else:
                conditions.append(f"{target} {op} {value}")
        columns = ", ".join(f"{table}.{quote(field.column)}" for field in self.columns)
        lock = " FOR UPDATE" if self.lock and connection.features.has_select_for_update else ""
        return f"SELECT {columns} FROM {table} WHERE {' AND '.join(conditions)}{lock}"

    def _converters(self, vendor: str) -> list[list]:
        """Per column, the (converter, expression) pairs the ORM's compiler would apply on this database."""
        if vendor not in self._converted:
            out = []
            for field in self.columns:
                column = field.get_col(self.model._meta.db_table)
                found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
                out.append([(converter, column) for converter in found])
            self._converted[vendor] = out
        return self._converted[vendor]

    def prepared(self, values: tuple) -> tuple[str, list]:
        """The SQL and parameters of one call (see rows)."""
        sizes = tuple(len(value) if op == "in" else None for (_, op), value in zip(self.where, values, strict=True))
        params = []
        for (field, op), value in zip(self.where, values, strict=True):
            if op == "overlaps":
                low, high = (field[0].get_db_prep_value(item, connection, prepared=False) for item in value)
                params.extend((low, high) if connection.vendor == "postgresql" else (high, low))
                continue
            target = field.target_field if field.is_relation else field
            if op == "in":
                params.extend(target.get_db_prep_value(item, connection, prepared=False) for item in value)
            else:
                params.append(target.get_db_prep_value(value, connection, prepared=False))
        return self._sql(connection.vendor, sizes), params

    def rows(self, *values) -> list[tuple]:
        sql, params = self.prepared(values)
        with _cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return self.convert(rows)

    def convert(self, rows: list[tuple]) -> list[tuple]:
        converters = self._converters(connection.vendor)
        if not any(converters):
            return rows
        converted = []
        for row in rows:
            values_out = list(row)
            for index, pairs in enumerate(converters):
                for converter, column in pairs:
                    values_out[index] = converter(values_out[index], column, connection)
            converted.append(tuple(values_out))
        return converted


def _placeholder(field) -> str:
    """`%s`, cast to bigint for a bigint column on PostgreSQL: an integer parameter arrives as an int4 literal, and
    btree_gist (the GiST index of the pooled occupancy read, appointments migration 0012) has no int4-int8
    operators, so without the cast PostgreSQL filters those columns row by row instead of using the index."""
    target = field.target_field if field.is_relation else field
    if connection.vendor == "postgresql" and target.db_type(connection) == "bigint":
        return "%s::bigint"
    return "%s"


def union_rows(*calls: tuple[Select, tuple]) -> list[tuple]:
    """`UNION ALL` of several Selects with the same column types, in one query: [(select, values), ...].

    Results are converted by the first Select's columns. On PostgreSQL, UUID columns come back as text (their
    canonical form, what str() of the UUID gives): the occupancy of a staff range is thousands of rows whose staff
    ids the caller only compares as text, and building a UUID object for each was a tenth of the selectors' time.
    """
    parts = [select.prepared(values) for select, values in calls]
    sql = " UNION ALL ".join(part_sql for part_sql, _ in parts)
    params = [param for _, part_params in parts for param in part_params]
    with _cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.cursor.adapters.register_loader("uuid", _text_loader())
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return calls[0][0].convert(rows)


@contextmanager
def _cursor():
    """A cursor that reads timestamps with psycopg's C loader on PostgreSQL.

    Django registers its own timestamptz loader, a Python subclass of psycopg's that parses each value with a
    regular expression; an availability range over 25 staff reads some 16,000 timestamps, and parsing them was most
    of the selectors' time (bench/availability.py, staff-required 31-day range: selectors + engine from 111 to
    62 ms on the 2-core machine, same run). psycopg's own loader gives the same instants in the session's zone, which
    Django sets to UTC, as Django's loader does.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.cursor.adapters.register_loader("timestamptz", _timestamptz_loader())
        yield cursor


@cache
def _timestamptz_loader():
    from psycopg.types.datetime import TimestamptzLoader  # the optimised (C) one is chosen when registered

    return TimestamptzLoader


@cache
def _text_loader():
    from psycopg.types.string import TextLoader

    return TextLoader
