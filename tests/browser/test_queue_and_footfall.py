"""The queue board and the footfall chart in a real browser."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.ui import Select, WebDriverWait

from appointments.models import QueueEntry
from appointments.services.queue import queue_join
from tests.factories import DefinitionFactory, DefinitionLocationFactory, LocationFactory, ProfileFactory
from tests.visits.factories import VisitFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def rows(browser) -> list[tuple[str, str, str]]:
    """(entry, status, position) of every board row, read in one script call (the board may swap meanwhile)."""
    found = browser.execute_script(
        "return Array.from(document.querySelectorAll('#queue-board .queue-row')).map(function (row) {"
        "  return [row.dataset.entry, row.dataset.status, row.querySelector('.queue-position').textContent.trim()];"
        "});"
    )
    return [tuple(row) for row in found or []]


def test_queue_board_refreshes_in_place_and_calls_the_next(admin_browser):
    location = LocationFactory(name="Melbourne CBD")
    definition = DefinitionFactory(name="Fitting", allow_walk_in=True, allow_queue=True, duration_minutes=15)
    DefinitionLocationFactory(definition=definition, location=location)
    first = queue_join(definition_id=definition.pk, location_id=location.pk, profile_id=ProfileFactory().pk,
                       actor="test")  # fmt: skip
    browser = admin_browser
    browser.get(f"{browser.base_url}/admin/appointments/queueentry/board/{location.pk}/")
    assert rows(browser) == [(str(first.pk), "waiting", "1")]

    second = queue_join(definition_id=definition.pk, location_id=location.pk, actor="test")
    browser.execute_script("window.stillTheSamePage = true; window.queueBoardRefresh();")
    WebDriverWait(browser, 10).until(lambda b: len(rows(b)) == 2)

    assert rows(browser) == [(str(first.pk), "waiting", "1"), (str(second.pk), "waiting", "2")]
    assert browser.execute_script("return window.stillTheSamePage === true")  # no full reload

    browser.find_element(By.CSS_SELECTOR, "#queue-board button.call-next").click()
    WebDriverWait(browser, 10).until(lambda b: rows(b)[:1] == [(str(first.pk), "called", "")])

    assert rows(browser) == [(str(first.pk), "called", ""), (str(second.pk), "waiting", "1")]
    assert QueueEntry.objects.get(pk=first.pk).status == "called"


def test_footfall_chart_draws_one_bar_per_source_and_day(admin_browser):
    location = LocationFactory(name="Melbourne CBD", timezone="Australia/Melbourne")
    for hour, source in [(1, "import"), (2, "import"), (3, "queue")]:
        VisitFactory(location=location, visited_at=datetime(2025, 6, 15, hour, 0, tzinfo=UTC), source=source)
    VisitFactory(location=location, visited_at=datetime(2025, 6, 16, 1, 0, tzinfo=UTC), source="appointment")
    browser = admin_browser
    browser.get(f"{browser.base_url}/admin/visits/visit/footfall/")
    Select(browser.find_element(By.NAME, "location")).select_by_visible_text("Melbourne CBD")
    browser.execute_script(
        "document.querySelector('[name=start_date]').value = '2025-06-15';"
        "document.querySelector('[name=end_date]').value = '2025-06-16';"
    )
    page = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.CSS_SELECTOR, "#footfall-form input[type=submit]").click()
    WebDriverWait(browser, 10).until(staleness_of(page))  # the first page already charts a default range

    days = browser.find_elements(By.CSS_SELECTOR, "#footfall-chart .footfall-day")
    assert [(d.get_attribute("data-date"), d.get_attribute("data-total")) for d in days] == [
        ("2025-06-15", "3"), ("2025-06-16", "1"),
    ]  # fmt: skip
    bars = {(b.get_attribute("data-source"), b.get_attribute("data-count")): b.size["height"]
            for b in browser.find_elements(By.CSS_SELECTOR, "#footfall-chart .footfall-bar")}  # fmt: skip
    assert set(bars) == {("import", "2"), ("queue", "1"), ("appointment", "1")}
    # Heights are drawn to scale: two imports are twice one queue visit, and one visit is one visit.
    assert abs(bars[("import", "2")] - 2 * bars[("queue", "1")]) <= 1
    assert abs(bars[("queue", "1")] - bars[("appointment", "1")]) <= 1
    assert bars[("queue", "1")] > 0
