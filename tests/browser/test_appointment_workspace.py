"""The appointment's page as the front desk's workspace, in a real browser: check the customer in and complete
the appointment from the page's buttons, and a 1440 px screenshot of the page (var/screenshots/)."""

from __future__ import annotations

import pytest
import time_machine
from django.contrib.auth.models import User
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from appointments.enums import AppointmentStatus as S
from appointments.models import Appointment
from tests.browser.test_front_desk import screenshot
from tests.console.workspace_world import FIVE_PAST_NINE, melbourne_appointment
from tests.notifications.factories import NotificationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def buttons(browser) -> list[str]:
    return [b.get_attribute("data-move") for b in browser.find_elements(By.CSS_SELECTOR, "#workspace-actions button")]


def test_check_in_and_complete_from_the_appointment_page(admin_browser):
    appointment = melbourne_appointment(status=S.CONFIRMED)
    browser = admin_browser
    with time_machine.travel(FIVE_PAST_NINE, tick=True):
        browser.get(f"{browser.base_url}/admin/appointments/appointment/{appointment.pk}/change/")
        assert buttons(browser) == ["arrived", "completed", "no_show", "cancelled"]
        answers = [row.text for row in browser.find_elements(By.CSS_SELECTOR, "#booking-answers tbody tr")]
        assert answers == ["Your size? Medium", "Gift wrap? Yes", "Anything we should know? Left shoulder is lower"]
        assert browser.find_element(By.CSS_SELECTOR, ".workspace-when").text == (
            "Wed 02 Dec 2026 09:00 AEDT – 09:30 AEDT"
        )
        assert (
            browser.find_element(By.ID, "reschedule-link")
            .get_attribute("href")
            .endswith(f"/appointment/{appointment.pk}/reschedule/")
        )
        screenshot(browser, "appointment")

        browser.find_element(By.CSS_SELECTOR, '#workspace-actions button[data-move="arrived"]').click()
        WebDriverWait(browser, 10).until(lambda b: b.find_element(By.ID, "workspace-status").text == "ARRIVED")
        assert buttons(browser) == ["completed"]
        assert "Check in done." in browser.find_element(By.TAG_NAME, "body").text
        browser.find_element(By.CSS_SELECTOR, '#workspace-actions button[data-move="completed"]').click()
        WebDriverWait(browser, 10).until(lambda b: b.find_element(By.ID, "workspace-status").text == "COMPLETED")
        assert buttons(browser) == []
        screenshot(browser, "appointment-completed")

    appointment = Appointment.objects.get(pk=appointment.pk)
    assert appointment.status == S.COMPLETED
    assert appointment.arrived_at is not None and appointment.completed_at >= appointment.arrived_at
    events = list(appointment.events.order_by("at", "id").values_list("from_status", "to_status", "actor"))
    boss = f"user:{User.objects.get(username='boss').pk}"  # admin_browser's superuser
    assert events == [("confirmed", "arrived", boss), ("arrived", "completed", boss)]


def test_the_submission_and_notification_pages_link_the_appointment_in_words(admin_browser):
    appointment = melbourne_appointment(status=S.CONFIRMED)
    notification = NotificationFactory(subject_id=str(appointment.pk), location=appointment.location,
                                       context={"summary": {"what": "Fitting", "where": "Melbourne CBD", "note": None},
                                                "reason": None, "gift_wrap": True})  # fmt: skip
    browser = admin_browser
    words = "Fitting for Olivia Jones, Wed 02 Dec 2026 09:00 AEDT (Confirmed)"
    browser.get(f"{browser.base_url}/admin/appointments/appointment/{appointment.pk}/change/")
    browser.find_element(By.LINK_TEXT, "The submission").click()
    link = browser.find_element(By.LINK_TEXT, words)
    assert "null" not in browser.find_element(By.ID, "content-main").text
    screenshot(browser, "submission")
    link.click()
    WebDriverWait(browser, 5).until(lambda b: b.find_elements(By.ID, "appointment-workspace"))

    browser.get(f"{browser.base_url}/admin/notifications/notification/{notification.pk}/change/")
    assert (
        browser.find_element(By.LINK_TEXT, words)
        .get_attribute("href")
        .endswith(f"/appointment/{appointment.pk}/change/")
    )
    text = browser.find_element(By.ID, "content-main").text
    assert "null" not in text and "None" not in text
    screenshot(browser, "notification")
