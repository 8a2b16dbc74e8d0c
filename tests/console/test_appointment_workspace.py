"""The appointment page as a workspace: the booking's answers, the moves its status allows, the reschedule link,
and the location scope of an operator (issue 16)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from appointments.enums import AppointmentStatus as S
from appointments.models import Appointment, AppointmentEvent
from appointments.services.booking import appointment_book, booking_request
from directory.roles import MANAGER, OPERATOR
from tests.console.conftest import console_user
from tests.factories import DefinitionFactory, DefinitionLocationFactory, LocationFactory, ProfileFactory
from tests.questionnaires.factories import QuestionFactory, QuestionnaireFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 7, 22, 0, tzinfo=UTC)  # Tue 8 Dec 09:00 in Melbourne
START = datetime(2026, 12, 7, 23, 0, tzinfo=UTC)  # Tue 8 Dec 10:00 AEDT
SIZES = [{"value": "s", "label": "Small"}, {"value": "m", "label": "Medium"}]


@pytest.fixture
def place():
    location = LocationFactory(name="Collins St", timezone="Australia/Melbourne")
    size = QuestionFactory(handle="size", label="Your size?", type="single_select", options=SIZES)
    gift = QuestionFactory(handle="gift", label="Gift wrap?", type="boolean")
    form = QuestionnaireFactory(handle="fitting", name="Fitting", purpose="booking", questions=[
        {"mapping_key": "size", "question_id": size.pk, "is_required": True},
        {"mapping_key": "gift", "question_id": gift.pk},
    ])  # fmt: skip
    definition = DefinitionFactory(name="Fitting", booking_questionnaire=form, duration_minutes=30)
    DefinitionLocationFactory(definition=definition, location=location)
    return definition, location


def booked(place, **answers) -> Appointment:
    definition, location = place
    slots = {slot.mapping_key: slot.pk for slot in definition.booking_questionnaire.current_version.slots.all()}
    sent = [{"questionnaire_question_id": slots[key], "value": value} for key, value in answers.items()]
    request = booking_request(definition, ProfileFactory(first_name="Olivia", last_name="Jones"), location, START,
                              answers=sent, override_availability=True)  # fmt: skip
    with time_machine.travel(NOW, tick=False):
        return appointment_book(request, actor="user:1", now=NOW)


def page(client, appointment) -> str:
    response = client.get(reverse("admin:appointments_appointment_change", args=[appointment.pk]))
    assert response.status_code == 200
    return response.content.decode()


def moves(html: str) -> list[str]:
    workspace = html.split('id="workspace-moves"', 1)[1].split("</div>", 1)[0]
    return re.findall(r'data-move="([a-z_]+)"', workspace)


@pytest.mark.parametrize(
    ("status", "expected", "reschedulable"),
    [
        (S.REQUESTED, ["confirmed", "rejected", "cancelled"], True),
        (S.CONFIRMED, ["arrived", "completed", "no_show", "cancelled"], True),
        (S.ARRIVED, ["completed"], False),
        (S.COMPLETED, [], False),
        (S.CANCELLED, [], False),
    ],
)
def test_the_page_offers_exactly_the_moves_the_status_allows(login, place, status, expected, reschedulable):
    appointment = booked(place, size="m")
    Appointment.objects.filter(pk=appointment.pk).update(status=status)
    client = login(console_user("olive", OPERATOR))

    html = page(client, appointment)

    assert moves(html) == expected
    assert ('id="workspace-reschedule"' in html) is reschedulable


def test_the_page_shows_the_booking_answers_in_words_and_the_local_time(operator_client, place):
    appointment = booked(place, size="m", gift=True)

    html = page(operator_client, appointment)

    answers = html.split('id="workspace-answers"', 1)[1].split("</table>", 1)[0]
    assert re.findall(r"<td>([^<]*)</td>", answers) == ["Your size?", "Medium", "Gift wrap?", "Yes"]
    assert "Tue 08 Dec 2026 10:00–10:30 AEDT (Australia/Melbourne)" in html


def test_a_move_from_the_page_goes_through_the_lifecycle_and_comes_back(operator_client, place):
    appointment = booked(place, size="s")
    with time_machine.travel(START, tick=False):
        response = operator_client.post(
            reverse("admin:appointments_appointment_move", args=[appointment.pk]),
            {"to": "arrived", "next": reverse("admin:appointments_appointment_change", args=[appointment.pk])},
        )

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:appointments_appointment_change", args=[appointment.pk])
    appointment.refresh_from_db()
    assert (appointment.status, appointment.arrived_at) == (S.ARRIVED, START)
    event = AppointmentEvent.objects.filter(appointment=appointment, kind="status").get()
    assert (event.from_status, event.to_status, event.actor.startswith("user:")) == ("confirmed", "arrived", True)


def test_an_operator_of_another_location_neither_sees_nor_moves_it(login, place):
    appointment = booked(place, size="s")
    elsewhere = LocationFactory(name="Elsewhere", timezone="Australia/Melbourne")
    client = login(console_user("otto", OPERATOR, locations=[elsewhere]))

    opened = client.get(reverse("admin:appointments_appointment_change", args=[appointment.pk]))
    moved = client.post(reverse("admin:appointments_appointment_move", args=[appointment.pk]), {"to": "cancelled"})

    assert opened.status_code == 302  # the admin's "does not exist" redirect, as for any record out of reach
    assert "workspace" not in opened.content.decode()
    assert moved.status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == S.CONFIRMED


def test_only_a_manager_is_offered_the_delete_and_an_operator_is_offered_cancel(login, place):
    appointment = booked(place, size="s")
    delete_url = reverse("admin:appointments_appointment_delete", args=[appointment.pk])

    operator_html = page(login(console_user("olive", OPERATOR)), appointment)
    manager_html = page(login(console_user("max", MANAGER)), appointment)

    assert delete_url not in operator_html
    assert "cancelled" in moves(operator_html)
    assert delete_url in manager_html
