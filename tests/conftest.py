"""Shared fixtures: API clients for each kind of caller, and the rules for service-backed markers."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.db import connection
from rest_framework.test import APIClient

from directory.enums import Scope, TokenKind
from directory.services.tokens import token_issue
from tests.factories import ProfileFactory


def _service_missing(marker: str) -> str | None:
    """Why a marked test cannot run here, or None when its service is available."""
    if marker == "postgres" and connection.vendor != "postgresql":
        return "needs PostgreSQL: set DATABASE_URL=postgres://..."
    if marker == "broker":
        url = os.environ.get("CELERY_BROKER_URL", "")
        if not url.startswith(("redis://", "amqp://", "pyamqp://")):
            return "needs a real broker: set CELERY_BROKER_URL=redis://... or amqp://..."
    if marker == "redis" and not os.environ.get("CACHE_URL", "").startswith("redis://"):
        return "needs Redis as the cache: set CACHE_URL=redis://..."
    if marker == "browser" and not (shutil.which("chromium") and shutil.which("chromedriver")):
        return "needs Debian's chromium and chromium-driver packages"
    return None


def pytest_runtest_setup(item):
    for marker in ("postgres", "broker", "redis", "browser"):
        if item.get_closest_marker(marker) is None:
            continue
        reason = _service_missing(marker)
        if reason is None:
            continue
        if os.environ.get("REQUIRE_SERVICES") and marker != "browser":
            pytest.fail(f"REQUIRE_SERVICES is set but this test {reason}")
        pytest.skip(reason)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters and schedules live in caches, and ids and schedule tokens repeat across rolled-back
    tests, so every test starts clean."""
    from django.core.cache import cache

    from appointments.selectors.fastpath import clear_schedule_cache

    cache.clear()
    clear_schedule_cache()
    yield
    cache.clear()
    clear_schedule_cache()


class BearerClient(APIClient):
    def __init__(self, raw_token: str | None = None, **kwargs):
        super().__init__(**kwargs)
        if raw_token:
            self.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_token}")


@pytest.fixture
def anon_client() -> APIClient:
    return APIClient()


@pytest.fixture
def make_integration_client(db):
    def make(scopes=(Scope.ADMIN,), **kwargs) -> BearerClient:
        token, raw = token_issue(name="test integration", scopes=list(scopes), **kwargs)
        client = BearerClient(raw)
        client.token = token
        return client

    return make


@pytest.fixture
def api(make_integration_client) -> BearerClient:
    """An integration client with the admin scope."""
    return make_integration_client()


@pytest.fixture
def make_customer_client(db):
    def make(profile=None) -> BearerClient:
        profile = profile or ProfileFactory()
        token, raw = token_issue(name="test customer", kind=TokenKind.CUSTOMER, profile=profile)
        client = BearerClient(raw)
        client.profile = profile
        client.token = token
        return client

    return make


@pytest.fixture
def customer(make_customer_client) -> BearerClient:
    return make_customer_client()


SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", Path(__file__).resolve().parent.parent / "var" / "screenshots"))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can tell whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def _chromium():
    """One headless Chromium (Debian's chromium and chromium-driver, driven by Selenium) for a whole test session:
    starting one costs about a second, and every browser test would otherwise pay it."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1440,1000"):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


@pytest.fixture
def browser(request, _chromium):
    """The session's Chromium at 1440 px, as a new visitor: every test starts with no cookies, no storage and a
    blank page. A failing test leaves a screenshot of the page it failed on in var/screenshots/failures/
    (SCREENSHOT_DIR)."""
    driver = _chromium
    driver.set_window_size(1440, 1000)
    yield driver
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        (SCREENSHOTS / "failures").mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(SCREENSHOTS / "failures" / f"{request.node.name}.png"))
    origin = driver.execute_script("return window.location.origin")
    if origin.startswith("http"):
        driver.execute_cdp_cmd("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": "all"})
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    driver.get("about:blank")
    if hasattr(driver, "base_url"):
        del driver.base_url


def absent(browser, by, value) -> bool:
    """True when nothing matches now. find_elements would first wait out the implicit wait (5 s) for the element
    that a test expects not to be there."""
    browser.implicitly_wait(0)
    try:
        return browser.find_elements(by, value) == []
    finally:
        browser.implicitly_wait(5)


def browser_login(browser, base_url: str, username: str, password: str):
    from selenium.webdriver.common.by import By

    browser.get(f"{base_url}/admin/login/")
    browser.find_element(By.NAME, "username").send_keys(username)
    browser.find_element(By.NAME, "password").send_keys(password)
    browser.find_element(By.CSS_SELECTOR, "[type=submit]").click()
    browser.find_element(By.ID, "dashboard")
    browser.base_url = base_url
    return browser


@pytest.fixture
def admin_browser(browser, live_server, django_user_model):
    """A browser logged in to the admin as a superuser."""
    django_user_model.objects.create_superuser("boss", "boss@example.com", "correct horse battery")
    return browser_login(browser, live_server.url, "boss", "correct horse battery")
