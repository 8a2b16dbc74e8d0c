"""drf-spectacular glue: the bearer scheme, one path per endpoint, and the API's conventions applied to every operation.

`OmneoAutoSchema` (the DEFAULT_SCHEMA_CLASS) describes what every view built on core.api.views really does, so a
new endpoint is documented correctly without per-view boilerplate:

- request bodies come from the view's `input_serializer_class` (create) or its partial form (update: PUT and PATCH
  both change only the fields sent);
- 2xx bodies are wrapped in the `{"data": ...}` envelope; paginated lists carry `links` and `meta`; views with
  `paginate = False` answer `{"data": [...]}`; a response serializer that already has a `data` field is taken as
  a whole envelope (actions that add `meta`);
- every operation lists the error responses it can give, each with the one `ErrorEnvelope` component
  (`{"message", "code", "errors"}`), chosen by how the request is handled (see `error_codes`).

Views still declare what only they know (custom actions, their bodies) with `extend_schema`.
"""

from __future__ import annotations

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent, force_instance, is_list_serializer, is_serializer
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS, AllowAny

from core.api.serializers import NullBlankMixin


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "directory.auth.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "An integration or customer token."}


class SessionSchemeForSubclasses(SessionScheme):
    """The console session, also when an app subclasses DRF's SessionAuthentication (directory.auth does)."""

    match_subclasses = True
    priority = -1


def drop_trailing_slash_aliases(endpoints, **kwargs):
    """Every route also answers with a trailing slash; the schema lists the canonical form only."""
    return [endpoint for endpoint in endpoints if not endpoint[0].endswith("/")]


ERROR_SCHEMA = {
    "type": "object",
    "description": "The one error envelope of the API.",
    "properties": {
        "message": {"type": "string", "description": "A sentence for people; the first field error when there is one."},
        "code": {
            "type": "string",
            "description": "Machine-readable: the status's generic code (validation_error, not_found, ...) or a "
            "specific rule (fully_booked, outside_hours, check_in_too_early, slot_unavailable, ...); see the API guide.",
        },
        "errors": {
            "type": "object",
            "description": "Field (or `a.0.b` path, or query parameter) -> messages; empty when not about fields.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["message", "code", "errors"],
}

WALL_TIME_SCHEMA = {
    "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$",
    "description": "A wall time, HH:MM:SS (HH:MM accepted), local to the location; no offset.",
    "example": "09:00:00",
}

ERROR_DESCRIPTIONS = {
    "400": "Malformed JSON body, JSON nested too deep, or a body or query string that is not UTF-8 (`bad_request`).",
    "401": "No token, or an invalid, expired or revoked one (`unauthenticated`).",
    "403": "The token lacks the scope, or a customer token may not call this (`forbidden`).",
    "404": "No such record, or not visible to this token (`not_found`).",
    "409": "Conflict: the record is still in use (`in_use`), the slot was just taken (`slot_unavailable`, with "
    "Retry-After), or a lock wait timed out (`lock_timeout`, with Retry-After).",
    "422": "Invalid input (`validation_error`, or the code of the rule that refused it); `errors` names the fields "
    "or query parameters.",
    "413": "The request body is over the size limit (`payload_too_large`).",
    "429": "Too many requests (`throttled`, with Retry-After).",
}


def error_codes(*, method: str, path: str, public: bool, read_only_post: bool) -> list[str]:
    """The error statuses an operation can answer, from how core.api handles every request.

    Authentication and scopes (401, 403) unless the view is public; a path parameter can miss (404); a body can
    be malformed (400), too large (413) or invalid (422), and so can any query string (400, 422); writes can conflict (409:
    in-use deletes, taken slots, lock timeouts on PostgreSQL); every request is throttled (429).
    """
    codes = [] if public else ["401", "403"]
    if "{" in path:
        codes.append("404")
    has_body = method in ("POST", "PUT", "PATCH")
    # Any query string can be undecodable (400) or carry a NUL (422): API.md "Limits".
    codes += ["400", "422"]
    if has_body:
        codes.append("413")
    if method not in SAFE_METHODS and not read_only_post:
        codes.append("409")
    codes.append("429")
    return sorted(codes)


def _envelope(schema: dict) -> dict:
    return {"type": "object", "properties": {"data": schema}, "required": ["data"]}


def _is_envelope(serializer) -> bool:
    return is_serializer(serializer) and "data" in getattr(force_instance(serializer), "fields", {})


class OmneoAutoSchema(AutoSchema):
    """See the module docstring."""

    def _action(self) -> str | None:
        return getattr(self.view, "action", None)

    def _get_paginator(self):
        # ResourceViewSet paginates its `list` action only, and not at all with `paginate = False`.
        if not getattr(self.view, "paginate", True) or self._action() not in (None, "list"):
            return None
        return super()._get_paginator()

    def _is_list_view(self, serializer=None) -> bool:
        if is_list_serializer(serializer):
            return True
        if self._action() is not None:
            return self._action() == "list"
        return super()._is_list_view(serializer)

    def get_request_serializer(self):
        input_class = getattr(self.view, "input_serializer_class", None) or getattr(self.view, "serializer_class", None)
        if input_class is not None and self._action() == "create":
            return input_class
        if input_class is not None and self._action() == "update":
            return input_class(partial=True)  # ResourceViewSet.update validates partially for PUT and PATCH
        return super().get_request_serializer()

    def _get_response_for_code(self, serializer, status_code, media_types=None, direction="response"):
        response = super()._get_response_for_code(serializer, status_code, media_types, direction)
        if not ("200" <= str(status_code) < "300") or "content" not in response:
            return response
        inner = getattr(serializer, "response", serializer)  # OpenApiResponse wraps the serializer
        paginated = self._is_list_view(inner) and self._get_paginator() is not None
        if paginated or _is_envelope(inner):
            return response
        for media in response["content"].values():
            media["schema"] = _envelope(media["schema"])
        return response

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        self.registry.register_on_missing(
            ResolvedComponent(
                name="ErrorEnvelope", type=ResolvedComponent.SCHEMA, object="ErrorEnvelope", schema=ERROR_SCHEMA
            )
        )
        public = any(isinstance(p, AllowAny) for p in self.view.get_permissions())
        read_only_post = self._action() in getattr(self.view, "read_actions", ())
        for code in error_codes(method=self.method, path=self.path, public=public, read_only_post=read_only_post):
            responses.setdefault(
                code,
                {
                    "description": ERROR_DESCRIPTIONS[code],
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}},
                },
            )
        return responses

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        # JSON Schema's "time" format is RFC 3339's full-time, which needs an offset; our times are wall times.
        if isinstance(field, serializers.TimeField) and schema.get("format") == "time":
            del schema["format"]
            schema.update({**WALL_TIME_SCHEMA, **schema})
        # Output serializers turn "" into null (core.api.serializers.NullBlankMixin): say so.
        if (
            direction == "response"
            and getattr(field, "allow_blank", False)
            and isinstance(field.parent, NullBlankMixin)
            and "$ref" not in schema
        ):
            schema["nullable"] = True
        return schema
