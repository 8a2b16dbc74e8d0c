"""`GET /api/v3/`: the index of the API's resources, read from the registered routes (no token needed)."""

from __future__ import annotations

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

API_PREFIX = "api/v3/"


def _routes(patterns, prefix: str = ""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


def resource_paths() -> list[str]:
    """Top-level collections under /api/v3/ (`locations`, `appointments`, ...): routes without parameters.

    Any app that includes its urls under api/v3/ shows up here without touching this module.
    """
    found = set()
    for route in _routes(get_resolver().url_patterns):
        if not route.startswith(API_PREFIX):
            continue
        rest = route.removeprefix(API_PREFIX)
        if rest and "<" not in rest and "/" not in rest and not rest.startswith("^"):
            found.add(rest)
    return sorted(found)


IndexSerializer = inline_serializer(
    "ApiIndex",
    {
        "data": inline_serializer(
            "ApiIndexData",
            {
                "name": serializers.CharField(),
                "version": serializers.CharField(),
                "resources": serializers.DictField(child=serializers.URLField()),
                "docs": serializers.URLField(),
                "schema": serializers.URLField(),
            },
        )
    },
)


class ApiIndexView(APIView):
    """The resources of the API (name -> absolute URL) with links to the docs and the OpenAPI schema."""

    authentication_classes: list = []  # it reveals nothing: no token needed, and a bad one does not matter here
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="api_index",
        summary="Index of the API's resources",
        auth=[],
        responses={200: IndexSerializer},
        examples=[
            OpenApiExample(
                "Index",
                value={
                    "data": {
                        "name": "Appointments back office API (Omneo v3 compatible)",
                        "version": "3",
                        "resources": {"appointments": "http://127.0.0.1:8000/api/v3/appointments"},
                        "docs": "http://127.0.0.1:8000/api/docs/",
                        "schema": "http://127.0.0.1:8000/api/schema/",
                    }
                },
                response_only=True,
            )
        ],
    )
    def get(self, request):
        absolute = request.build_absolute_uri
        return Response(
            {
                "data": {
                    "name": settings.SPECTACULAR_SETTINGS["TITLE"],
                    "version": settings.SPECTACULAR_SETTINGS["VERSION"],
                    "resources": {name: absolute(f"/{API_PREFIX}{name}") for name in resource_paths()},
                    "docs": absolute(reverse("api-docs")),
                    "schema": absolute(reverse("schema")),
                }
            }
        )
