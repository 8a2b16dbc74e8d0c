import time

from rest_framework.throttling import SimpleRateThrottle

from config.api.auth import principal_of


class TokenRateThrottle(SimpleRateThrottle):
    """One budget per caller (token, profile or user) per fixed window, set by API_RATE_LIMIT.

    A counter per window (`cache.add` then `cache.incr`) instead of DRF's list of request times: the list is
    read and written whole on every request, which costs more the higher the rate.
    """

    scope = "token"

    def get_cache_key(self, request, view):
        principal = principal_of(request)
        ident = principal.actor if principal else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
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
