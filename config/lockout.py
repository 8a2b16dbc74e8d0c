"""The answer to a console login refused by django-axes (settings.AXES_LOCKOUT_CALLABLE)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.http import HttpResponse
from django.shortcuts import render


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """429 with the console's login look, saying when to try again; Retry-After in seconds.

    Every failed try during a lockout starts the cool-off again (django-axes' default), so the wait is always the
    whole cool-off from now.
    """
    cool_off = settings.AXES_COOLOFF_TIME
    minutes = max(1, round(cool_off.total_seconds() / 60))
    context = {
        **admin.site.each_context(request),
        "title": "Login locked",
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cool_off_minutes": minutes,
    }
    # Rendered now: the middleware swaps it in after the template-response phase.
    response = render(request, "admin/locked_out.html", context, status=429)
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
