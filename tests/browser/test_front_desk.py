"""The front desk's pages in a real browser, one session for several pages: the queue board (calling the next
walk-in, and the waiting room's display), and 1440 px screenshots in var/screenshots/ (SCREENSHOT_DIR) of the
board, its display mode, the footfall, NPS and daily report pages, and a busy day schedule."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from appointments.enums import AppointmentStatus as S
from appointments.enums import QueueStatus
from appointments.models import QueueEntry
from appointments.services.queue import queue_join, queue_transition
from directory.enums import DayOfWeek
from tests.appointments.factories import QueueEntryFactory
from tests.browser.test_queue_and_footfall import rows
from tests.conftest import SCREENSHOTS
from tests.factories import (
    AppointmentFactory,
    DefinitionFactory,
    DefinitionLocationFactory,
    LocationFactory,
    LocationNormalHourFactory,
    ProfileFactory,
    StaffAssignmentFactory,
)
from tests.questionnaires.factories import RatingFactory
from tests.visits.factories import VisitFactory

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
    """(entry, status, marked next) of every row of the board (`rows` reads them in one script call)."""
    marked = browser.execute_script(
        "return Array.from(document.querySelectorAll('#queue-board .queue-row[data-next]'), r => r.dataset.entry);"
    )
    return [(entry, status, entry in (marked or [])) for entry, status, _ in rows(browser)]


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
    assert board_rows(browser)[:3] == [(str(served.pk), "called", False), (str(olivia.pk), "waiting", True),
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


# Wednesday 2 Dec 2026 18:00 in Melbourne (07:00 UTC): the day is done, the reports have something to show.
EVENING = datetime(2026, 12, 2, 7, 0, tzinfo=UTC)
NINE_AEDT = datetime(2026, 12, 1, 22, 0, tzinfo=UTC)


def test_reports_and_a_busy_day_schedule_at_1440_px(admin_browser):
    melbourne = LocationFactory(name="Melbourne CBD", timezone="Australia/Melbourne")
    LocationNormalHourFactory(location=melbourne, day_of_week=DayOfWeek.WED, open_at=time(9), close_at=time(17))
    fitting = DefinitionFactory(name="Fitting", duration_minutes=30)
    pooled = DefinitionFactory(name="Alterations drop-off", duration_minutes=30, requires_staff=False)
    walk_in = DefinitionFactory(name="Express walk-in", duration_minutes=1, requires_staff=False)
    for definition in (fitting, pooled, walk_in):
        DefinitionLocationFactory(definition=definition, location=melbourne)
    names = ["Olivia Jones", "Liam Wilson", "Ava Smith", "Noah Brown", "Mia Chen", "Jack Lee", "Zoe Taylor"]
    staff = [ProfileFactory(first_name=first, last_name=last) for first, last in (("Ella", "Martin"), ("Leo", "King"))]
    for member in staff:
        StaffAssignmentFactory(location=melbourne, profile=member)
    statuses = [S.COMPLETED, S.COMPLETED, S.NO_SHOW, S.COMPLETED, S.CANCELLED, S.COMPLETED, S.CONFIRMED]
    for slot in range(14):  # every half hour 09:00-15:30 for each staff member
        for index, member in enumerate(staff):
            first, last = names[(slot + index) % len(names)].split()
            AppointmentFactory(definition=fitting, location=melbourne, assigned_staff=member,
                               scheduled_start_at=NINE_AEDT + timedelta(minutes=30 * slot),
                               status=statuses[(slot + index) % len(statuses)],
                               profile=ProfileFactory(first_name=first, last_name=last))  # fmt: skip
    for minute in range(0, 48, 8):  # six overlapping drop-offs in 40 minutes: three rows and "+3 more"
        AppointmentFactory(
            definition=pooled, location=melbourne, scheduled_start_at=NINE_AEDT + timedelta(minutes=minute)
        )
    for minute in range(0, 240, 35):  # 1-minute walk-ins through the morning
        AppointmentFactory(definition=walk_in, location=melbourne, status=S.COMPLETED,
                           scheduled_start_at=NINE_AEDT + timedelta(minutes=minute))  # fmt: skip
    for day in range(28):
        when = NINE_AEDT - timedelta(days=day)
        for n in range(3 + day % 4):
            VisitFactory(location=melbourne, visited_at=when + timedelta(hours=n),
                         source=("manual", "appointment", "queue", "import")[(day + n) % 4])  # fmt: skip
        for n in range(2 + day % 3):
            RatingFactory(location=melbourne, score=(10, 9, 7, 3, 10, 8)[(day + n) % 6], rated_at=when)
        entry = QueueEntryFactory(definition=fitting, location=melbourne, status="served", created_at=when,
                                  called_at=when + timedelta(minutes=5 + day % 9),
                                  served_at=when + timedelta(minutes=20 + day % 7))  # fmt: skip
        assert entry.pk
    browser = admin_browser
    with time_machine.travel(EVENING, tick=True):
        browser.get(f"{browser.base_url}/admin/appointments/appointment/day/?location={melbourne.pk}")
        widths = browser.execute_script(
            "return Array.from(document.querySelectorAll('.appt')).map(function (a) {"
            "  return a.getBoundingClientRect().width; });"
        )
        assert len(widths) == 14 * 2 + 3 + 7 and min(widths) >= 109  # 3 drop-offs drawn, 3 behind "+3 more"
        more = browser.find_element(By.CSS_SELECTOR, ".appt-more summary")
        assert more.text == "+3 more"
        screenshot(browser, "day-schedule-busy")
        more.click()
        WebDriverWait(browser, 5).until(lambda b: len(b.find_elements(By.CSS_SELECTOR, ".appt-more[open] li")) == 3)

        browser.get(f"{browser.base_url}/admin/visits/visit/footfall/")
        assert len(browser.find_elements(By.CSS_SELECTOR, "#footfall-chart .footfall-day")) == 28
        screenshot(browser, "footfall")

        browser.get(f"{browser.base_url}/admin/")
        browser.find_element(By.CSS_SELECTOR, '[data-card="nps-last-28-days"]').click()
        WebDriverWait(browser, 5).until(lambda b: b.find_elements(By.ID, "nps-score"))
        assert "This field is required." not in browser.page_source
        assert browser.find_element(By.ID, "nps-score").text.startswith("NPS ")
        screenshot(browser, "nps")

        browser.get(f"{browser.base_url}/admin/")
        browser.find_element(By.LINK_TEXT, "Daily report").click()
        WebDriverWait(browser, 5).until(lambda b: b.find_elements(By.ID, "report-summary"))
        assert len(browser.find_elements(By.CSS_SELECTOR, ".report-chart svg.console-chart")) == 6
        screenshot(browser, "report")
