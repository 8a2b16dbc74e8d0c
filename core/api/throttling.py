import time

from rest_framework.throttling import SimpleRateThrottle

from core.principal import principal_of
from core.ratelimit import window_hit


class TokenRateThrottle(SimpleRateThrottle):
    """One budget per caller per fixed window: per token for integration and customer tokens, per user for an
    admin session, per address when anonymous. Customer tokens have their own rate (API_CUSTOMER_RATE_LIMIT,
    scope "customer"); everybody else has API_RATE_LIMIT (scope "token").

    A counter per window instead of DRF's list of request times (core.ratelimit.window_hit, shared with the
    customer pages), in the default cache, so with CACHE_URL (Redis) every web process draws on the same budget.
    """

    scope = "token"
    customer_scope = "customer"

    def get_cache_key(self, request, view):
        principal = principal_of(request)
        if principal is None:
            ident = self.get_ident(request)
        elif principal.token_id is not None:
            ident = f"token:{principal.token_id}"
        else:
            ident = principal.actor
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request, view):
        principal = principal_of(request)
        rate = self.rate
        if principal is not None and principal.is_customer:
            rate = self.THROTTLE_RATES.get(self.customer_scope, self.rate)
        if rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(rate)
        allowed, self.retry_after = window_hit(
            self.get_cache_key(request, view), self.num_requests, self.duration, now=time.time(), cache=self.cache
        )
        return allowed

    def wait(self):
        return self.retry_after
