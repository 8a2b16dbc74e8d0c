"""Bearer-token authentication and the principal every view and service sees."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from django.utils import timezone
from rest_framework import authentication, exceptions

from directory.enums import Scope, TokenKind
from directory.roles import staff_api_scopes
from directory.selectors import token_authenticate


@dataclass(frozen=True)
class Principal:
    """Who is calling: an integration token, a customer token (bound to a profile) or a staff user."""

    kind: str  # "integration", "customer" or "user"
    actor: str  # as recorded on audit rows: "token:<id>", "profile:<uuid>", "user:<id>"
    scopes: frozenset[str] = field(default_factory=frozenset)
    profile_id: UUID | None = None
    token_id: int | None = None
    is_authenticated: bool = True

    @property
    def is_customer(self) -> bool:
        return self.kind == TokenKind.CUSTOMER

    @property
    def is_staff_side(self) -> bool:
        """Staff users and integrations: may override availability and act for any profile."""
        return self.kind != TokenKind.CUSTOMER

    def has_scope(self, scope: str) -> bool:
        if self.is_customer:
            return False
        if Scope.ADMIN in self.scopes or scope in self.scopes:
            return True
        area, _, access = scope.partition(":")
        return access == "read" and f"{area}:write" in self.scopes


def principal_of(request) -> Principal | None:
    """The Principal for a request, whichever authenticator let it in (None when anonymous)."""
    user = getattr(request, "user", None)
    if isinstance(user, Principal):
        return user
    if user is not None and getattr(user, "is_authenticated", False):
        # A console session may do through the API what the user's role allows (directory/roles.py).
        return Principal(kind="user", actor=f"user:{user.pk}", scopes=staff_api_scopes(user))
    return None


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "bearer"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Invalid Authorization header: expected 'Bearer <token>'.")
        try:
            raw = parts[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed("Invalid token.") from exc
        token = token_authenticate(raw, now=timezone.now())
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked token.")
        if token.kind == TokenKind.CUSTOMER:
            principal = Principal(
                kind=TokenKind.CUSTOMER,
                actor=f"profile:{token.profile_id}",
                profile_id=token.profile_id,
                token_id=token.pk,
            )
        else:
            principal = Principal(
                kind=TokenKind.INTEGRATION,
                actor=f"token:{token.pk}",
                scopes=frozenset(token.scopes),
                token_id=token.pk,
            )
        return principal, token

    def authenticate_header(self, request) -> str:
        return "Bearer"
