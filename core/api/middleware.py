"""Makes every response under /api/ JSON, including Django's own 404 and 500 pages, and refuses query strings
that are not UTF-8 or carry a NUL before any view reads them (API.md "Limits")."""

from __future__ import annotations

import json
import logging
from urllib.parse import unquote_to_bytes

from django.core.exceptions import BadRequest, PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, JsonResponse

from core.api.errors import CODES, envelope
from core.api.parsers import NUL_MESSAGE, too_large

logger = logging.getLogger(__name__)

MESSAGES = {
    400: "Bad request.",
    403: "You do not have permission to perform this action.",
    404: "Not found.",
    405: "Method not allowed.",
    500: "Server error.",
}
# Exceptions Django itself turns into a 4xx response: not server errors.
CLIENT_ERRORS = (Http404, PermissionDenied, BadRequest, SuspiciousOperation)


class ApiJsonErrorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/api/") or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        # DRF responses already carry the envelope (or are the browsable API's HTML for a person).
        if hasattr(response, "data") or getattr(response, "streaming", False) or _is_json(response):
            return response
        status = response.status_code
        return JsonResponse(envelope(MESSAGES.get(status, "Error."), CODES.get(status, "error")), status=status)

    def process_exception(self, request, exception):
        if not request.path.startswith("/api/"):
            return None
        if isinstance(exception, RequestDataTooBig):
            return JsonResponse(envelope(str(too_large().detail), "payload_too_large"), status=413)
        if isinstance(exception, CLIENT_ERRORS):
            # Django answers these with their 4xx status; __call__ then gives that answer a JSON body.
            return None
        logger.exception("Unhandled error on %s", request.path)
        return JsonResponse(envelope("Server error.", "server_error"), status=500)


def _is_json(response) -> bool:
    try:
        json.loads(response.content)
    except (ValueError, TypeError):
        return False
    return True


class ApiQueryStringMiddleware:
    """Django decodes a query string leniently (a bad byte becomes U+FFFD) and passes NUL through to the database,
    which PostgreSQL refuses: under /api/ the first is a 400 and the second a 422 naming the parameter."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            refusal = query_string_refusal(request.META.get("QUERY_STRING", ""))
            if refusal is not None:
                return refusal
        return self.get_response(request)


def query_string_refusal(query_string: str) -> JsonResponse | None:
    # PEP 3333: the WSGI server hands the raw bytes over as a latin-1 str.
    raw = query_string.encode("iso-8859-1", errors="replace")
    for pair in raw.split(b"&"):
        name_bytes, _, value_bytes = pair.partition(b"=")
        try:
            name = unquote_to_bytes(name_bytes.replace(b"+", b" ")).decode("utf-8")
            value = unquote_to_bytes(value_bytes.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            message = "The query string is not valid UTF-8."
            return JsonResponse(envelope(message, "bad_request", {"query": [message]}), status=400)
        if "\x00" in name or "\x00" in value:
            field = name.replace("\x00", "") or "query"
            return JsonResponse(envelope(NUL_MESSAGE, "validation_error", {field: [NUL_MESSAGE]}), status=422)
    return None
