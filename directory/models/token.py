from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import models

from directory.enums import Scope, TokenKind


class ApiToken(models.Model):
    """A bearer token. Only its SHA-256 hash is stored; the secret is shown once, when issued."""

    name = models.CharField(max_length=255)
    kind = models.CharField(max_length=16, choices=TokenKind.choices, default=TokenKind.INTEGRATION)
    prefix = models.CharField(max_length=16, editable=False, help_text="The first characters, to recognise a token.")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(default=list, blank=True, help_text=f"Any of: {', '.join(Scope.values)}")
    profile = models.ForeignKey(
        "directory.Profile", on_delete=models.CASCADE, null=True, blank=True, related_name="tokens"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=255, blank=True, default="")
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind=TokenKind.INTEGRATION, profile__isnull=True)
                | models.Q(kind=TokenKind.CUSTOMER, profile__isnull=False),
                name="api_token_customer_has_profile",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def clean(self) -> None:
        unknown = [scope for scope in self.scopes or [] if scope not in Scope.values]
        if unknown:
            raise ValidationError(
                {"scopes": f"Unknown scopes: {', '.join(unknown)}. Known: {', '.join(Scope.values)}."}
            )
        if self.kind == TokenKind.CUSTOMER and self.profile_id is None:
            raise ValidationError({"profile": "A customer token is bound to a profile."})
        if self.kind == TokenKind.INTEGRATION and self.profile_id is not None:
            raise ValidationError({"profile": "Integration tokens are not bound to a profile."})

    def is_usable(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    @property
    def is_customer(self) -> bool:
        return self.kind == TokenKind.CUSTOMER
