"""Booking questionnaires (issue 9 point 3; DOMAIN.md "Questionnaires", "Booking"; API.md `/questions`).

A Melbourne location open every day; the fitting is offered 09:00-17:00 in 30-minute slots; `now` is pinned to
2025-06-09 00:00 UTC and bookings are for Monday 2025-06-16. The booking form asks for a size (single select,
required), whether the customer wants a gift wrap (boolean) and, only when they do, the gift message (text,
required when shown).
"""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appointments.models import Appointment, AppointmentDefinition
from config import celery_app
from questionnaires.models import Answer, Submission
from questionnaires.services.questionnaires import questionnaire_update
from questionnaires.services.questions import question_update
from tests.factories import (
    DefinitionFactory,
    DefinitionLocationFactory,
    DefinitionNormalHourFactory,
    LocationFactory,
    LocationNormalHourFactory,
    ProfileFactory,
)
from tests.questionnaires.factories import QuestionFactory, QuestionnaireFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 6, 9, 0, 0, tzinfo=UTC)
WEEK = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
SIZES = [{"value": "s", "label": "Small"}, {"value": "m", "label": "Medium"}, {"value": "l", "label": "Large"}]
GIFT_SHOWN = {"==": [{"var": "gift"}, True]}


@pytest.fixture(autouse=True)
def pinned_now():
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    with time_machine.travel(NOW, tick=False):
        yield
    celery_app.conf.task_always_eager = before


@pytest.fixture
def location():
    location = LocationFactory(timezone="Australia/Melbourne")
    for day in WEEK:
        LocationNormalHourFactory(location=location, day_of_week=day, open_at=time(8), close_at=time(18))
    return location


@pytest.fixture
def questions():
    return {
        "size": QuestionFactory(handle="size", label="Your size?", type="single_select", options=SIZES),
        "gift": QuestionFactory(handle="gift", label="Gift wrap?", type="boolean"),
        "message": QuestionFactory(handle="message", label="Gift message", type="text"),
    }


@pytest.fixture
def form(questions):
    return QuestionnaireFactory(
        handle="fitting-form",
        name="Fitting form",
        purpose="booking",
        questions=[
            {"mapping_key": "size", "question_id": questions["size"].pk, "is_required": True},
            {"mapping_key": "gift", "question_id": questions["gift"].pk},
            {"mapping_key": "message", "question_id": questions["message"].pk, "is_required": True,
             "visibility_condition": GIFT_SHOWN},
        ],
    )  # fmt: skip


def make_definition(location, questionnaire=None):
    definition = DefinitionFactory(booking_questionnaire=questionnaire)
    for day in WEEK:
        DefinitionNormalHourFactory(definition=definition, day_of_week=day, available_from=time(9),
                                    available_until=time(17))  # fmt: skip
    DefinitionLocationFactory(definition=definition, location=location)
    return definition


@pytest.fixture
def definition(location, form):
    return make_definition(location, form)


def slot_ids(definition) -> dict[str, int]:
    return {slot.mapping_key: slot.pk for slot in definition.booking_questionnaire.current_version.slots.all()}


def book(api, definition, location, answers, *, hour=10, profile=None):
    body = {
        "appointment_definition_id": definition.pk,
        "profile_id": str((profile or ProfileFactory()).pk),
        "location_id": location.pk,
        "scheduled_start_at": f"2025-06-16 {hour:02d}:00:00",
        "timezone": "Australia/Melbourne",
        "answers": answers,
    }
    return api.post("/api/v3/appointments", body, format="json")


def answers_of(ids, **values):
    return [{"questionnaire_question_id": ids[key], "value": value} for key, value in values.items()]


# The form on the definition ------------------------------------------------------------------------------------


def test_questions_endpoint_returns_the_active_version(api, definition, questions):
    response = api.get(f"/api/v3/appointment-definitions/{definition.pk}/questions")

    assert response.status_code == 200
    data = response.json()["data"]
    version = definition.booking_questionnaire.current_version
    assert data["questionnaire"] == {"id": definition.booking_questionnaire_id, "name": "Fitting form",
                                     "purpose": "booking", "version": 1, "questionnaire_version_id": version.pk}  # fmt: skip
    assert [q["mapping_key"] for q in data["questions"]] == ["size", "gift", "message"]
    size = data["questions"][0]
    assert size["questionnaire_question_id"] == slot_ids(definition)["size"]
    assert (size["is_required"], size["sort_order"], size["visibility_condition"]) == (True, 1, None)
    assert size["question"]["id"] == questions["size"].pk
    assert size["question"]["handle"] == "size"
    assert size["version"] == {
        "id": questions["size"].current_version_id, "version": 1, "label": "Your size?", "help_text": None,
        "type": "single_select", "options": SIZES, "validation": {}, "default_value": None,
    }  # fmt: skip
    assert data["questions"][2]["visibility_condition"] == GIFT_SHOWN


def test_definition_shows_its_booking_questionnaire(api, definition):
    data = api.get(f"/api/v3/appointment-definitions/{definition.pk}").json()["data"]
    assert data["has_booking_questionnaire"] is True
    assert data["booking_questionnaire"]["id"] == definition.booking_questionnaire_id
    assert [q["mapping_key"] for q in data["booking_questionnaire"]["questions"]] == ["size", "gift", "message"]


def test_a_definition_is_created_with_an_inline_booking_questionnaire(api, questions):
    body = {
        "handle": "fitting", "name": "Fitting", "duration_minutes": 30, "booking_type": "instant",
        "booking_questionnaire": {"name": "Fitting questions", "questions": [
            {"mapping_key": "size", "question_handle": "size", "is_required": True}]},
    }  # fmt: skip
    response = api.post("/api/v3/appointment-definitions", body, format="json")

    assert response.status_code == 201, response.json()
    form = response.json()["data"]["booking_questionnaire"]
    assert (form["name"], form["handle"], form["purpose"], form["version"]) == (
        "Fitting questions", "fitting-booking", "booking", 1,
    )  # fmt: skip
    assert [q["version"]["label"] for q in form["questions"]] == ["Your size?"]
    assert response.json()["data"]["has_booking_questionnaire"] is True


def test_an_inline_form_with_an_error_writes_nothing(api):
    body = {
        "handle": "fitting", "name": "Fitting", "duration_minutes": 30, "booking_type": "instant",
        "booking_questionnaire": {"name": "Broken", "questions": [{"mapping_key": "x", "question_handle": "nope"}]},
    }  # fmt: skip
    response = api.post("/api/v3/appointment-definitions", body, format="json")

    assert response.status_code == 422
    assert response.json()["errors"] == {
        "booking_questionnaire.questions.0.question_id": ["Name an existing question (id or handle)."]
    }
    assert not AppointmentDefinition.objects.exists()


def test_a_definition_points_at_a_questionnaire_by_id_and_can_drop_it(api, location, form):
    definition = make_definition(location)
    url = f"/api/v3/appointment-definitions/{definition.pk}"

    attached = api.put(url, {"booking_questionnaire_id": form.pk}, format="json")
    assert attached.status_code == 200
    assert attached.json()["data"]["has_booking_questionnaire"] is True

    unknown = api.put(url, {"booking_questionnaire": {"id": 999999}}, format="json")
    assert unknown.status_code == 422
    assert unknown.json()["errors"] == {"booking_questionnaire": ["The questionnaire does not exist."]}

    detached = api.put(url, {"booking_questionnaire_id": None}, format="json")
    assert detached.json()["data"]["has_booking_questionnaire"] is False
    assert detached.json()["data"]["booking_questionnaire"] is None


# Booking with answers ------------------------------------------------------------------------------------------


def test_booking_pins_the_version_and_shows_the_answers(api, definition, location, django_capture_on_commit_callbacks):
    ids = slot_ids(definition)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = book(api, definition, location, answers_of(ids, size="m", gift="true", message="Happy birthday"))

    assert response.status_code == 201, response.json()
    data = response.json()["data"]
    assert data["questionnaire_version_id"] == definition.booking_questionnaire.current_version_id
    assert [(a["mapping_key"], a["question_label"], a["question_type"], a["value"]) for a in data["answers"]] == [
        ("size", "Your size?", "single_select", "m"),
        ("gift", "Gift wrap?", "boolean", True),
        ("message", "Gift message", "text", "Happy birthday"),
    ]
    # None of these questions routes anywhere: the answers are skipped as they are written, and no routing task
    # is sent (the one callback is the booking's log line).
    assert [a["mapping_status"] for a in data["answers"]] == ["skipped"] * 3
    assert len(callbacks) == 1
    assert api.get(f"/api/v3/appointments/{data['id']}").json()["data"]["answers"][0]["mapping_status"] == "skipped"


def test_a_routed_answer_is_pending_until_the_routing_task(api, location, django_capture_on_commit_callbacks):
    routed = QuestionFactory(type="text", link_type="profile", link_target="last_name")
    plain = QuestionFactory(type="text")
    definition = make_definition(location, QuestionnaireFactory(questions=[
        {"mapping_key": "surname", "question_id": routed.pk}, {"mapping_key": "note", "question_id": plain.pk}]))  # fmt: skip
    ids = slot_ids(definition)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = book(api, definition, location, answers_of(ids, surname="Ng", note="Hi"))
    assert response.status_code == 201, response.json()
    answers = response.json()["data"]["answers"]
    assert [(a["mapping_key"], a["mapping_status"]) for a in answers] == [
        ("surname", "pending"),  # the response is written before routing
        ("note", "skipped"),
    ]
    assert len(callbacks) == 2  # the booking's log line, then the routing task
    for callback in callbacks:
        callback()  # the routing task runs eagerly here
    after = api.get(f"/api/v3/appointments/{response.json()['data']['id']}").json()["data"]["answers"]
    assert [a["mapping_status"] for a in after] == ["mapped", "skipped"]
    assert (
        Answer.objects.get(slot_id=ids["note"]).mapped_at
        == Answer.objects.get(slot_id=ids["note"]).submission.submitted_at
    )


def test_editing_the_form_after_booking_leaves_the_appointment_as_booked(api, definition, location, questions):
    ids = slot_ids(definition)
    booked = book(api, definition, location, answers_of(ids, size="l", gift=False)).json()["data"]

    question_update(questions["size"], label="Which size fits?", options=[*SIZES, {"value": "xl"}])
    questionnaire_update(
        definition.booking_questionnaire,
        questions=[{"mapping_key": "fit", "question_id": questions["size"].pk, "is_required": True}],
    )
    after = api.get(f"/api/v3/appointments/{booked['id']}").json()["data"]

    assert after["questionnaire_version_id"] == booked["questionnaire_version_id"]
    assert after["answers"] == booked["answers"]
    assert after["answers"][0]["question_label"] == "Your size?"
    new_form = api.get(f"/api/v3/appointment-definitions/{definition.pk}/questions").json()["data"]
    assert new_form["questionnaire"]["version"] == 2
    assert [(q["mapping_key"], q["version"]["label"]) for q in new_form["questions"]] == [("fit", "Which size fits?")]


def test_hidden_questions_are_not_required_and_their_answers_are_dropped(api, definition, location):
    ids = slot_ids(definition)
    response = book(api, definition, location, answers_of(ids, size="s", gift=False, message="ignored"))

    assert response.status_code == 201, response.json()
    assert [a["mapping_key"] for a in response.json()["data"]["answers"]] == ["size", "gift"]


@pytest.mark.parametrize(
    ("values", "errors"),
    [
        ({"size": "xxl"}, {"answers.size": ["Must be one of: s, m, l."]}),
        ({"gift": True}, {"answers.size": ["This question is required."],
                          "answers.message": ["This question is required."]}),
        ({"size": "s", "gift": "perhaps"}, {"answers.gift": ["Must be true or false."]}),
        ({"size": 3}, {"answers.size": ["Must be one of: s, m, l."]}),
    ],
)  # fmt: skip
def test_bad_answers_are_422_keyed_by_mapping_key_and_nothing_is_written(api, definition, location, values, errors):
    response = book(api, definition, location, answers_of(slot_ids(definition), **values))

    assert response.status_code == 422
    assert response.json()["errors"] == errors
    assert (Appointment.objects.count(), Submission.objects.count(), Answer.objects.count()) == (0, 0, 0)


def test_an_unknown_questionnaire_question_id_is_422(api, definition, location):
    other = QuestionnaireFactory(questions=[{"mapping_key": "x", "question_id": QuestionFactory().pk}])
    foreign = other.current_version.slots.get().pk
    answers = [*answers_of(slot_ids(definition), size="s"), {"questionnaire_question_id": foreign, "value": "x"}]

    response = book(api, definition, location, answers)

    assert response.status_code == 422
    assert response.json()["errors"] == {
        "answers.1.questionnaire_question_id": ["Not a question of this form's current version."]
    }


def test_answers_to_an_old_version_are_refused(api, definition, location, questions):
    old = slot_ids(definition)
    questionnaire_update(definition.booking_questionnaire,
                         questions=[{"mapping_key": "size", "question_id": questions["size"].pk}])  # fmt: skip
    response = book(api, definition, location, answers_of(old, size="s"))
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["answers.0.questionnaire_question_id"]


def test_a_lost_slot_writes_no_answers(api, definition, location):
    ids = slot_ids(definition)
    assert book(api, definition, location, answers_of(ids, size="s")).status_code == 201
    taken = book(api, definition, location, answers_of(ids, size="m"))

    assert taken.status_code == 422
    assert list(taken.json()["errors"]) == ["scheduled_start_at"]
    assert Submission.objects.count() == 1
    assert list(Answer.objects.values_list("value", flat=True)) == ["s"]


def test_answers_without_a_booking_questionnaire_are_still_refused(api, location):
    definition = make_definition(location)
    response = book(api, definition, location, [{"questionnaire_question_id": 1, "value": "x"}])
    assert response.status_code == 422
    assert response.json()["errors"] == {"answers": ["This appointment definition has no booking questionnaire."]}


def booking_queries(api, definition, location, answers, hour) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = book(api, definition, location, answers, hour=hour)
    assert response.status_code == 201, response.json()
    return len(captured)


def test_booking_with_ten_questions_costs_the_same_queries_as_with_one(api, location):
    one_question = QuestionFactory(type="text")
    small = make_definition(location, QuestionnaireFactory(questions=[
        {"mapping_key": "q0", "question_id": one_question.pk, "is_required": True}]))  # fmt: skip
    many = [QuestionFactory(type="number") for _ in range(10)]
    large = make_definition(location, QuestionnaireFactory(questions=[
        {"mapping_key": f"q{i}", "question_id": q.pk, "is_required": True} for i, q in enumerate(many)]))  # fmt: skip
    plain = make_definition(location)
    book(api, plain, location, [], hour=9)  # warm the schedule caches and the token
    book(api, small, location, answers_of(slot_ids(small), q0="x"), hour=9)
    book(api, large, location, answers_of(slot_ids(large), **{f"q{i}": i for i in range(10)}), hour=9)

    without = booking_queries(api, plain, location, [], 11)
    with_one = booking_queries(api, small, location, answers_of(slot_ids(small), q0="x"), 11)
    with_ten = booking_queries(api, large, location, answers_of(slot_ids(large), **{f"q{i}": i for i in range(10)}), 11)

    # The submission and its answers (two inserts); the form comes from the schedule cache (fastpath.booking_form)
    # and routing runs after commit, on a worker.
    assert with_one == with_ten == without + 2
    assert Answer.objects.count() == 1 + 10 + 1 + 10


@pytest.mark.parametrize("count", [1, 5])
def test_appointment_lists_load_every_rows_answers_in_one_query(api, definition, location, count,
                                                                django_assert_num_queries):  # fmt: skip
    ids = slot_ids(definition)
    for hour in range(9, 9 + count):
        assert (
            book(api, definition, location, answers_of(ids, size="s", gift=True, message="hi"), hour=hour).status_code
            == 201
        )
    api.get("/api/v3/appointments")
    with django_assert_num_queries(4):  # token, count, the page (relations joined), the answers of the page
        response = api.get("/api/v3/appointments")
    rows = response.json()["data"]
    assert len(rows) == count
    assert all([a["mapping_key"] for a in row["answers"]] == ["size", "gift", "message"] for row in rows)
