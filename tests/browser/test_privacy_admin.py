"""Erasing a customer from the console in a real browser: the action, its confirmation page, Managers only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from appointments.models import Appointment
from directory.models import AuditRecord
from directory.roles import MANAGER, OPERATOR
from tests.conftest import browser_login
from tests.factories import AppointmentFactory, ProfileFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def messages(browser) -> list[str]:
    return [li.text for li in browser.find_elements(By.CSS_SELECTOR, "ul.messagelist li")]


def console_browser(browser, live_server, role: str):
    user = User.objects.create_user(role.lower(), f"{role.lower()}@example.com", "correct horse battery",
                                    is_staff=True)  # fmt: skip
    user.groups.add(Group.objects.get(name=role))
    browser_login(browser, live_server.url, user.username, "correct horse battery")
    return user


def select_profile(browser, profile) -> None:
    browser.get(f"{browser.base_url}/admin/directory/profile/")
    browser.find_element(By.CSS_SELECTOR, f"input.action-select[value='{profile.pk}']").click()


def test_a_manager_erases_a_customer_after_confirming(browser, live_server):
    manager = console_browser(browser, live_server, MANAGER)
    ada = ProfileFactory(first_name="Ada", last_name="Lovelace", email="ada@example.com")
    bob = ProfileFactory(first_name="Bob", email="bob@example.com")
    appointment = AppointmentFactory(profile=ada, notes="Ada prefers mornings")

    select_profile(browser, ada)
    Select(browser.find_element(By.NAME, "action")).select_by_value("erase_personal_data")
    browser.find_element(By.NAME, "index").click()

    page = browser.find_element(By.ID, "erase-confirmation")
    assert "Erase the personal data of 1 profile?" in page.text
    assert [li.text for li in page.find_elements(By.CSS_SELECTOR, "#erase-profiles li")] == [
        f"Ada Lovelace <ada@example.com> {ada.pk}"
    ]
    ada.refresh_from_db()
    assert ada.email == "ada@example.com"  # nothing happens before the confirmation

    browser.find_element(By.ID, "erase-confirm").click()

    assert messages(browser) == ["Erased the personal data of 1 profile(s)."]
    ada.refresh_from_db()
    bob.refresh_from_db()
    assert (ada.first_name, ada.last_name, ada.email, bob.email) == ("", "", "", "bob@example.com")
    assert Appointment.objects.get(pk=appointment.pk).notes == ""
    assert list(AuditRecord.objects.values_list("action", "actor", "subject_id")) == [
        ("profile.erase", f"user:{manager.pk}", str(ada.pk))
    ]
    rows = [row.text for row in browser.find_elements(By.CSS_SELECTOR, "#result_list tbody tr")]
    assert len(rows) == 2  # the erased profile stays listed, without its name and email
    assert not any("Lovelace" in row or "ada@example.com" in row for row in rows)


def test_cancel_on_the_confirmation_page_erases_nothing(browser, live_server):
    console_browser(browser, live_server, MANAGER)
    ada = ProfileFactory(first_name="Ada", email="ada@example.com")

    select_profile(browser, ada)
    Select(browser.find_element(By.NAME, "action")).select_by_value("erase_personal_data")
    browser.find_element(By.NAME, "index").click()
    browser.find_element(By.ID, "erase-cancel").click()

    assert browser.current_url.endswith("/admin/directory/profile/")
    ada.refresh_from_db()
    assert ada.email == "ada@example.com"
    assert AuditRecord.objects.count() == 0


def test_an_operator_has_no_erase_action(browser, live_server):
    console_browser(browser, live_server, OPERATOR)
    ada = ProfileFactory(first_name="Ada", email="ada@example.com")

    select_profile(browser, ada)
    values = [o.get_attribute("value") for o in Select(browser.find_element(By.NAME, "action")).options]

    assert "erase_personal_data" not in values
    assert values[0] == ""
