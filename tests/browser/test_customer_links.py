"""Customers act from their emails (docs/customer-links.md): each test takes the link out of a message that a real
local SMTP server (aiosmtpd) received, follows it in Chromium, and compares what was written with the same action
taken through the API by a customer token.

The clock is the real one: Chromium keeps real time for cookies (the CSRF cookie), so the appointments are on the
first Monday at least a week ahead.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from appointments.models import Appointment, CustomerLink, WaitlistEvent, WaitlistOffer
from appointments.services.lifecycle import appointment_transition
from appointments.services.waitlist import waitlist_join
from notifications.models import Notification
from notifications.services.dispatch import dispatch_due
from tests.appointments.link_world import MELBOURNE, book, email_text, links_in, local, make_shop, outbox, trail
from tests.appointments.link_world import written_counts as counts
from tests.conftest import SCREENSHOTS
from tests.factories import ProfileFactory
from tests.notifications.conftest import smtp_server  # noqa: F401  (the real local SMTP server)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def next_monday():
    today = timezone.now().astimezone(MELBOURNE).date() + timedelta(days=7)
    return today + timedelta(days=(7 - today.weekday()) % 7)


@pytest.fixture
def shop(live_server, settings):
    settings.PUBLIC_URL = live_server.url
    return make_shop()


def emailed_links(inbox, notification: Notification) -> dict[str, str]:
    """Deliver what is due and read the links out of the message for `notification` as the SMTP server got it."""
    dispatch_due(now=timezone.now())
    [message] = [m for m in inbox.messages if m["X-Notification-Id"] == str(notification.uuid)]
    return links_in(email_text(message))


def created_row(appointment) -> Notification:
    return Notification.objects.get(subject_type="appointment", subject_id=str(appointment.pk), event="created")


def ada_and_twin(shop, inbox, make_customer_client):
    """Ada's appointment (acted on through her emailed links) and Bob's twin (acted on through his customer token
    in the API), both booked next Monday; returns the day, both, Bob's client and Ada's links."""
    day = next_monday()
    appointment = book(shop, 10, now=timezone.now(), day=day)
    bob = make_customer_client(ProfileFactory(first_name="Bob", email="bob@example.com"))
    twin = book(shop, 14, profile=bob.profile, now=timezone.now(), day=day)
    return day, appointment, bob, twin, emailed_links(inbox, created_row(appointment))


def wait_for(browser, element_id: str):
    return WebDriverWait(browser, 10).until(lambda b: b.find_element(By.ID, element_id))


def test_reschedule_to_another_slot_from_the_emailed_link(browser, shop, smtp_server, make_customer_client):  # noqa: F811
    day, appointment, bob, twin, links = ada_and_twin(shop, smtp_server, make_customer_client)

    browser.get(links["reschedule"])
    assert "Australia/Melbourne" in browser.find_element(By.ID, "appointment-zone").text
    browser.find_element(By.CSS_SELECTOR, f"#slots button[value='{local(day, 11).isoformat()}']").click()
    assert wait_for(browser, "done-title").text == "Your appointment was moved"
    api = bob.put(f"/api/v3/appointments/{twin.pk}", {"scheduled_start_at": f"{day} 15:00:00"}, format="json")

    assert api.status_code == 200, api.json()
    assert Appointment.objects.get(pk=appointment.pk).scheduled_start_at == local(day, 11)
    assert "11:00" in browser.find_element(By.ID, "appointment-when").text
    assert (
        trail(appointment)
        == trail(twin)
        == [
            ("created", "profile", "", "confirmed", "", False),
            ("rescheduled", "profile", "confirmed", "confirmed", "", True),
        ]
    )
    assert outbox("appointment", appointment.pk) == outbox("appointment", twin.pk) == [
        ("confirmed", "sent"), ("created", "sent"), ("reminder", "pending")]  # fmt: skip
    reminder = Notification.objects.get(subject_id=str(appointment.pk), event="reminder")
    assert reminder.due_at == local(day, 11)  # moved with the appointment, as the API's reschedule moves it


def test_cancel_from_the_emailed_link_then_the_reused_link_is_refused(browser, shop, smtp_server, make_customer_client):  # noqa: F811
    day, appointment, bob, twin, links = ada_and_twin(shop, smtp_server, make_customer_client)

    browser.get(links["cancel"])
    assert Appointment.objects.get(pk=appointment.pk).status == "confirmed"  # the page only asks
    browser.find_element(By.ID, "cancel-reason").send_keys("Feeling unwell")
    browser.find_element(By.ID, "confirm-cancel").click()
    assert wait_for(browser, "done-title").text == "Your appointment is cancelled"
    api = bob.put(f"/api/v3/appointments/{twin.pk}", {"status": "cancelled", "reason": "Feeling unwell"},
                  format="json")  # fmt: skip

    assert api.status_code == 200, api.json()
    assert (
        trail(appointment)
        == trail(twin)
        == [
            ("created", "profile", "", "confirmed", "", False),
            ("status", "profile", "confirmed", "cancelled", "Feeling unwell", False),
        ]
    )
    assert outbox("appointment", appointment.pk) == outbox("appointment", twin.pk) == [
        ("cancelled", "pending"), ("confirmed", "sent"), ("created", "sent"), ("reminder", "cancelled")]  # fmt: skip
    before = counts()
    browser.get(links["cancel"])
    assert wait_for(browser, "refused-title").text == "This link can no longer be used"
    assert "already used" in browser.find_element(By.ID, "refused-message").text
    assert counts() == before


def test_claim_a_waitlist_offer_from_the_emailed_link(browser, shop, smtp_server, make_customer_client):  # noqa: F811
    day = next_monday()
    now = timezone.now()
    taken = [book(shop, hour, profile=ProfileFactory(), now=now, day=day) for hour in (10, 14)]
    dan = make_customer_client(ProfileFactory(first_name="Dan", email="dan@example.com"))
    ada_entry = waitlist_join(definition_id=shop.definition.pk, profile_id=shop.ada.pk, location_id=shop.location.pk,
                              actor=f"profile:{shop.ada.pk}", now=now)  # fmt: skip
    dan_entry = waitlist_join(definition_id=shop.definition.pk, profile_id=dan.profile.pk,
                              location_id=shop.location.pk, actor=f"profile:{dan.profile.pk}", now=now)  # fmt: skip
    for appointment in taken:  # 10:00 is offered to Ada (first in line), 14:00 to Dan
        appointment_transition(appointment_id=appointment.pk, to="cancelled", actor="user:1", now=now)
    ada_offer, dan_offer = (WaitlistOffer.objects.get(entry=entry) for entry in (ada_entry, dan_entry))
    row = Notification.objects.get(subject_type="waitlist_offer", subject_id=str(ada_offer.pk))
    links = emailed_links(smtp_server, row)

    browser.get(links["claim"])
    assert "10:00" in browser.find_element(By.ID, "offer-when").text
    expires = ada_offer.expires_at.astimezone(MELBOURNE)
    assert f"{expires:%H:%M}" in browser.find_element(By.ID, "offer-expires").text
    browser.find_element(By.ID, "confirm-claim").click()
    assert wait_for(browser, "done-title").text == "The place is yours"
    api = dan.post(f"/api/v3/appointment-waitlists/{dan_entry.pk}/claim")

    assert api.status_code == 201, api.json()
    ada_offer.refresh_from_db()
    dan_offer.refresh_from_db()
    assert (ada_offer.status, dan_offer.status) == ("claimed", "claimed")
    assert ada_offer.appointment.scheduled_start_at == local(day, 10)

    def waitlist_trail(entry):
        return [(e.kind, e.actor.split(":")[0], e.from_status, e.to_status)
                for e in WaitlistEvent.objects.filter(entry=entry).order_by("at", "id")]  # fmt: skip

    assert waitlist_trail(ada_entry) == waitlist_trail(dan_entry) == [
        ("status", "profile", "", "active"), ("offer", "user", "active", "active"), ("claimed", "profile", "", ""),
        ("status", "profile", "active", "fulfilled")]  # fmt: skip
    assert trail(ada_offer.appointment) == trail(dan_offer.appointment)
    assert outbox("appointment", ada_offer.appointment_id) == outbox("appointment", dan_offer.appointment_id)
    before = counts()
    browser.get(links["claim"])
    assert "already used" in wait_for(browser, "refused-message").text
    assert counts() == before


@pytest.mark.parametrize("bad", ["tampered", "wrong_purpose", "expired"])
def test_a_bad_emailed_link_is_refused_with_a_clear_page_and_nothing_written(browser, shop, smtp_server, bad):  # noqa: F811
    appointment = book(shop, 10, now=timezone.now(), day=next_monday())
    links = emailed_links(smtp_server, created_row(appointment))
    url = links["cancel"]
    if bad == "tampered":
        url = url.replace("/my/", "/my/x")
        title, says = "This link does not work", "This link is not valid"
    elif bad == "wrong_purpose":
        url = links["view"] + "cancel/"
        title, says = "Wrong link for this page", "This link is for \u201cview\u201d, not for \u201ccancel\u201d"
    else:
        CustomerLink.objects.filter(purpose="cancel").update(expires_at=timezone.now() - timedelta(minutes=1))
        title, says = "This link can no longer be used", "This link expired on"
    before = counts()

    browser.get(url)

    assert wait_for(browser, "refused-title").text == title
    assert says in browser.find_element(By.ID, "refused-message").text
    assert counts() == before
    assert Appointment.objects.get(pk=appointment.pk).status == "confirmed"


def test_the_pages_fit_a_phone_screen(browser, shop, smtp_server):  # noqa: F811
    appointment = book(shop, 10, now=timezone.now(), day=next_monday())
    links = emailed_links(smtp_server, created_row(appointment))
    browser.set_window_size(390, 844)

    for purpose in ("view", "reschedule", "cancel"):
        browser.get(links[purpose])
        wait_for(browser, "appointment-summary")
        assert browser.execute_script("return document.documentElement.scrollWidth") <= 390, purpose
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(SCREENSHOTS / f"customer-{purpose}-phone.png"))  # for a person to look at
