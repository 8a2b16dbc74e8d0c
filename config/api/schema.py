"""drf-spectacular glue: the bearer scheme, and one path per endpoint in the schema."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "config.api.auth.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "An integration or customer token."}


def drop_trailing_slash_aliases(endpoints, **kwargs):
    """Every route also answers with a trailing slash; the schema lists the canonical form only."""
    return [endpoint for endpoint in endpoints if not endpoint[0].endswith("/")]
