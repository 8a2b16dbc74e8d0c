"""Omneo's (Laravel's) paginator: `page[number]`, `page[size]`, and the links/meta envelope."""

from __future__ import annotations

import math
import re

from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from core.errors import ValidationFailed

DEFAULT_SIZE = 15
MAX_SIZE = 100
DIGITS = re.compile(r"[0-9]{1,18}")


def _positive_int(request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    # ASCII digits only: int() would also take " 5", "+5", "1_000" and "٥".
    value = int(raw) if DIGITS.fullmatch(raw) else 0
    if value < 1:
        raise ValidationFailed.on(name, f"{name} must be a whole number of at least 1.")
    return value


class OmneoPagination(BasePagination):
    page_param = "page[number]"
    size_param = "page[size]"

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.number = _positive_int(request, self.page_param, 1)
        size = _positive_int(request, self.size_param, DEFAULT_SIZE)
        if size > MAX_SIZE:
            raise ValidationFailed.on(self.size_param, f"{self.size_param} may be at most {MAX_SIZE}.")
        self.size = size
        self.total = queryset.count()
        offset = (self.number - 1) * size
        # Past the last page is an empty page, as Laravel answers, not an error.
        return list(queryset[offset : offset + size]) if offset < self.total else []

    def _url(self, number: int | None) -> str | None:
        if number is None:
            return None
        return replace_query_param(self.request.build_absolute_uri(), self.page_param, number)

    def get_paginated_response(self, data):
        last_page = max(1, math.ceil(self.total / self.size))
        count = len(data)
        first_index = (self.number - 1) * self.size + 1 if count else None
        return Response(
            {
                "data": data,
                "links": {
                    "first": self._url(1),
                    "last": self._url(last_page),
                    "prev": self._url(self.number - 1 if 1 < self.number <= last_page + 1 else None),
                    "next": self._url(self.number + 1 if self.number < last_page else None),
                },
                "meta": {
                    "current_page": self.number,
                    "from": first_index,
                    "last_page": last_page,
                    "path": self.request.build_absolute_uri(self.request.path),
                    "per_page": self.size,
                    "to": first_index + count - 1 if count else None,
                    "total": self.total,
                },
            }
        )

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "nullable": True}
        number = {"type": "integer", "nullable": True}
        return {
            "type": "object",
            "properties": {
                "data": schema,
                "links": {"type": "object", "properties": {k: link for k in ("first", "last", "prev", "next")}},
                "meta": {
                    "type": "object",
                    "properties": {k: number for k in ("current_page", "from", "last_page", "per_page", "to", "total")}
                    | {"path": {"type": "string"}},
                },
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {"name": self.page_param, "in": "query", "required": False, "schema": {"type": "integer"}},
            {"name": self.size_param, "in": "query", "required": False, "schema": {"type": "integer"}},
        ]
