"""Refusing webhook URLs that point into our own network (SSRF).

A URL whose host resolves to a private, loopback, link-local, reserved, multicast or unspecified address is refused
unless `NOTIFICATIONS_ALLOW_PRIVATE_URLS` is on (the default with DEBUG, off in production). The check runs when a
target is saved and again before every send, because DNS answers change.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings


class UnsafeUrl(ValueError):
    """The URL is malformed or resolves somewhere we refuse to send to."""


def _blocked(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast or ip.is_unspecified


def check_url(url: str, *, allow_private: bool | None = None) -> None:
    """Raise UnsafeUrl unless `url` is an http(s) URL whose every resolved address is public (or allowed)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeUrl("The URL must be an http or https URL with a host.")
    if allow_private is None:
        allow_private = settings.NOTIFICATIONS_ALLOW_PRIVATE_URLS
    if allow_private:
        return
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (OSError, ValueError) as exc:
        raise UnsafeUrl(f"The host {parts.hostname} does not resolve: {exc}") from exc
    for info in infos:
        if _blocked(info[4][0]):
            raise UnsafeUrl(f"The host {parts.hostname} resolves to a private or local address ({info[4][0]}).")
