"""POSTing a rendered body to a webhook target: signed, timed out, with the response read only up to a limit."""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

import httpx

from notifications.channels.safety import UnsafeUrl, check_url

# Only the start of a response is kept (for the attempt log); the rest is never read.
MAX_RESPONSE_BYTES = 4096
USER_AGENT = "appointments-backoffice-notifications/1"

_client: httpx.Client | None = None


def client() -> httpx.Client:
    """One pooled client per process (keep-alive across sends); redirects are not followed."""
    global _client
    if _client is None:
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=32)
        _client = httpx.Client(follow_redirects=False, limits=limits, headers={"User-Agent": USER_AGENT})
    return _client


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


def post(*, url: str, body: str, notification_id: str, event: str, secret: str, timeout: float) -> Outcome:
    """Send one webhook; any 2xx is success, anything else (or no answer in time) is a failure to retry."""
    started = time.monotonic()
    try:
        check_url(url)
    except UnsafeUrl as exc:
        return Outcome(ok=False, error=str(exc), retry=False)
    payload = body.encode()
    headers = {"Content-Type": "application/json", "X-Notification-Id": notification_id, "X-Notification-Event": event}
    if secret:
        headers["X-Signature"] = signature(secret, int(time.time()), payload)
    deadline = started + timeout
    try:
        with client().stream("POST", url, content=payload, headers=headers, timeout=timeout) as response:
            kept = b""
            for chunk in response.iter_bytes():
                kept += chunk
                if len(kept) >= MAX_RESPONSE_BYTES or time.monotonic() > deadline:
                    break
    except httpx.TimeoutException:
        return Outcome(ok=False, error=f"Timed out after {timeout:g}s.", duration_ms=_ms(started))
    except httpx.HTTPError as exc:
        return Outcome(ok=False, error=f"{type(exc).__name__}: {exc}", duration_ms=_ms(started))
    if 200 <= response.status_code < 300:
        return Outcome(ok=True, status=response.status_code, duration_ms=_ms(started))
    text = kept[:MAX_RESPONSE_BYTES].decode("utf-8", "replace")
    error = f"HTTP {response.status_code}: {text[:500]}"
    return Outcome(ok=False, status=response.status_code, error=error, duration_ms=_ms(started))


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
