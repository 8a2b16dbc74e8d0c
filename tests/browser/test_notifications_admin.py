"""The notifications console in a real browser: retrying a failed row from the outbox, sending a test to a target."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from notifications.enums import Status
from tests.factories import LocationFactory
from tests.notifications.conftest import receiver  # noqa: F401  (the local webhook receiver fixture)
from tests.notifications.factories import NotificationFactory, TargetFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def messages(browser) -> list[str]:
    return [li.text for li in browser.find_elements(By.CSS_SELECTOR, "ul.messagelist li")]


def test_retry_a_failed_notification_from_the_outbox(admin_browser):
    location = LocationFactory(timezone="Australia/Melbourne")
    failed = NotificationFactory(location=location, status=Status.FAILED, attempts=6, last_error="HTTP 500: boom")
    NotificationFactory(location=location, status=Status.SENT)
    browser = admin_browser
    browser.get(f"{browser.base_url}/admin/notifications/notification/?status__exact=failed")

    rows = browser.find_elements(By.CSS_SELECTOR, "#result_list tbody tr")
    assert len(rows) == 1
    assert "Mon 09 Jun 2025 10:00 AEST" in rows[0].text
    assert "HTTP 500: boom" in rows[0].text
    browser.find_element(By.CSS_SELECTOR, "input.action-select").click()
    Select(browser.find_element(By.NAME, "action")).select_by_value("retry_now")
    browser.find_element(By.NAME, "index").click()

    assert messages(browser) == ["1 notification(s) will be sent now."]
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (Status.PENDING, 6)


def test_send_a_test_notification_to_a_target(admin_browser, receiver):  # noqa: F811  (the imported fixture)
    TargetFactory(name="CRM", url=receiver.url)
    browser = admin_browser
    browser.get(f"{browser.base_url}/admin/notifications/target/")

    browser.find_element(By.CSS_SELECTOR, "input.action-select").click()
    Select(browser.find_element(By.NAME, "action")).select_by_value("send_test")
    browser.find_element(By.NAME, "index").click()

    assert messages(browser) == ["CRM: sent"]
    assert len(receiver.requests) == 1
