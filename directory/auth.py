"""The API's authenticators, next to the tokens and roles they check: bearer tokens and console sessions.

Both answer with a `core.principal.Principal`, so views, permissions and throttles see one kind of caller.
"""

from __future__ import annotations

from django.utils import timezone
from rest_framework import authentication, exceptions

from core.principal import Principal, PrincipalKind
from directory.enums import TokenKind
from directory.roles import staff_api_scopes
from directory.selectors import token_authenticate


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
                kind=PrincipalKind.CUSTOMER,
                actor=f"profile:{token.profile_id}",
                profile_id=token.profile_id,
                token_id=token.pk,
            )
        else:
            principal = Principal(
                kind=PrincipalKind.INTEGRATION,
                actor=f"token:{token.pk}",
                scopes=frozenset(token.scopes),
                token_id=token.pk,
            )
        return principal, token

    def authenticate_header(self, request) -> str:
        return "Bearer"


class SessionPrincipalAuthentication(authentication.SessionAuthentication):
    """A console session (with DRF's CSRF check) may do through the API what the user's role allows
    (directory/roles.py `staff_api_scopes`)."""

    def authenticate(self, request):
        answer = super().authenticate(request)
        if answer is None:
            return None
        user = answer[0]
        return Principal(kind=PrincipalKind.USER, actor=f"user:{user.pk}", scopes=staff_api_scopes(user)), None
