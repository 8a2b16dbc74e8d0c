"""Issuing and revoking API tokens. The secret is returned once and only its hash is kept."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from config.errors import ValidationFailed
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
) -> tuple[ApiToken, str]:
    """Create a token; returns it with its secret, which is not stored and cannot be shown again."""
    scopes = list(dict.fromkeys(scopes or []))
    unknown = [s for s in scopes if s not in Scope.values]
    if unknown:
        raise ValidationFailed.on("scopes", f"Unknown scopes: {', '.join(unknown)}. Known: {', '.join(Scope.values)}.")
    if kind == TokenKind.CUSTOMER and profile is None:
        raise ValidationFailed.on("profile_id", "A customer token is bound to a profile.")
    if kind == TokenKind.CUSTOMER and scopes:
        raise ValidationFailed.on("scopes", "Customer tokens have no scopes: they act for their profile only.")
    raw = _new_secret(kind)
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
