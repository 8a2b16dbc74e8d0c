"""The front desk's pages in a real browser, one session for several pages: the queue board (calling the next
walk-in, and the waiting room's display), and 1440 px screenshots in var/screenshots/ (SCREENSHOT_DIR) of the
board, its display mode, the footfall, NPS and daily report pages, and a busy day schedule."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from appointments.enums import QueueStatus
from appointments.models import QueueEntry
from appointments.services.queue import queue_join, queue_transition
from tests.conftest import SCREENSHOTS
from tests.factories import DefinitionFactory, DefinitionLocationFactory, LocationFactory, ProfileFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def screenshot(browser, name: str) -> None:
    """The whole page at 1440 px wide (up to 3000 px tall), as `front-desk-<name>.png`."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.set_window_size(1440, 1000)
    height = browser.execute_script(
        "return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)"
    )
    browser.set_window_size(1440, max(800, min(height, 3000)))
    browser.save_screenshot(str(SCREENSHOTS / f"front-desk-{name}.png"))
    browser.set_window_size(1440, 1000)


def board_rows(browser) -> list[tuple[str, str, bool]]:
    """(entry, status, marked next) of every row of the board, read in one script call."""
    found = browser.execute_script(
        "return Array.from(document.querySelectorAll('#queue-board .queue-row')).map(function (row) {"
        "  return [row.dataset.entry, row.dataset.status, row.dataset.next === 'true'];"
        "});"
    )
    return [tuple(row) for row in found or []]


def test_the_board_calls_the_next_walk_in_and_the_display_shows_first_names(admin_browser):
    location = LocationFactory(name="Melbourne CBD", timezone="Australia/Melbourne")
    fitting = DefinitionFactory(name="Fitting", allow_walk_in=True, allow_queue=True, duration_minutes=15)
    repairs = DefinitionFactory(name="Repairs", allow_walk_in=True, allow_queue=True, duration_minutes=10)
    for definition in (fitting, repairs):
        DefinitionLocationFactory(definition=definition, location=location)

    def join(definition, first_name="", last_name=""):
        profile = ProfileFactory(first_name=first_name, last_name=last_name).pk if first_name else None
        return queue_join(definition_id=definition.pk, location_id=location.pk, profile_id=profile, actor="test")

    served = join(fitting, "Mia", "Chen")
    queue_transition(entry_id=served.pk, to=QueueStatus.CALLED, actor="test")
    olivia, anonymous, _ = join(fitting, "Olivia", "Jones"), join(fitting), join(fitting, "Jack", "Lee")
    join(repairs, "Noah", "Brown")
    browser = admin_browser
    board = f"{browser.base_url}/admin/appointments/queueentry/board/{location.pk}/"

    browser.get(board)
    rows = board_rows(browser)
    assert rows[:3] == [(str(served.pk), "called", False), (str(olivia.pk), "waiting", True),
                        (str(anonymous.pk), "waiting", False)]  # fmt: skip
    next_row = browser.find_element(By.CSS_SELECTOR, f'.queue-row[data-entry="{olivia.pk}"]')
    assert next_row.find_element(By.CSS_SELECTOR, ".queue-badge").text == "NEXT"
    # The next person's row stands out: its background is not the plain rows' background.
    plain = browser.find_element(By.CSS_SELECTOR, f'.queue-row[data-entry="{anonymous.pk}"] td')
    assert next_row.find_element(By.TAG_NAME, "td").value_of_css_property("background-color") != (
        plain.value_of_css_property("background-color")
    )
    screenshot(browser, "queue-board")

    browser.find_element(By.CSS_SELECTOR, f'.queue-section[data-definition="{fitting.pk}"] button.call-next').click()
    WebDriverWait(browser, 10).until(lambda b: (str(olivia.pk), "called", False) in board_rows(b))
    assert "is now called" in browser.find_element(By.CSS_SELECTOR, "ul.messagelist, #messages, .messagelist").text
    assert QueueEntry.objects.get(pk=olivia.pk).status == QueueStatus.CALLED
    assert (str(anonymous.pk), "waiting", True) in board_rows(browser)

    browser.get(f"{board}?display=1")
    assert browser.find_elements(By.ID, "nav-sidebar") == [] and browser.find_elements(By.TAG_NAME, "aside") == []
    section = browser.find_element(By.CSS_SELECTOR, f'.queue-display-section[data-definition="{fitting.pk}"]')
    called = [li.text for li in section.find_elements(By.CSS_SELECTOR, ".queue-display-called li")]
    waiting = [li.find_element(By.CSS_SELECTOR, ".queue-display-name").text
               for li in section.find_elements(By.CSS_SELECTOR, ".queue-display-waiting li")]  # fmt: skip
    assert called == ["Mia C.", "Olivia J."]
    assert waiting == [f"Ticket {anonymous.pk}", "Jack L."]
    size = float(
        section.find_element(By.CSS_SELECTOR, ".queue-display-called li").value_of_css_property("font-size")[:-2]
    )
    assert size >= 48  # very large type, readable across a waiting room
    screenshot(browser, "queue-display")
