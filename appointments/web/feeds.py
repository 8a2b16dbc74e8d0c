"""/feeds/<secret>.ics: a staff member's or a location's appointments for calendar apps (appointments.selectors.feeds).

The secret is the only key; an unknown or revoked one is a 404. Rate-limited per URL like the customer pages.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from appointments.selectors.feeds import feed_ics, usable_feed
from appointments.services.feeds import feed_fetched
from appointments.web.limits import retry_after


@require_http_methods(["GET", "HEAD"])
def calendar_feed(request, secret: str):
    wait = retry_after("calendar-feed", secret)
    if wait is not None:
        response = HttpResponse("Too many requests.", status=429, content_type="text/plain")
        response["Retry-After"] = str(wait)
        return response
    feed = usable_feed(secret)
    if feed is None:
        raise Http404("No such calendar feed.")
    now = timezone.now()
    feed_fetched(feed, now=now)
    response = HttpResponse(feed_ics(feed, now=now), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
