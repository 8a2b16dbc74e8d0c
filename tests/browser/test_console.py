"""The operator console in a real browser: an Operator's day and a Manager's setup, plus a 1440 px screenshot
of every console page in var/screenshots/ (SCREENSHOT_DIR) for a person to look at."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
import time_machine
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.ui import WebDriverWait

from appointments.enums import AppointmentStatus as S
from appointments.models import Appointment
from directory.enums import DayOfWeek
from directory.models import LocationNormalHour
from directory.roles import MANAGER, OPERATOR
from tests.conftest import SCREENSHOTS, browser_login
from tests.console.conftest import console_user
from tests.factories import (
    AppointmentFactory,
    DefinitionFactory,
    DefinitionLocationFactory,
    DefinitionNormalHourFactory,
    LocationFactory,
    LocationNormalHourFactory,
    ProfileFactory,
    StaffAssignmentFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Wednesday 2 Dec 2026 07:00 in Melbourne; 09:00 AEDT is 22:00 UTC the day before.
NOW = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)
NINE_AEDT = datetime(2026, 12, 1, 22, 0, tzinfo=UTC)
# 08:30 AEDT: check-in for 09:00 is open (CHECK_IN_EARLY_MINUTES).
DESK_OPEN = datetime(2026, 12, 1, 21, 30, tzinfo=UTC)


@pytest.fixture
def clinic():
    melbourne = LocationFactory(name="Melbourne CBD", handle="melbourne", timezone="Australia/Melbourne")
    london = LocationFactory(name="London Covent Garden", handle="london", timezone="Europe/London")
    LocationNormalHourFactory(location=melbourne, day_of_week=DayOfWeek.WED, open_at=time(8), close_at=time(18))
    fitting = DefinitionFactory(name="Fitting", handle="fitting", duration_minutes=30, max_concurrent_bookings=2)
    for location in (melbourne, london):
        DefinitionLocationFactory(definition=fitting, location=location)
    DefinitionNormalHourFactory(
        definition=fitting, day_of_week=DayOfWeek.WED, available_from=time(9), available_until=time(12)
    )
    noah = ProfileFactory(first_name="Noah", last_name="Brown")
    StaffAssignmentFactory(location=melbourne, profile=noah)
    return melbourne, london, fitting, noah


def cards(browser) -> dict[str, str]:
    found = browser.find_elements(By.CSS_SELECTOR, ".console-card")
    return {
        card.find_element(By.CSS_SELECTOR, ".console-card-label").text: card.find_element(
            By.CSS_SELECTOR, ".console-card-value"
        ).text
        for card in found
    }


def test_an_operator_runs_the_day_from_the_dashboard_and_the_day_schedule(browser, live_server, clinic):
    melbourne, london, fitting, noah = clinic
    requested = AppointmentFactory(
        definition=fitting, location=melbourne, status=S.REQUESTED, scheduled_start_at=NINE_AEDT,
        profile=ProfileFactory(first_name="Ava", last_name="Smith"),
    )  # fmt: skip
    confirmed = AppointmentFactory(
        definition=fitting, location=melbourne, assigned_staff=noah, scheduled_start_at=NINE_AEDT,
        profile=ProfileFactory(first_name="Liam", last_name="Wilson"),
    )  # fmt: skip
    AppointmentFactory(definition=fitting, location=london, scheduled_start_at=NINE_AEDT)
    console_user("olive", OPERATOR, locations=[melbourne])
    with time_machine.travel(DESK_OPEN, tick=True):
        browser_login(browser, live_server.url, "olive", "pw")
        panels = browser.find_elements(By.CSS_SELECTOR, ".console-panel")
        assert [panel.find_element(By.TAG_NAME, "h2").text.splitlines()[0] for panel in panels] == ["Melbourne CBD"]
        assert panels[0].find_element(By.CSS_SELECTOR, "h2 small").text == (
            "Wednesday 2 December 2026, 08:30 AEDT · Australia/Melbourne"
        )
        appointment_cards = ("Still to come today", "Awaiting approval", "Arrived", "Completed", "No-shows")
        assert {label: cards(browser)[label] for label in appointment_cards} == {
            "Still to come today": "2", "Awaiting approval": "1", "Arrived": "0", "Completed": "0", "No-shows": "0"
        }  # fmt: skip

        browser.find_element(By.LINK_TEXT, "Day schedule").click()
        block = browser.find_element(By.CSS_SELECTOR, f'.appt[data-appointment="{requested.pk}"]')
        ActionChains(browser).move_to_element(block).perform()  # a narrow block opens on hover
        block.find_element(By.CSS_SELECTOR, 'button[data-move="confirmed"]').click()
        WebDriverWait(browser, 10).until(staleness_of(block))  # the page reloads after the move
        assert "Approve done" in browser.find_element(By.CSS_SELECTOR, "ul.messagelist").text
        block = browser.find_element(By.CSS_SELECTOR, f'.timeline-row[data-lane="{noah.pk}"] .appt')
        ActionChains(browser).move_to_element(block).perform()
        block.find_element(By.CSS_SELECTOR, 'button[data-move="arrived"]').click()
        WebDriverWait(browser, 10).until(staleness_of(block))
        assert "Check in done" in browser.find_element(By.CSS_SELECTOR, "ul.messagelist").text
        browser.get(f"{live_server.url}/admin/")
        assert cards(browser)["Arrived"] == "1"
        assert cards(browser)["Awaiting approval"] == "0"
    requested.refresh_from_db()
    confirmed.refresh_from_db()
    assert (requested.status, confirmed.status) == (S.CONFIRMED, S.ARRIVED)
    assert confirmed.events.get().actor.startswith("user:")


def test_an_operator_books_a_new_customer_through_the_slot_picker(browser, live_server, clinic):
    melbourne, london, fitting, noah = clinic
    console_user("olive", OPERATOR, locations=[melbourne])
    with time_machine.travel(NOW, tick=True):
        browser_login(browser, live_server.url, "olive", "pw")
        browser.find_element(By.LINK_TEXT, "Book").click()
        browser.find_element(By.ID, "slot-search")  # the dashboard has a location picker too: wait for this page
        locations = [option.text for option in browser.find_elements(By.CSS_SELECTOR, "[name=location] option")]
        assert locations == ["---------", "Melbourne CBD"]
        browser.find_element(By.CSS_SELECTOR, "[name=definition] option:nth-child(2)").click()
        browser.find_element(By.CSS_SELECTOR, "#slot-search button[type=submit]").click()
        slots = [slot.text.split("\n")[0] for slot in browser.find_elements(By.CSS_SELECTOR, "#slots .slot")]
        assert slots == ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"]
        browser.find_element(By.CSS_SELECTOR, "#slots .slot:nth-child(3)").click()
        assert browser.find_element(By.ID, "chosen-slot").text == "Customer for Wed 2 Dec 2026 10:00 AEDT"
        browser.find_element(By.NAME, "first_name").send_keys("Olivia")
        browser.find_element(By.NAME, "last_name").send_keys("Jones")
        browser.find_element(By.NAME, "email").send_keys("olivia@example.com")
        browser.find_element(By.ID, "book-button").click()
        assert browser.find_element(By.CSS_SELECTOR, "ul.messagelist").text.startswith("Booked: #")
    appointment = Appointment.objects.get()
    assert appointment.scheduled_start_at == datetime(2026, 12, 1, 23, 0, tzinfo=UTC)
    assert (appointment.profile.email, appointment.location) == ("olivia@example.com", melbourne)


def test_a_manager_edits_a_locations_hours(browser, live_server, clinic):
    melbourne, *_ = clinic
    console_user("max", MANAGER)
    browser_login(browser, live_server.url, "max", "pw")
    browser.get(f"{live_server.url}/admin/directory/location/{melbourne.pk}/change/")
    close = browser.find_element(By.NAME, "normal_hours-0-close_at")
    close.clear()
    close.send_keys("19:30")
    browser.find_element(By.NAME, "_save").click()
    assert "was changed successfully" in browser.find_element(By.CSS_SELECTOR, "ul.messagelist").text
    assert LocationNormalHour.objects.get(location=melbourne).close_at == time(19, 30)


CONSOLE_PAGES = {
    "dashboard": "/admin/",
    "day-schedule": "/admin/appointments/appointment/day/?location={melbourne}&date=2026-12-02",
    "book": "/admin/appointments/appointment/book/?definition={fitting}&location={melbourne}&date=2026-12-02",
    "appointments": "/admin/appointments/appointment/",
    "appointment": "/admin/appointments/appointment/{appointment}/change/",
    "reschedule": "/admin/appointments/appointment/{appointment}/reschedule/",
    "definitions": "/admin/appointments/appointmentdefinition/",
    "definition": "/admin/appointments/appointmentdefinition/{fitting}/change/",
    "availability-preview": "/admin/appointments/appointmentdefinition/{fitting}/availability/"
    "?location={melbourne}&date=2026-12-02",
    "locations": "/admin/directory/location/",
    "location": "/admin/directory/location/{melbourne}/change/",
    "profiles": "/admin/directory/profile/",
    "tokens": "/admin/directory/apitoken/",
    "users": "/admin/auth/user/",
    "queue-boards": "/admin/appointments/queueentry/board/",
    "queue-board": "/admin/appointments/queueentry/board/{melbourne}/",
    "queue": "/admin/appointments/queueentry/",
    "waitlist": "/admin/appointments/waitlistentry/",
    "visits": "/admin/visits/visit/",
    "footfall": "/admin/visits/visit/footfall/?location={melbourne}&start_date=2026-11-01&end_date=2026-11-30",
    "questions": "/admin/questionnaires/question/",
    "questionnaires": "/admin/questionnaires/questionnaire/",
    "submissions": "/admin/questionnaires/submission/",
    "ratings": "/admin/questionnaires/rating/",
    "nps": "/admin/questionnaires/rating/nps/",
    "targets": "/admin/notifications/target/",
    "outbox": "/admin/notifications/notification/",
}


def test_every_console_page_renders_at_1440_px_for_a_screenshot(admin_browser, clinic):
    melbourne, london, fitting, noah = clinic
    appointment = AppointmentFactory(
        definition=fitting, location=melbourne, assigned_staff=noah, scheduled_start_at=NINE_AEDT,
        profile=ProfileFactory(first_name="Liam", last_name="Wilson"),
    )  # fmt: skip
    ids = {"melbourne": melbourne.pk, "fitting": fitting.pk, "appointment": appointment.pk}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser = admin_browser
    with time_machine.travel(NOW, tick=True):
        for name, path in CONSOLE_PAGES.items():
            browser.set_window_size(1440, 1000)
            browser.get(admin_browser.base_url + path.format(**ids))
            assert browser.find_elements(By.CSS_SELECTOR, "#main, main"), name
            assert "Server Error" not in browser.title and "Page not found" not in browser.title, name
            height = browser.execute_script("return document.body.scrollHeight")
            browser.set_window_size(1440, max(800, min(height, 3000)))
            browser.save_screenshot(str(SCREENSHOTS / f"console-{name}.png"))
    assert sorted(p.name for p in SCREENSHOTS.glob("console-*.png")) == sorted(
        f"console-{name}.png" for name in CONSOLE_PAGES
    )
