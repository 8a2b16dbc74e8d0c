"""Scopes for integration tokens and staff users; an explicit allow-list of actions for customer tokens."""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

from core.principal import principal_of


def view_action(request, view) -> str:
    return getattr(view, "action", None) or request.method.lower()


class ScopePermission(BasePermission):
    """A view names its `scope_area` (e.g. "locations") and the `customer_actions` a customer token may call.

    Reads need `<area>:read`, writes `<area>:write`; what a customer sees inside an allowed action is narrowed
    by the view's queryset, so somebody else's record is a 404, not a 403.
    """

    def has_permission(self, request, view) -> bool:
        principal = principal_of(request)
        if principal is None:
            return False
        if principal.is_customer:
            return view_action(request, view) in getattr(view, "customer_actions", ())
        area = getattr(view, "scope_area", None)
        if area is None:
            return principal.has_scope("admin")
        # Some POSTs only compute an answer (availability): the view lists them in `read_actions`.
        reads = getattr(view, "read_actions", ())
        access = "read" if request.method in SAFE_METHODS or view_action(request, view) in reads else "write"
        return principal.has_scope(f"{area}:{access}")
