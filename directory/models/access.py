"""Which locations a console user may see and act on."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class OperatorAccess(models.Model):
    """Limits one admin user to some locations. A user without this row (and every superuser) sees all locations;
    a user with it sees only the locations listed, in every list, page and action of the console."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="operator_access")
    locations = models.ManyToManyField("directory.Location", blank=True, related_name="operators")

    class Meta:
        verbose_name = "location access"
        verbose_name_plural = "location access"

    def __str__(self) -> str:
        return f"Locations of {self.user}"
