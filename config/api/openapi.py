"""The error envelope as the OpenAPI schema shows it on the new endpoints."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse

# The one error component, registered by config.api.schema.OmneoAutoSchema on every operation.
ERROR_BODY = {"$ref": "#/components/schemas/ErrorEnvelope"}
ERRORS = {
    401: OpenApiResponse(ERROR_BODY, description="Missing or invalid token"),
    403: OpenApiResponse(ERROR_BODY, description="Not allowed for this token"),
    404: OpenApiResponse(ERROR_BODY, description="Not found (or not the customer's own)"),
    409: OpenApiResponse(ERROR_BODY, description="Conflict (lost race, no open offer, already converted)"),
    422: OpenApiResponse(ERROR_BODY, description="Validation failed; `errors` is keyed by field"),
}
