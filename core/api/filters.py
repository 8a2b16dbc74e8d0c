"""`filter[field]`, `filter[field][op]`, `filter[search]` and `sort=` on top of django-filter.

A view declares what may be filtered and sorted:

    filter_fields = {"name": "text", "is_published": "bool", "created_at": "datetime"}
    filter_paths = {"location_id": "location"}         # optional: API name -> ORM path
    search_fields = ("name", "handle")                  # enables filter[search]
    sort_fields = {"name": "name", "created_at": "created_at"}

A value the filter cannot take is a 422 naming the parameter, like an unknown field: a "number" is a whole number,
and a "text" filter on a model field with choices (a status, a type) accepts only those choices; the choices are
read from the model field the filter's path reaches, so a new list or a new status is covered without a line here.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache

import django_filters as df
from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django_filters.widgets import BooleanWidget
from rest_framework.filters import BaseFilterBackend

from core.api.fields import OUT_OF_RANGE, in_api_range
from core.errors import ValidationFailed

FILTER_PARAM = re.compile(r"^filter\[(?P<field>[^\]]+)\](?:\[(?P<op>[^\]]+)\])?$")
OPS = ("eq", "ne", "gt", "gte", "lt", "lte", "in")
ORDERED_KINDS = {"number", "datetime", "date"}
BOOL_VALUES = {"1", "0", "true", "false"}
# An invalid choice names the allowed values when they fit in a message (not, say, every IANA time zone).
MAX_LISTED_CHOICES = 20


class WholeNumberFilter(df.NumberFilter):
    """Every number the API filters on is an id, a count or a score: 1.5 is a wrong value, not a silent 1."""

    field_class = forms.IntegerField


class NumberInFilter(df.BaseInFilter, WholeNumberFilter):
    pass


class ChoiceInFilter(df.BaseInFilter, df.ChoiceFilter):
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
    "number": WholeNumberFilter,
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


def model_choices(model, path: str) -> list[str] | None:
    """The values allowed by the model field `path` reaches (through relations), or None when it has no choices.

    A path that is no model field (an annotation) has none.
    """
    field = None
    try:
        for part in path.split("__"):
            field = model._meta.get_field(part)
            model = field.related_model or model
    except FieldDoesNotExist:
        return None
    if field is None or not field.choices:
        return None
    return [str(value) for value, _ in field.flatchoices]


def _choice_filter(name: str, path: str, op: str, choices: list[str]) -> df.Filter:
    allowed = f" Allowed: {', '.join(choices)}." if len(choices) <= MAX_LISTED_CHOICES else ""
    options = {
        "field_name": path,
        "choices": [(value, value) for value in choices],
        "error_messages": {"invalid_choice": f"'%(value)s' is not a valid {name}.{allowed}"},
    }
    if op == "in":
        return ChoiceInFilter(lookup_expr="in", **options)
    return df.ChoiceFilter(lookup_expr="exact", exclude=op == "ne", **options)


def _make_filter(kind: str, path: str, op: str) -> df.Filter:
    extra = {"widget": BooleanWidget()} if kind == "bool" else {}
    if op == "in":
        return IN[kind](field_name=path, lookup_expr="in")
    lookup = {"eq": "exact", "ne": "exact"}.get(op, op)
    return SCALAR[kind](field_name=path, lookup_expr=lookup, exclude=op == "ne", **extra)


@cache
def filterset_for(view_class: type, model) -> type[df.FilterSet]:
    """One FilterSet class per view and model, with a filter named `field` or `field__op` for every allowed pair.

    A text filter on a model field with choices accepts only those choices.
    """
    paths = getattr(view_class, "filter_paths", {})
    attrs = {}
    for field, kind in view_class.filter_fields.items():
        path = paths.get(field, field)
        choices = model_choices(model, path) if kind == "text" else None
        for op in allowed_ops(kind):
            name = field if op == "eq" else f"{field}__{op}"
            attrs[name] = _make_filter(kind, path, op) if choices is None else _choice_filter(field, path, op, choices)
    return type(f"{view_class.__name__}{model.__name__}FilterSet", (df.FilterSet,), attrs)


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
            filterset = filterset_for(type(view), queryset.model)(data=data, queryset=queryset)
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
        model = getattr(getattr(getattr(view, "serializer_class", None), "Meta", None), "model", None)
        paths = getattr(view, "filter_paths", {})
        for field, kind in getattr(view, "filter_fields", {}).items():
            choices = model_choices(model, paths.get(field, field)) if model is not None and kind == "text" else None
            # The choices are listed for the single-value operators (a short set only, like the 422's message).
            schema = {"type": "string"}
            if choices and len(choices) <= MAX_LISTED_CHOICES:
                schema["enum"] = choices
            params.append({"name": f"filter[{field}]", "in": "query", "required": False, "schema": schema})
            for op in allowed_ops(kind)[1:]:
                one = schema if op != "in" else {"type": "string"}
                params.append({"name": f"filter[{field}][{op}]", "in": "query", "required": False, "schema": one})
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
