"""`filter[field]`, `filter[field][op]`, `filter[search]` and `sort=` on top of django-filter.

A view declares what may be filtered and sorted:

    filter_fields = {"name": "text", "is_published": "bool", "created_at": "datetime"}
    filter_paths = {"location_id": "location"}         # optional: API name -> ORM path
    search_fields = ("name", "handle")                  # enables filter[search]
    sort_fields = {"name": "name", "created_at": "created_at"}
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache

import django_filters as df
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django_filters.widgets import BooleanWidget
from rest_framework.filters import BaseFilterBackend

from config.api.fields import OUT_OF_RANGE, in_api_range
from config.errors import ValidationFailed

FILTER_PARAM = re.compile(r"^filter\[(?P<field>[^\]]+)\](?:\[(?P<op>[^\]]+)\])?$")
OPS = ("eq", "ne", "gt", "gte", "lt", "lte", "in")
ORDERED_KINDS = {"number", "datetime", "date"}
BOOL_VALUES = {"1", "0", "true", "false"}


class NumberInFilter(df.BaseInFilter, df.NumberFilter):
    pass


class CharInFilter(df.BaseInFilter, df.CharFilter):
    pass


class UUIDInFilter(df.BaseInFilter, df.UUIDFilter):
    pass


class DateTimeInFilter(df.BaseInFilter, df.IsoDateTimeFilter):
    pass


class DateInFilter(df.BaseInFilter, df.DateFilter):
    pass


SCALAR = {
    "number": df.NumberFilter,
    "text": df.CharFilter,
    "uuid": df.UUIDFilter,
    "datetime": df.IsoDateTimeFilter,
    "date": df.DateFilter,
    "bool": df.BooleanFilter,
}
IN = {
    "number": NumberInFilter,
    "text": CharInFilter,
    "uuid": UUIDInFilter,
    "datetime": DateTimeInFilter,
    "date": DateInFilter,
}


def allowed_ops(kind: str) -> tuple[str, ...]:
    if kind == "bool":
        return ("eq", "ne")
    if kind in ORDERED_KINDS:
        return OPS
    return ("eq", "ne", "in")


def _make_filter(kind: str, path: str, op: str) -> df.Filter:
    extra = {"widget": BooleanWidget()} if kind == "bool" else {}
    if op == "in":
        return IN[kind](field_name=path, lookup_expr="in")
    lookup = {"eq": "exact", "ne": "exact"}.get(op, op)
    return SCALAR[kind](field_name=path, lookup_expr=lookup, exclude=op == "ne", **extra)


@cache
def filterset_for(view_class: type) -> type[df.FilterSet]:
    """One FilterSet class per view, with a filter named `field` or `field__op` for every allowed pair."""
    paths = getattr(view_class, "filter_paths", {})
    attrs = {}
    for field, kind in view_class.filter_fields.items():
        for op in allowed_ops(kind):
            attrs[field if op == "eq" else f"{field}__{op}"] = _make_filter(kind, paths.get(field, field), op)
    return type(f"{view_class.__name__}FilterSet", (df.FilterSet,), attrs)


def _param_name(key: str) -> str:
    field, _, op = key.partition("__")
    return f"filter[{field}][{op}]" if op and op != "eq" else f"filter[{field}]"


def _dates_in(value) -> list[date]:
    """The dates and datetimes of a cleaned filter value (one, or the list of an `in`)."""
    values = value if isinstance(value, list | tuple) else [value]
    return [v for v in values if isinstance(v, date)]


class OmneoFilterBackend(BaseFilterBackend):
    def filter_queryset(self, request, queryset, view):
        fields: dict[str, str] = getattr(view, "filter_fields", {})
        search_fields: tuple[str, ...] = getattr(view, "search_fields", ())
        data: dict[str, str] = {}
        search = None
        for key, value in request.query_params.items():
            match = FILTER_PARAM.match(key)
            if not match:
                if key.startswith("filter"):
                    raise ValidationFailed.on("filter", f"'{key}' is not a valid filter parameter.")
                continue
            field, op = match["field"], match["op"] or "eq"
            if field == "search" and search_fields and match["op"] is None:
                search = value
                continue
            if field not in fields:
                allowed = ", ".join(sorted([*fields, *(["search"] if search_fields else [])])) or "none"
                raise ValidationFailed.on("filter", f"Unknown filter field '{field}'. Allowed: {allowed}.")
            if op not in allowed_ops(fields[field]):
                raise ValidationFailed.on(
                    "filter",
                    f"Unknown operator '{op}' for '{field}'. Allowed: {', '.join(allowed_ops(fields[field]))}.",
                )
            if fields[field] == "bool" and value.strip().lower() not in BOOL_VALUES:
                raise ValidationFailed.on(_param_name(f"{field}__{op}"), "Use 1, 0, true or false.")
            data[field if op == "eq" else f"{field}__{op}"] = value
        if data:
            filterset = filterset_for(type(view))(data=data, queryset=queryset)
            if not filterset.is_valid():
                errors = {_param_name(k): [str(m) for m in v] for k, v in filterset.errors.items()}
                raise ValidationFailed(errors=errors)
            # Applied one by one (as FilterSet.qs does) so that a value the model field itself rejects while the
            # lookup is built (e.g. an unknown time zone) is a 422 on its own parameter, like any other bad value.
            for name, value in filterset.form.cleaned_data.items():
                if not all(in_api_range(v) for v in _dates_in(value)):
                    raise ValidationFailed.on(_param_name(name), OUT_OF_RANGE)
                try:
                    queryset = filterset.filters[name].filter(queryset, value)
                except DjangoValidationError as exc:
                    raise ValidationFailed(errors={_param_name(name): list(exc.messages)}) from exc
        if search:
            condition = Q()
            for path in search_fields:
                condition |= Q(**{f"{path}__icontains": search})
            queryset = queryset.filter(condition)
        return queryset

    def get_schema_operation_parameters(self, view):
        params = []
        for field, kind in getattr(view, "filter_fields", {}).items():
            params.append({"name": f"filter[{field}]", "in": "query", "required": False, "schema": {"type": "string"}})
            for op in allowed_ops(kind)[1:]:
                params.append(
                    {"name": f"filter[{field}][{op}]", "in": "query", "required": False, "schema": {"type": "string"}}
                )
        if getattr(view, "search_fields", ()):
            params.append({"name": "filter[search]", "in": "query", "required": False, "schema": {"type": "string"}})
        return params


class OmneoSortBackend(BaseFilterBackend):
    """`sort=field,-other`; always ends with the primary key so pages are stable."""

    def filter_queryset(self, request, queryset, view):
        sort_fields: dict[str, str] = getattr(view, "sort_fields", {})
        raw = request.query_params.get("sort")
        if raw is None or not sort_fields and raw == "":
            return queryset
        ordering = []
        for item in (part.strip() for part in raw.split(",")):
            name = item.lstrip("-")
            if name not in sort_fields:
                allowed = ", ".join(sorted(sort_fields)) or "none"
                raise ValidationFailed.on("sort", f"Cannot sort by '{name}'. Allowed: {allowed}.")
            ordering.append(("-" if item.startswith("-") else "") + sort_fields[name])
        return queryset.order_by(*ordering, "pk")

    def get_schema_operation_parameters(self, view):
        if not getattr(view, "sort_fields", {}):
            return []
        return [{"name": "sort", "in": "query", "required": False, "schema": {"type": "string"}}]
