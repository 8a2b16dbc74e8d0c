"""Related records link to each other in words, in a real browser: from the appointment's page to its booking's
submission and back, and a notification's subject; 1440 px screenshots of both pages (var/screenshots/)."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from appointments.enums import AppointmentStatus as S
from tests.browser.test_front_desk import screenshot
from tests.console.workspace_world import melbourne_appointment
from tests.notifications.factories import NotificationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_submission_and_notification_pages_link_the_appointment_in_words(admin_browser):
    appointment = melbourne_appointment(status=S.CONFIRMED)
    notification = NotificationFactory(subject_id=str(appointment.pk), location=appointment.location,
                                       context={"summary": {"what": "Fitting", "where": "Melbourne CBD", "note": None},
                                                "reason": None, "gift_wrap": True})  # fmt: skip
    browser = admin_browser
    words = "Fitting for Olivia Jones, Wed 02 Dec 2026 09:00 AEDT (Confirmed)"
    browser.get(f"{browser.base_url}/admin/questionnaires/submission/")
    browser.find_element(By.CSS_SELECTOR, "#result_list tbody a").click()
    link = browser.find_element(By.LINK_TEXT, words)
    text = browser.find_element(By.ID, "content-main").text
    assert "null" not in text and "Medium" in text
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
