"""The admin in a real browser: the operator's day tool and the availability preview."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
import time_machine
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from appointments.enums import AppointmentStatus
from appointments.models import Appointment
from directory.enums import DayOfWeek
from tests.factories import (
    AppointmentFactory,
    DefinitionFactory,
    DefinitionLocationFactory,
    DefinitionNormalHourFactory,
    LocationFactory,
    ProfileFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Monday 2026-11-30 09:00 in Melbourne is 2026-11-29 22:00 UTC.
NOW = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)


def fitting_at(location):
    definition = DefinitionFactory(name="Fitting", handle="fitting", duration_minutes=30, max_concurrent_bookings=1)
    DefinitionLocationFactory(definition=definition, location=location)
    DefinitionNormalHourFactory(
        definition=definition, day_of_week=DayOfWeek.MON, available_from=time(9), available_until=time(11)
    )
    return definition


def messages(browser) -> list[str]:
    return [li.text for li in browser.find_elements(By.CSS_SELECTOR, "ul.messagelist li")]


def test_admin_cancels_selected_appointments_and_reports_those_that_cannot_move(admin_browser):
    location = LocationFactory(name="Melbourne CBD")
    definition = fitting_at(location)
    confirmed = AppointmentFactory(
        definition=definition, location=location, status=AppointmentStatus.CONFIRMED,
        scheduled_start_at=datetime(2026, 11, 29, 22, 0, tzinfo=UTC),
    )  # fmt: skip
    completed = AppointmentFactory(
        definition=definition, location=location, status=AppointmentStatus.COMPLETED,
        scheduled_start_at=datetime(2026, 11, 29, 23, 0, tzinfo=UTC),
    )  # fmt: skip
    browser = admin_browser
    browser.get(f"{browser.base_url}/admin/appointments/appointment/")
    rows = browser.find_elements(By.CSS_SELECTOR, "#result_list tbody tr")
    assert len(rows) == 2
    assert "Mon 30 Nov 2026 09:00 AEDT" in rows[0].text
    for box in browser.find_elements(By.CSS_SELECTOR, "input.action-select"):
        box.click()
    Select(browser.find_element(By.NAME, "action")).select_by_value("mark_cancelled")
    browser.find_element(By.NAME, "index").click()

    assert messages(browser) == [
        "Cancel: 1 appointment(s).",
        f"#{completed.pk}: Cannot move from completed to cancelled (completed is final).",
    ]
    confirmed.refresh_from_db()
    assert confirmed.status == AppointmentStatus.CANCELLED
    assert confirmed.cancelled_by.startswith("user:")
    assert list(confirmed.events.values_list("from_status", "to_status")) == [("confirmed", "cancelled")]


def test_admin_booking_shows_the_booking_services_errors_on_the_form(admin_browser):
    location = LocationFactory(name="Melbourne CBD")
    fitting_at(location)
    customer = ProfileFactory(first_name="Olivia", last_name="Jones")
    browser = admin_browser
    with time_machine.travel(NOW, tick=True):
        browser.get(f"{browser.base_url}/admin/appointments/appointment/add/")
        Select(browser.find_element(By.NAME, "definition")).select_by_visible_text("Fitting")
        Select(browser.find_element(By.NAME, "location")).select_by_visible_text("Melbourne CBD")
        # The customer picker is an autocomplete widget: give it the chosen option as the widget would.
        browser.execute_script(
            "document.querySelector('[name=profile]').append(new Option('Olivia Jones', arguments[0], true, true));"
            "document.querySelector('[name=local_start]').value = '2026-11-30T12:00';",
            str(customer.pk),
        )
        browser.find_element(By.NAME, "_save").click()
        errors = [li.text for li in browser.find_elements(By.CSS_SELECTOR, ".errorlist li")]
        assert errors == [
            "That time is outside this service's hours here: on 2026-11-30 they are 09:00-11:00 (Australia/Melbourne)."
        ]
        assert Appointment.objects.count() == 0

        browser.execute_script("document.querySelector('[name=local_start]').value = '2026-11-30T09:30';")
        browser.find_element(By.NAME, "_save").click()
        assert messages(browser)[0].startswith("The appointment")

    appointment = Appointment.objects.get()
    assert appointment.scheduled_start_at == datetime(2026, 11, 29, 22, 30, tzinfo=UTC)
    assert appointment.status == AppointmentStatus.CONFIRMED
    assert list(appointment.events.values_list("kind", "to_status")) == [("created", "confirmed")]


def test_availability_preview_lists_the_slots_with_remaining_capacity(admin_browser):
    location = LocationFactory(name="Melbourne CBD")
    definition = fitting_at(location)
    AppointmentFactory(
        definition=definition, location=location, scheduled_start_at=datetime(2026, 11, 29, 22, 0, tzinfo=UTC)
    )
    browser = admin_browser
    with time_machine.travel(NOW, tick=True):
        browser.get(f"{browser.base_url}/admin/appointments/appointmentdefinition/")
        browser.find_element(By.LINK_TEXT, "Preview slots").click()
        Select(browser.find_element(By.NAME, "location")).select_by_visible_text("Melbourne CBD")
        browser.execute_script("document.querySelector('[name=date]').value = '2026-11-30';")
        browser.find_element(By.CSS_SELECTOR, "#availability-preview input[type=submit]").click()
        times = [cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "#slots .slot-time")]
        capacity = {cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "#slots .slot-capacity")}
    assert times == ["09:30", "10:00", "10:30"]
    assert capacity == {"1"}
