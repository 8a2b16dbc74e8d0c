"""Issuing and revoking API tokens. The secret is returned once and only its hash is kept."""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import secrets
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from core.errors import ValidationFailed
from directory.enums import Scope, TokenKind
from directory.models import ApiToken, Profile
from directory.selectors import token_hash

PREFIXES = {TokenKind.INTEGRATION: "ik_", TokenKind.CUSTOMER: "ck_"}


def _new_secret(kind: str) -> str:
    return PREFIXES[kind] + secrets.token_urlsafe(32)


@transaction.atomic
def token_issue(
    *,
    name: str,
    kind: str = TokenKind.INTEGRATION,
    scopes: list[str] | None = None,
    profile: Profile | None = None,
    expires_at: datetime | None = None,
    created_by: str = "",
    secret: str | None = None,
) -> tuple[ApiToken, str]:
    """Create a token; returns it with its secret, which is not stored and cannot be shown again.

    `secret` is for token_ensure_derived only; everything else gets a random one."""
    scopes = list(dict.fromkeys(scopes or []))
    unknown = [s for s in scopes if s not in Scope.values]
    if unknown:
        raise ValidationFailed.on("scopes", f"Unknown scopes: {', '.join(unknown)}. Known: {', '.join(Scope.values)}.")
    if kind == TokenKind.CUSTOMER and profile is None:
        raise ValidationFailed.on("profile_id", "A customer token is bound to a profile.")
    if kind == TokenKind.CUSTOMER and scopes:
        raise ValidationFailed.on("scopes", "Customer tokens have no scopes: they act for their profile only.")
    raw = secret or _new_secret(kind)
    token = ApiToken.objects.create(
        name=name,
        kind=kind,
        prefix=raw[:8],
        key_hash=token_hash(raw),
        scopes=scopes,
        profile=profile,
        expires_at=expires_at,
        created_by=created_by,
    )
    return token, raw


@transaction.atomic
def token_revoke(token: ApiToken, *, now: datetime | None = None) -> ApiToken:
    """Revoke a token; revoking twice keeps the first time."""
    if token.revoked_at is None:
        token.revoked_at = now or timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def derived_secret(seed: str, label: str, kind: str = TokenKind.INTEGRATION) -> str:
    """A token secret computed from `seed` (a secret itself, e.g. SECRET_KEY) and a label: HMAC-SHA256, base64url."""
    digest = hmac.new(seed.encode(), label.encode(), hashlib.sha256).digest()
    return PREFIXES[kind] + base64.urlsafe_b64encode(digest).decode().rstrip("=")


@transaction.atomic
def token_ensure_derived(
    *, name: str, seed: str, scopes: list[str], created_by: str = "", now: datetime | None = None
) -> tuple[ApiToken, str]:
    """The usable integration token whose secret is derived from `seed` and `name`, issued if there is none.

    Running it again returns the same token and secret, so a secret someone pasted keeps working across restarts
    (and across a fresh database with the same seed). A token revoked or expired meanwhile is never revived: the
    next generation (`name:1`, `name:2`, ...) is derived and issued instead. Used by `seed_demo`.
    """
    now = now or timezone.now()
    for generation in itertools.count():
        raw = derived_secret(seed, f"{name}:{generation}")
        existing = ApiToken.objects.filter(key_hash=token_hash(raw)).first()
        if existing is None:
            return token_issue(name=name, scopes=scopes, created_by=created_by, secret=raw)
        if existing.is_usable(now):
            return existing, raw
    raise AssertionError("unreachable")  # pragma: no cover
