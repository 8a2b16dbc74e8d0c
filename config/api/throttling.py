import time

from rest_framework.throttling import SimpleRateThrottle

from config.api.auth import principal_of


class TokenRateThrottle(SimpleRateThrottle):
    """One budget per caller per fixed window: per token for integration and customer tokens, per user for an
    admin session, per address when anonymous. Customer tokens have their own rate (API_CUSTOMER_RATE_LIMIT,
    scope "customer"); everybody else has API_RATE_LIMIT (scope "token").

    A counter per window (`cache.add` then `cache.incr`) instead of DRF's list of request times: the list is
    read and written whole on every request, which costs more the higher the rate. The counters live in the
    default cache, so with CACHE_URL (Redis) every web process draws on the same budget.
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
        key = self.get_cache_key(request, view)
        now = time.time()
        window = int(now // self.duration)
        self.retry_after = self.duration - (now % self.duration)
        window_key = f"{key}:{window}"
        if self.cache.add(window_key, 1, self.duration + 1):
            return True
        try:
            count = self.cache.incr(window_key)
        except ValueError:  # expired between add and incr: this request opens the window again
            self.cache.add(window_key, 1, self.duration + 1)
            return True
        return count <= self.num_requests

    def wait(self):
        return self.retry_after
