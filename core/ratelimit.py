"""Fixed-window request counters in the default cache, shared by the API's throttle and the customer pages.

A counter per window (`cache.add` then `cache.incr`) rather than a list of request times: the list is read and
written whole on every request, which costs more the higher the rate. With CACHE_URL (Redis) every web process
draws on the same budget.
"""

from __future__ import annotations

from django.core.cache import cache as default_cache

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """Parse "30/min" into (30, 60): requests per window of that many seconds (DRF's notation)."""
    count, period = rate.split("/")
    return int(count), UNITS[period[0]]


def window_hit(key: str, num_requests: int, duration: int, *, now: float, cache=None) -> tuple[bool, float]:
    """Count one request under `key` in the current window; (allowed, seconds until the window ends)."""
    cache = cache or default_cache
    window = int(now // duration)
    retry_after = duration - (now % duration)
    window_key = f"{key}:{window}"
    if cache.add(window_key, 1, duration + 1):
        return True, retry_after
    try:
        count = cache.incr(window_key)
    except ValueError:  # expired between add and incr: this request opens the window again
        cache.add(window_key, 1, duration + 1)
        return True, retry_after
    return count <= num_requests, retry_after
