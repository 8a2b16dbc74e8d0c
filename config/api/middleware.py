"""Makes every response under /api/ JSON, including Django's own 404 and 500 pages."""

from __future__ import annotations

import json
import logging

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, JsonResponse

from config.api.errors import CODES, envelope

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
