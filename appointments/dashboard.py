"""Dashboard cards of the walk-in queue and the waitlist: queue length, longest wait, open offers per location."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone

from appointments.enums import OfferStatus, QueueStatus
from appointments.models import QueueEntry, WaitlistOffer
from directory.admin_base import Card, Link, console_link, dashboard_card, locations_for
from directory.models import Location


def _locations(request, location) -> list[Location]:
    """The location asked for, or every location this operator may see."""
    return [location] if location is not None else list(locations_for(request.user))


@dashboard_card(section="Walk-in queue and waitlist", order=30)
def queue_cards(request, location, day: date) -> list[Card]:
    """Per location: people waiting, the longest wait so far (minutes), open waitlist offers; 2 queries."""
    if not request.user.has_perm("appointments.view_queueentry"):
        return []
    locations = _locations(request, location)
    ids = [place.pk for place in locations]
    now = timezone.now()
    waiting = {
        location_id: (n, first)
        for location_id, n, first in QueueEntry.objects.filter(location_id__in=ids, status=QueueStatus.WAITING)
        .values("location_id")
        .annotate(n=Count("id"), first=Min("created_at"))
        .values_list("location_id", "n", "first")
        .order_by()
    }
    offers = dict(
        WaitlistOffer.objects.filter(location_id__in=ids, status=OfferStatus.OPEN)
        .values("location_id")
        .annotate(n=Count("id"))
        .values_list("location_id", "n")
        .order_by()
    )
    cards = []
    for place in locations:
        board = reverse("admin:appointments_queue_board", args=[place.pk])
        length, first = waiting.get(place.pk, (0, None))
        longest = int((now - first).total_seconds() // 60) if first else 0
        suffix = "" if location is not None else f" · {place.name}"
        cards += [
            Card(f"Waiting{suffix}", length, board),
            Card(f"Longest wait (min){suffix}", longest, board, "warning" if longest >= 30 else ""),
            Card(f"Open waitlist offers{suffix}", offers.get(place.pk, 0),
                 reverse("admin:appointments_waitlistentry_changelist") + f"?offer=open&location__id__exact={place.pk}"),
        ]  # fmt: skip
    return cards


for _link in (
    Link("Front desk", "Queue board", "admin:appointments_queue_boards", "groups", "appointments.view_queueentry", 35),
    Link("Front desk", "Walk-in queue", "admin:appointments_queueentry_changelist", "format_list_numbered",
         "appointments.view_queueentry", 40),
    Link("Front desk", "Waitlist", "admin:appointments_waitlistentry_changelist", "hourglass_top",
         "appointments.view_waitlistentry", 45),
    Link("Reports", "Visits", "admin:visits_visit_changelist", "directions_walk", "visits.view_visit", 10),
    Link("Reports", "Footfall", "admin:visits_visit_footfall", "bar_chart", "visits.view_visit", 20),
):  # fmt: skip
    console_link(_link)
