"""Who is calling the API: the principal every view, permission and throttle sees.

The authenticators that build it live next to what they check (`directory.auth`: API tokens and console
sessions); this module only describes the caller, so the shared base needs no app.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from uuid import UUID


class PrincipalKind(StrEnum):
    INTEGRATION = "integration"
    CUSTOMER = "customer"
    USER = "user"


ADMIN_SCOPE = "admin"  # implies every other scope


@dataclass(frozen=True)
class Principal:
    """An integration token, a customer token (bound to a profile) or a staff user's console session."""

    kind: str  # a PrincipalKind
    actor: str  # as recorded on audit rows: "token:<id>", "profile:<uuid>", "user:<id>"
    scopes: frozenset[str] = field(default_factory=frozenset)
    profile_id: UUID | None = None
    token_id: int | None = None
    is_authenticated: bool = True

    @property
    def is_customer(self) -> bool:
        return self.kind == PrincipalKind.CUSTOMER

    @property
    def is_staff_side(self) -> bool:
        """Staff users and integrations: may override availability and act for any profile."""
        return self.kind != PrincipalKind.CUSTOMER

    def has_scope(self, scope: str) -> bool:
        """`<area>:write` implies `<area>:read`; `admin` implies everything; a customer holds no scope."""
        if self.is_customer:
            return False
        if ADMIN_SCOPE in self.scopes or scope in self.scopes:
            return True
        area, _, access = scope.partition(":")
        return access == "read" and f"{area}:write" in self.scopes


def principal_of(request) -> Principal | None:
    """The Principal an authenticator let in (None when anonymous)."""
    user = getattr(request, "user", None)
    return user if isinstance(user, Principal) else None
