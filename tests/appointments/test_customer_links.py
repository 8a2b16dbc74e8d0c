"""Signed action links in customers' messages and the pages behind them (docs/customer-links.md), through Django's
test client; tests/browser/test_customer_links.py follows the emailed links in Chromium."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.test import Client, override_settings
from icalendar import Calendar

from appointments.enums import LinkPurpose
from appointments.models import Appointment, AppointmentEvent, CustomerLink, WaitlistOffer
from appointments.services.customer_links import appointment_links, resolve
from appointments.services.lifecycle import appointment_transition
from appointments.services.privacy import profile_erase
from appointments.services.waitlist import waitlist_join
from directory.models import AuditRecord
from notifications.models import Notification
from tests.appointments.link_world import (
    DAY,
    NOW,
    book,
    local,
    make_shop,
    outbox,
    trail,
    written_counts,
)
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return make_shop()


def path(url: str) -> str:
    return urlparse(url).path


def context_links(appointment) -> dict:
    return Notification.objects.get(
        subject_type="appointment", subject_id=str(appointment.pk), event="created"
    ).context["links"]


def test_every_message_about_a_booking_carries_its_four_links_and_the_tokens_reveal_nothing(shop, at_now):
    appointment = book(shop, 10)

    contexts = [n.context for n in Notification.objects.filter(subject_id=str(appointment.pk))]
    assert sorted(n.event for n in Notification.objects.filter(subject_id=str(appointment.pk))) == [
        "confirmed", "created", "reminder"]  # fmt: skip
    for context in contexts:
        assert set(context["links"]) == {"view", "reschedule", "cancel", "calendar"}
    links = contexts[0]["links"]
    assert all(context["links"] == links for context in contexts)
    rows = {link.purpose: link for link in CustomerLink.objects.filter(appointment=appointment)}
    assert set(rows) == {"view", "reschedule", "cancel", "calendar"}
    for purpose, url in links.items():
        assert url.startswith("http://127.0.0.1:8000/my/")
        token = path(url).split("/")[2]
        key, _timestamp, _signature = token.split(":")
        # The token carries the row's random key and a signature: no id, name, email or purpose in clear.
        assert key == rows[purpose].key and len(key) == 22
        for secret in ("Ada", "ada@example.com", purpose, str(shop.ada.pk)):
            assert secret not in key
        assert resolve(token, purpose, now=NOW) == rows[purpose]
        assert rows[purpose].expires_at == appointment.scheduled_end_at + timedelta(days=30)
    assert sorted(
        AuditRecord.objects.filter(action="customer_link.issue").values_list("subject_id", "data__purpose")
    ) == sorted((str(appointment.pk), purpose) for purpose in rows)


def test_the_default_email_lists_the_links_and_a_webhook_gets_them_in_its_body(shop, at_now):
    from notifications.rendering import render_email

    appointment = book(shop, 10)
    context = Notification.objects.get(subject_id=str(appointment.pk), event="created").context

    _subject, text, _html = render_email("", "", {**context, "event_label": "Appointment booked"})

    links = context["links"]
    assert text.endswith(
        f"\nSee your appointment: {links['view']}\nReschedule: {links['reschedule']}\nCancel: {links['cancel']}\n"
        f"Add to your calendar: {links['calendar']}\n"
    )


def test_a_definition_that_allows_no_cancelling_from_a_link_sends_no_cancel_link(at_now):
    shop = make_shop(customer_cancel_notice_hours=None)

    appointment = book(shop, 10)

    assert context_links(appointment)["cancel"] is None
    assert context_links(appointment)["reschedule"] is not None


def test_the_view_page_shows_local_time_zone_address_phone_and_the_actions(shop, at_now):
    appointment = book(shop, 10)

    page = Client().get(path(context_links(appointment)["view"]))

    assert page.status_code == 200
    assert (page["Cache-Control"], page["Referrer-Policy"]) == ("no-store", "same-origin")
    html = page.content.decode()
    assert "Monday 16 June 2025, 10:00&ndash;10:30" in html
    assert "Australia/Melbourne (AEST)" in html
    assert "1 Smith St<br>Fitzroy<br>VIC<br>3065" in html
    assert 'href="tel:+61 3 9000 0000"' in html
    assert 'id="action-reschedule"' in html and 'id="action-cancel"' in html and 'id="action-calendar"' in html


def test_reschedule_from_the_link_moves_it_like_the_api_does(shop, at_now, make_customer_client):
    appointment = book(shop, 10)
    twin_customer = make_customer_client(ProfileFactory(first_name="Bob"))
    twin = book(shop, 14, profile=twin_customer.profile)
    url = path(context_links(appointment)["reschedule"])

    page = Client().get(url)
    assert page.status_code == 200
    assert local(DAY, 11).isoformat() in page.content.decode()
    done = Client().post(url, {"slot": local(DAY, 11).isoformat()})
    api = twin_customer.put(f"/api/v3/appointments/{twin.pk}", {"scheduled_start_at": "2025-06-16 15:00:00"},
                            format="json")  # fmt: skip

    assert (done.status_code, api.status_code) == (200, 200)
    assert "Your appointment was moved" in done.content.decode()
    appointment.refresh_from_db()
    assert appointment.scheduled_start_at == local(DAY, 11)
    assert trail(appointment) == trail(twin) == [("created", "profile", "", "confirmed", "", False),
                                                 ("rescheduled", "profile", "confirmed", "confirmed", "", True)]  # fmt: skip
    assert outbox("appointment", appointment.pk) == outbox("appointment", twin.pk)
    event = AppointmentEvent.objects.get(appointment=appointment, kind="rescheduled")
    assert event.actor == f"profile:{shop.ada.pk}"
    assert event.data["to"] == "2025-06-16T01:00:00Z"
    use = AuditRecord.objects.get(action="customer_link.use")
    assert (use.subject_type, use.subject_id, use.actor) == ("appointment", str(appointment.pk), event.actor)
    assert use.data == {"purpose": "reschedule", "link_id": use.data["link_id"], "from": "2025-06-16T00:00:00Z",
                        "to": "2025-06-16T01:00:00Z"}  # fmt: skip
    # Reschedule links are not one-time: the same link moves it again.
    assert Client().post(url, {"slot": local(DAY, 12).isoformat()}).status_code == 200


def test_cancel_from_the_link_asks_then_cancels_once_with_the_reason(shop, at_now, make_customer_client):
    appointment = book(shop, 10)
    twin_customer = make_customer_client(ProfileFactory(first_name="Bob"))
    twin = book(shop, 14, profile=twin_customer.profile)
    url = path(context_links(appointment)["cancel"])

    ask = Client().get(url)
    assert ask.status_code == 200 and 'id="cancel-form"' in ask.content.decode()
    assert Appointment.objects.get(pk=appointment.pk).status == "confirmed"
    done = Client().post(url, {"reason": "Feeling unwell"})
    api = twin_customer.put(f"/api/v3/appointments/{twin.pk}", {"status": "cancelled", "reason": "Feeling unwell"},
                            format="json")  # fmt: skip

    assert (done.status_code, api.status_code) == (200, 200)
    assert trail(appointment) == trail(twin) == [("created", "profile", "", "confirmed", "", False),
                                                 ("status", "profile", "confirmed", "cancelled", "Feeling unwell", False)]  # fmt: skip
    assert outbox("appointment", appointment.pk) == outbox("appointment", twin.pk) == [
        ("cancelled", "pending"), ("confirmed", "pending"), ("created", "pending"), ("reminder", "cancelled")]  # fmt: skip
    link = CustomerLink.objects.get(appointment=appointment, purpose="cancel")
    assert link.used_at == NOW
    before = written_counts()
    again = Client().post(url, {"reason": "again"})
    assert again.status_code == 410
    assert "already used" in again.content.decode()
    assert written_counts() == before


def test_the_cancelled_message_offers_no_change_links_and_the_view_page_says_it_is_cancelled(shop, at_now):
    appointment = book(shop, 10)
    view = path(context_links(appointment)["view"])
    appointment_transition(appointment_id=appointment.pk, to="cancelled", actor="user:1", now=NOW)

    links = Notification.objects.get(subject_id=str(appointment.pk), event="cancelled").context["links"]

    assert (links["reschedule"], links["cancel"]) == (None, None)
    assert resolve(path(links["view"]).split("/")[2], "view", now=NOW) == resolve(view.split("/")[2], "view", now=NOW)
    page = Client().get(view).content.decode()
    assert 'data-status="cancelled"' in page
    assert "it can no longer be rescheduled" in page
    assert 'id="action-cancel"' not in page


def test_cancelling_inside_the_notice_is_refused_with_the_reason_and_nothing_written(at_now):
    shop = make_shop(customer_cancel_notice_hours=48)
    appointment = book(shop, 10, now=NOW)
    url = path(context_links(appointment)["cancel"])
    at_now.move_to(local(DAY, 10) - timedelta(hours=47))

    page = Client().get(url)
    before = written_counts()
    refused = Client().post(url, {"reason": "late"})

    text = page.content.decode()
    assert "It could be cancelled online until Sat 14 Jun 2025 10:00 AEST, 48 hours before the start." in text
    assert "Please contact Fitzroy on +61 3 9000 0000." in text
    assert 'id="cancel-form"' not in text
    assert refused.status_code == 422
    assert written_counts() == before
    assert Appointment.objects.get(pk=appointment.pk).status == "confirmed"


@pytest.mark.parametrize("mangle", ["tampered", "wrong_purpose", "expired", "unknown"])
def test_bad_links_are_refused_with_a_clear_page_and_nothing_written(shop, at_now, mangle):
    appointment = book(shop, 10)
    links = context_links(appointment)
    cancel = path(links["cancel"])
    token = cancel.split("/")[2]
    if mangle == "tampered":
        url = cancel.replace(token, token[:-1] + ("A" if token[-1] != "A" else "B"))
        status, says = 404, "This link is not valid"
    elif mangle == "wrong_purpose":
        url = path(links["view"]) + "cancel/"
        status, says = 403, "This link is for \u201cview\u201d, not for \u201ccancel\u201d"
    elif mangle == "expired":
        at_now.move_to(appointment.scheduled_end_at + timedelta(days=30, seconds=1))
        url = cancel
        status, says = 410, "This link expired on Wed 16 Jul 2025 10:30 AEST."
    else:
        CustomerLink.objects.filter(appointment=appointment).delete()
        url = cancel
        status, says = 404, "This link is not valid"
    before = written_counts()

    for response in (Client().get(url), Client().post(url, {"reason": "x"})):
        assert response.status_code == status
        assert says in response.content.decode()
        assert "Nothing was changed." in response.content.decode()
    assert written_counts() == before


def test_a_post_without_the_csrf_token_is_refused(shop, at_now):
    appointment = book(shop, 10)
    before = written_counts()

    response = Client(enforce_csrf_checks=True).post(path(context_links(appointment)["cancel"]), {"reason": "x"})

    assert response.status_code == 403
    assert written_counts() == before


@override_settings(CUSTOMER_LINK_RATE_LIMIT="3/min")
def test_pages_are_rate_limited_per_token(shop, at_now):
    appointment = book(shop, 10)
    links = context_links(appointment)
    client = Client()

    statuses = [client.get(path(links["view"])).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    assert client.get(path(links["reschedule"])).status_code == 200  # another token, its own budget


def test_the_calendar_link_downloads_the_appointment_as_ics(shop, at_now):
    appointment = book(shop, 10)

    response = Client().get(path(context_links(appointment)["calendar"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    assert (event.decoded("dtstart"), str(event["uid"]), str(event["status"])) == (
        local(DAY, 10), f"appointment-{appointment.pk}@appointments.invalid", "CONFIRMED")  # fmt: skip


def offer_setup(shop):
    taken = book(shop, 10, profile=ProfileFactory(first_name="Bob"))
    entry = waitlist_join(definition_id=shop.definition.pk, profile_id=shop.ada.pk, location_id=shop.location.pk,
                          actor=f"profile:{shop.ada.pk}", now=NOW)  # fmt: skip
    appointment_transition(appointment_id=taken.pk, to="cancelled", actor="user:1", now=NOW)
    offer = WaitlistOffer.objects.get(entry=entry)
    return entry, offer, Notification.objects.get(event="waitlist_offer").context["links"]


def test_claim_from_the_offer_link_books_the_held_place_once(shop, at_now):
    entry, offer, links = offer_setup(shop)

    page = Client().get(path(links["claim"]))
    assert "Held for you until" in page.content.decode()
    assert "Monday 09 June 2025, 10:15" in page.content.decode()
    done = Client().post(path(links["claim"]))

    assert done.status_code == 200 and "The place is yours" in done.content.decode()
    offer.refresh_from_db()
    entry.refresh_from_db()
    assert (offer.status, entry.status) == ("claimed", "fulfilled")
    appointment = offer.appointment
    assert (appointment.profile_id, appointment.scheduled_start_at) == (shop.ada.pk, local(DAY, 10))
    assert AppointmentEvent.objects.get(appointment=appointment).actor == f"profile:{shop.ada.pk}"
    before = written_counts()
    assert Client().post(path(links["claim"])).status_code == 410
    declined = Client().post(path(links["decline"]))
    assert declined.status_code == 422 and "This offer is claimed" in declined.content.decode()
    assert written_counts() == before


def test_decline_from_the_offer_link_passes_the_place_on(shop, at_now):
    entry, offer, links = offer_setup(shop)

    done = Client().post(path(links["decline"]))

    assert done.status_code == 200
    offer.refresh_from_db()
    entry.refresh_from_db()
    assert (offer.status, entry.status) == ("declined", "active")
    assert Client().get(path(links["claim"])).content.decode().count("This offer is declined") == 1


def test_erasing_the_customer_revokes_the_links(shop, at_now):
    appointment = book(shop, 10)
    links = context_links(appointment)

    profile_erase(shop.ada.pk, actor="user:1", now=NOW)

    assert CustomerLink.objects.count() == 0
    assert Client().get(path(links["view"])).status_code == 404


def test_links_follow_a_reschedule_and_are_reused(shop, at_now):
    appointment = book(shop, 10)
    first = {link.purpose: link.pk for link in CustomerLink.objects.all()}

    urls = appointment_links(Appointment.objects.get(pk=appointment.pk), now=NOW)

    assert {link.purpose: link.pk for link in CustomerLink.objects.all()} == first
    assert set(urls) == set(LinkPurpose.values) - {"claim", "decline"}


def test_the_notice_rules_are_part_of_the_definition_resource(api):
    created = api.post("/api/v3/appointment-definitions", {"handle": "h", "name": "H", "duration_minutes": 30,
                       "booking_type": "instant", "customer_cancel_notice_hours": 24,
                       "customer_reschedule_notice_hours": None}, format="json")  # fmt: skip

    assert created.status_code == 201, created.json()
    data = created.json()["data"]
    assert (data["customer_cancel_notice_hours"], data["customer_reschedule_notice_hours"]) == (24, None)
    default = api.post("/api/v3/appointment-definitions", {"handle": "d", "name": "D", "duration_minutes": 30,
                       "booking_type": "instant"}, format="json").json()["data"]  # fmt: skip
    assert (default["customer_cancel_notice_hours"], default["customer_reschedule_notice_hours"]) == (0, 0)
    refused = api.put(f"/api/v3/appointment-definitions/{data['id']}", {"customer_cancel_notice_hours": -1},
                      format="json")  # fmt: skip
    assert refused.status_code == 422
    assert list(refused.json()["errors"]) == ["customer_cancel_notice_hours"]
