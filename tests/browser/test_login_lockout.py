"""A console login locked after repeated failures, in a real browser (django-axes behind the admin login form)."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from selenium.webdriver.common.by import By

from tests.conftest import absent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"


def submit_login(browser, base_url: str, username: str, password: str) -> None:
    browser.get(f"{base_url}/admin/login/")
    browser.find_element(By.NAME, "username").send_keys(username)
    browser.find_element(By.NAME, "password").send_keys(password)
    browser.find_element(By.CSS_SELECTOR, "[type=submit]").click()


def test_five_wrong_passwords_lock_the_account_and_the_right_one_is_then_refused(browser, live_server,
                                                                                django_user_model):  # fmt: skip
    django_user_model.objects.create_superuser("boss", "boss@example.com", PASSWORD)

    for _ in range(4):
        submit_login(browser, live_server.url, "boss", "wrong")
        errors = " ".join(note.text for note in browser.find_elements(By.CSS_SELECTOR, ".errornote"))
        assert "Please enter the correct username and password for a staff account." in errors

    submit_login(browser, live_server.url, "boss", "wrong")
    locked = browser.find_element(By.ID, "locked-out")
    assert "Too many failed logins for this account." in locked.text
    assert "After 5 failed logins, this account cannot log in for 15 minutes." in locked.text

    submit_login(browser, live_server.url, "boss", PASSWORD)
    assert "Too many failed logins for this account." in browser.find_element(By.ID, "locked-out").text
    assert absent(browser, By.ID, "dashboard")
    assert AccessAttempt.objects.get(username="boss").failures_since_start == 6

    AccessAttempt.objects.filter(username="boss").delete()  # what "Login lockouts" -> delete does
    submit_login(browser, live_server.url, "boss", PASSWORD)
    browser.find_element(By.ID, "dashboard")
