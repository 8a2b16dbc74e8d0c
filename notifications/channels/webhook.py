"""POSTing a rendered body to a webhook target: signed, timed out, with the response read only up to a limit."""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

import urllib3
from urllib3.exceptions import HTTPError, NewConnectionError, TimeoutError

from notifications.channels.safety import UnsafeUrl, check_url

# Only the start of a response is kept (for the attempt log); the rest is never read.
MAX_RESPONSE_BYTES = 4096
USER_AGENT = "appointments-backoffice-notifications/1"

_pool: urllib3.PoolManager | None = None


def pool() -> urllib3.PoolManager:
    """One pooled client per process (keep-alive across sends and threads). urllib3 rather than httpx here: at
    delivery volume it costs a third of the CPU per request (bench/notifications.py)."""
    global _pool
    if _pool is None:
        _pool = urllib3.PoolManager(num_pools=32, maxsize=32, headers={"User-Agent": USER_AGENT})
    return _pool


@dataclass(frozen=True)
class Outcome:
    ok: bool
    status: int | None = None
    error: str = ""
    duration_ms: int = 0
    retry: bool = True  # False when trying again cannot help (a refused URL, a broken template)
    skip: bool = False  # nothing to send to (an inactive target, no recipient): recorded as skipped


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """`t=<unix time>,v1=<hex HMAC-SHA256 of "t.body">`: receivers recompute it and refuse old timestamps."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def _read_some(response, deadline: float) -> bytes:
    """At most MAX_RESPONSE_BYTES of the body, and no longer than the deadline (a slow drip is cut off)."""
    kept = b""
    for chunk in response.stream(1024, decode_content=False):
        kept += chunk
        if len(kept) >= MAX_RESPONSE_BYTES or time.monotonic() > deadline:
            response.close()  # the unread rest is dropped with the connection
            break
    response.release_conn()
    return kept[:MAX_RESPONSE_BYTES]


def post(*, url: str, body: str, notification_id: str, event: str, secret: str, timeout: float) -> Outcome:
    """Send one webhook; any 2xx is success, anything else (or no answer in time) is a failure to retry.

    Redirects are not followed (a 3xx is a failure): the URL that was checked is the one we send to.
    """
    started = time.monotonic()
    try:
        check_url(url)
    except UnsafeUrl as exc:
        return Outcome(ok=False, error=str(exc), retry=False)
    payload = body.encode()
    headers = {"Content-Type": "application/json", "X-Notification-Id": notification_id, "X-Notification-Event": event}
    if secret:
        headers["X-Signature"] = signature(secret, int(time.time()), payload)
    try:
        response = pool().request(
            "POST", url, body=payload, headers=headers, timeout=urllib3.Timeout(total=timeout), redirect=False,
            retries=False, preload_content=False,
        )  # fmt: skip
        kept = _read_some(response, started + timeout)
    except NewConnectionError as exc:
        return Outcome(ok=False, error=f"Connection failed: {exc.__cause__ or exc}", duration_ms=_ms(started))
    except TimeoutError:
        return Outcome(ok=False, error=f"Timed out after {timeout:g}s.", duration_ms=_ms(started))
    except HTTPError as exc:
        return Outcome(ok=False, error=f"{type(exc).__name__}: {exc}", duration_ms=_ms(started))
    if 200 <= response.status < 300:
        return Outcome(ok=True, status=response.status, duration_ms=_ms(started))
    text = kept.decode("utf-8", "replace")
    error = f"HTTP {response.status}: {text[:500]}"
    return Outcome(ok=False, status=response.status, error=error, duration_ms=_ms(started))


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
