from rest_framework.throttling import SimpleRateThrottle

from config.api.auth import principal_of


class TokenRateThrottle(SimpleRateThrottle):
    """One budget per caller (token, profile or user), set by API_RATE_LIMIT."""

    scope = "token"

    def get_cache_key(self, request, view):
        principal = principal_of(request)
        ident = principal.actor if principal else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
