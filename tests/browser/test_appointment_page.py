"""The appointment page as a workspace in a real browser: an operator checks the customer in and completes the
visit from the page's buttons, and a 1440 px screenshot of the page is saved (issue 16)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from selenium.webdriver.common.by import By
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.ui import WebDriverWait

from appointments.enums import AppointmentStatus as S
from appointments.models import Appointment, AppointmentEvent
from appointments.services.booking import appointment_book, booking_request
from directory.roles import OPERATOR
from tests.browser.test_front_desk import screenshot
from tests.conftest import browser_login
from tests.factories import DefinitionFactory, DefinitionLocationFactory, LocationFactory, ProfileFactory
from tests.questionnaires.factories import QuestionFactory, QuestionnaireFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOW = datetime(2026, 12, 7, 23, 5, tzinfo=UTC)  # Tue 8 Dec 10:05 in Melbourne
START = datetime(2026, 12, 7, 23, 0, tzinfo=UTC)


def click_and_wait(browser, selector: str) -> None:
    """Click a move and wait for the page it posts to (the appointment page again) to replace this one."""
    button = browser.find_element(By.CSS_SELECTOR, selector)
    button.click()
    WebDriverWait(browser, 10).until(staleness_of(button))
    browser.find_element(By.ID, "appointment-workspace")


def test_an_operator_checks_in_and_completes_from_the_appointment_page(browser, live_server):
    location = LocationFactory(name="Collins St", timezone="Australia/Melbourne")
    size = QuestionFactory(handle="size", label="Your size?", type="single_select",
                           options=[{"value": "m", "label": "Medium"}])  # fmt: skip
    form = QuestionnaireFactory(handle="fitting", name="Fitting", purpose="booking",
                                questions=[{"mapping_key": "size", "question_id": size.pk}])  # fmt: skip
    definition = DefinitionFactory(name="Suit fitting", booking_questionnaire=form, duration_minutes=30)
    DefinitionLocationFactory(definition=definition, location=location)
    slot = form.current_version.slots.get()
    with time_machine.travel(START - timedelta(days=1), tick=False):
        appointment = appointment_book(
            booking_request(definition, ProfileFactory(first_name="Olivia", last_name="Jones"), location, START,
                            answers=[{"questionnaire_question_id": slot.pk, "value": "m"}],
                            override_availability=True),
            actor="user:0",
        )  # fmt: skip
    user = User.objects.create_user("olive", "olive@example.com", "correct horse battery", is_staff=True)
    user.groups.add(Group.objects.get(name=OPERATOR))

    with time_machine.travel(NOW, tick=True):
        browser_login(browser, live_server.url, "olive", "correct horse battery")
        browser.get(f"{live_server.url}/admin/appointments/appointment/{appointment.pk}/change/")
        workspace = browser.find_element(By.ID, "appointment-workspace")
        assert "Tue 08 Dec 2026 10:00–10:30 AEDT (Australia/Melbourne)" in workspace.text
        assert "Your size?" in workspace.text and "Medium" in workspace.text
        screenshot(browser, "appointment-page")

        click_and_wait(browser, "#workspace-moves [data-move=arrived]")
        moves = browser.find_element(By.ID, "workspace-moves")
        assert [b.get_attribute("data-move") for b in moves.find_elements(By.CSS_SELECTOR, "button")] == ["completed"]
        click_and_wait(browser, "#workspace-moves [data-move=completed]")
        assert browser.find_element(By.ID, "workspace-moves").find_elements(By.CSS_SELECTOR, "button") == []

    appointment.refresh_from_db()
    assert appointment.status == S.COMPLETED
    assert appointment.arrived_at is not None and appointment.completed_at >= appointment.arrived_at
    moves_made = AppointmentEvent.objects.filter(appointment=appointment, kind="status").order_by("at", "id")
    assert [(e.from_status, e.to_status, e.actor) for e in moves_made] == [
        ("confirmed", "arrived", f"user:{user.pk}"),
        ("arrived", "completed", f"user:{user.pk}"),
    ]
    assert Appointment.objects.count() == 1
