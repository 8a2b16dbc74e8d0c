"""One-time links under real concurrency (PostgreSQL): the same cancel or claim link posted several times at once,
each request in its own thread and connection, released together. Exactly one use goes through."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.test import Client
from django.utils import timezone

from appointments.models import Appointment, AppointmentEvent, CustomerLink, WaitlistOffer
from appointments.services.lifecycle import appointment_transition
from appointments.services.waitlist import waitlist_join
from directory.models import AuditRecord
from notifications.models import Notification
from tests.appointments.link_world import MELBOURNE, book, make_shop
from tests.appointments.test_waitlist_race import run_together
from tests.factories import ProfileFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RACERS = 4


def next_monday():
    today = timezone.now().astimezone(MELBOURNE).date() + timedelta(days=7)
    return today + timedelta(days=(7 - today.weekday()) % 7)


def test_a_cancel_link_posted_at_once_cancels_once():
    shop = make_shop()
    appointment = book(shop, 10, now=timezone.now(), day=next_monday())
    links = Notification.objects.get(subject_id=str(appointment.pk), event="created").context["links"]
    url = urlparse(links["cancel"]).path

    codes = sorted(r.status_code for r in run_together([lambda: Client().post(url, {"reason": "x"})] * RACERS))

    assert codes == [200] + [410] * (RACERS - 1)
    assert Appointment.objects.get(pk=appointment.pk).status == "cancelled"
    assert AppointmentEvent.objects.filter(appointment=appointment, to_status="cancelled").count() == 1
    assert AuditRecord.objects.filter(action="customer_link.use").count() == 1
    assert CustomerLink.objects.get(purpose="cancel").used_at is not None


def test_a_claim_link_posted_at_once_books_the_place_once():
    shop = make_shop()
    now = timezone.now()
    taken = book(shop, 10, profile=ProfileFactory(), now=now, day=next_monday())
    entry = waitlist_join(definition_id=shop.definition.pk, profile_id=shop.ada.pk, location_id=shop.location.pk,
                          actor=f"profile:{shop.ada.pk}", now=now)  # fmt: skip
    appointment_transition(appointment_id=taken.pk, to="cancelled", actor="user:1", now=now)
    offer = WaitlistOffer.objects.get(entry=entry)
    links = Notification.objects.get(subject_type="waitlist_offer", subject_id=str(offer.pk)).context["links"]
    claim, decline = urlparse(links["claim"]).path, urlparse(links["decline"]).path

    responses = run_together([lambda: Client().post(claim)] * RACERS + [lambda: Client().post(decline)])

    codes = [r.status_code for r in responses]
    assert codes.count(200) == 1, codes
    assert all(code in (410, 422) for code in codes if code != 200), codes
    offer.refresh_from_db()
    holding = Appointment.objects.filter(definition=shop.definition, status="confirmed")
    if offer.status == "claimed":
        assert [a.profile_id for a in holding] == [shop.ada.pk]
    else:  # the decline won: the place went back to the pool, nobody else waits
        assert (offer.status, holding.count()) == ("declined", 0)
    assert AuditRecord.objects.filter(action="customer_link.use").count() == 1
