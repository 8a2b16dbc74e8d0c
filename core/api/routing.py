"""URL helpers: no trailing slash in the canonical path, one accepted anyway; `me` stands for the caller's profile."""

from __future__ import annotations

from django.urls import path, register_converter

COLLECTION = {"get": "list", "post": "create"}
MEMBER = {"get": "retrieve", "put": "update", "patch": "update", "delete": "destroy"}


class ProfileIdConverter:
    """A profile UUID, or `me` (resolved to the customer token's own profile by the view)."""

    regex = r"me|[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)


register_converter(ProfileIdConverter, "profile")


def route(pattern: str, view, name: str | None = None) -> list:
    """The path without a trailing slash, plus the same with one."""
    return [path(pattern, view, name=name), path(pattern + "/", view)]


def resource(prefix: str, viewset, basename: str, *, member: str = "<int:pk>", collection=None, detail=None) -> list:
    """List/create at `prefix`, retrieve/update/destroy at `prefix/<member>`."""
    urls = []
    if collection is not False:
        urls += route(prefix, viewset.as_view(collection or COLLECTION), f"{basename}-list")
    if detail is not False:
        urls += route(f"{prefix}/{member}", viewset.as_view(detail or MEMBER), f"{basename}-detail")
    return urls
