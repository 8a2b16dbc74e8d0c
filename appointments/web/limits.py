"""CUSTOMER_LINK_RATE_LIMIT requests per secret (a link's token or a feed's URL) per window, counted in the default
cache with the API throttle's counters (core.ratelimit)."""

from __future__ import annotations

import hashlib
import time

from django.conf import settings

from core.ratelimit import parse_rate, window_hit


def retry_after(kind: str, secret: str) -> int | None:
    """None while `secret` is within its budget; else the seconds until the window ends (for Retry-After)."""
    num, duration = parse_rate(settings.CUSTOMER_LINK_RATE_LIMIT)
    key = f"{kind}:" + hashlib.sha256(secret.encode()).hexdigest()[:32]
    allowed, wait = window_hit(key, num, duration, now=time.time())
    return None if allowed else int(wait) + 1
