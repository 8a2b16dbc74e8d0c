"""The one error envelope: `{"message": str, "code": str, "errors": {field: [messages]}}`."""

from __future__ import annotations

import logging

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, RestrictedError
from django.db.utils import OperationalError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response

from core.api.parsers import too_large
from core.errors import DomainError

logger = logging.getLogger(__name__)

CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "throttled",
    500: "server_error",
}


def envelope(message: str, code: str, errors: dict | None = None) -> dict:
    return {"message": message, "code": code, "errors": errors or {}}


def flatten_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF nests errors by field, list index and child field; the envelope wants `a.0.b: [...]` keys."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = "non_field_errors" if key == "non_field_errors" and not prefix else key
            out.update(flatten_errors(value, f"{prefix}.{name}" if prefix else str(name)))
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            out.setdefault(prefix or "non_field_errors", []).extend(str(item) for item in detail)
        else:
            for index, item in enumerate(detail):
                if item:
                    out.update(flatten_errors(item, f"{prefix}.{index}" if prefix else str(index)))
    else:
        out.setdefault(prefix or "non_field_errors", []).append(str(detail))
    return out


def first_message(errors: dict[str, list[str]], default: str) -> str:
    for field, messages in errors.items():
        if messages:
            return messages[0] if field == "non_field_errors" else f"{field}: {messages[0]}"
    return default


def error_response(status_code: int, message: str, code: str | None = None, errors=None, headers=None) -> Response:
    return Response(
        envelope(message, code or CODES.get(status_code, "error"), errors), status=status_code, headers=headers
    )


def exception_handler(exc, context):  # noqa: C901 - one place maps every error kind
    """DRF's EXCEPTION_HANDLER: every error leaves the API in the same shape."""
    if isinstance(exc, DomainError):
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else None
        return error_response(exc.status, exc.message, exc.code, exc.errors, headers)
    if isinstance(exc, exceptions.ValidationError):
        errors = flatten_errors(exc.detail)
        return error_response(422, first_message(errors, "The given data was invalid."), "validation_error", errors)
    if isinstance(exc, DjangoValidationError):
        errors = flatten_errors(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
        return error_response(422, first_message(errors, "The given data was invalid."), "validation_error", errors)
    if isinstance(exc, Http404):
        return error_response(404, "Not found.")
    if isinstance(exc, RequestDataTooBig):
        # Django refuses to read a body over DATA_UPLOAD_MAX_MEMORY_SIZE before any parser sees it.
        return exception_handler(too_large(), context)
    if isinstance(exc, ProtectedError | RestrictedError):
        return error_response(409, "This record is still in use and cannot be deleted.", "in_use")
    if isinstance(exc, exceptions.Throttled):
        headers = {"Retry-After": str(int(exc.wait or 1))}
        return error_response(429, "Too many requests.", "throttled", headers=headers)
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        return error_response(401, str(exc.detail), "unauthenticated", headers={"WWW-Authenticate": "Bearer"})
    if isinstance(exc, exceptions.APIException):
        code = CODES.get(exc.status_code, "error")
        return error_response(exc.status_code, str(exc.detail), code)
    if isinstance(exc, OperationalError) and "lock" in str(exc).lower():
        return error_response(409, "The resource is busy; try again.", "lock_timeout", headers={"Retry-After": "1"})
    logger.exception("Unhandled error in %s", context.get("view").__class__.__name__ if context else "?")
    return error_response(status.HTTP_500_INTERNAL_SERVER_ERROR, "Server error.")
