"""The questionnaires API (issue 9 point 6): questions, questionnaires, versions, submissions, ratings, with the
usual envelopes, errors and customer scoping."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import include
from django.urls import path as url_path
from drf_spectacular.generators import SchemaGenerator

from questionnaires.models import Answer, Question, Questionnaire, Submission
from tests.factories import LocationFactory, ProfileFactory
from tests.questionnaires.factories import QuestionFactory, QuestionnaireFactory, RatingFactory

pytestmark = pytest.mark.django_db

SIZES = [{"value": "s", "label": "Small"}, {"value": "m", "label": "Medium"}]


def error(response, status: int) -> dict:
    assert response.status_code == status, response.json()
    assert set(response.json()) == {"message", "code", "errors"}
    return response.json()["errors"]


# Questions -----------------------------------------------------------------------------------------------------


def test_create_read_and_version_a_question(api):
    body = {"handle": "size", "label": "Your size?", "type": "single_select", "options": SIZES,
            "link_type": "profile", "link_target": "attributes.size", "link_write_policy": "if_empty"}  # fmt: skip
    created = api.post("/api/v3/questions", body, format="json")

    assert created.status_code == 201, created.json()
    data = created.json()["data"]
    assert set(data) == {"id", "handle", "name", "description", "is_active", "link_type", "link_target",
                         "link_write_policy", "current_version_id", "current_version", "created_at", "updated_at"}  # fmt: skip
    assert (data["link_type"], data["link_target"], data["link_write_policy"]) == (
        "profile", "attributes.size", "if_empty",
    )  # fmt: skip
    assert data["current_version"]["version"] == 1
    assert data["current_version"]["options"] == SIZES
    url = f"/api/v3/questions/{data['id']}"
    assert api.get(url).json() == {"data": data}

    same = api.put(url, {"label": "Your size?", "options": SIZES}, format="json")
    assert same.json()["data"]["current_version"]["version"] == 1
    changed = api.put(url, {"label": "Which size?"}, format="json")
    assert changed.json()["data"]["current_version"]["version"] == 2

    versions = api.get(f"{url}/versions").json()["data"]
    assert [(v["version"], v["label"]) for v in versions] == [(1, "Your size?"), (2, "Which size?")]


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"handle": "h", "label": "L", "type": "slider", "validation": {"min": 0}},
         {"validation.max": ["A slider needs min and max."]}),
        ({"handle": "h", "label": "L", "type": "colour"}, {"type": ['"colour" is not a valid choice.']}),
        ({"handle": "h", "type": "text"}, {"label": ["This field is required."]}),
        ({"handle": "h", "label": "L", "type": "single_select", "options": [{"value": "a"}, {"value": "a"}]},
         {"options.1": ["Option values must be unique; 'a' repeats."]}),
        ({"handle": "h", "label": "L", "type": "text", "link_type": "rating", "link_target": "stars"},
         {"link_target": ["A rating link_target is one of nps, csat."]}),
    ],
)  # fmt: skip
def test_bad_questions_are_422_and_nothing_is_written(api, body, errors):
    assert error(api.post("/api/v3/questions", body, format="json"), 422) == errors
    assert not Question.objects.exists()


def test_a_duplicate_handle_is_422(api):
    QuestionFactory(handle="taken")
    errors = error(api.post("/api/v3/questions", {"handle": "taken", "label": "L", "type": "text"}, format="json"), 422)
    assert errors == {"handle": ["Question with this Handle already exists."]}


def test_questions_are_staff_only(customer):
    QuestionFactory()
    assert error(customer.get("/api/v3/questions"), 403) == {}


@pytest.mark.parametrize("count", [1, 8])
def test_question_list_query_count_does_not_grow(api, count, django_assert_num_queries):
    for _ in range(count):
        QuestionFactory()
    api.get("/api/v3/questions")
    with django_assert_num_queries(3):  # token, count, page (versions joined)
        response = api.get("/api/v3/questions")
    assert len(response.json()["data"]) == count


# Questionnaires ------------------------------------------------------------------------------------------------


@pytest.fixture
def questions():
    return [QuestionFactory(handle="size", type="single_select", options=SIZES), QuestionFactory(handle="notes")]


def test_create_a_questionnaire_with_pages_and_version_it(api, questions):
    body = {
        "name": "Onboarding", "handle": "onboarding", "purpose": "profile_onboarding",
        "questions": [{"mapping_key": "size", "question_handle": "size", "is_required": True}],
        "pages": [{"title": "More", "description": "Optional", "questions": [
            {"mapping_key": "notes", "question_id": questions[1].pk,
             "visibility_condition": {"==": [{"var": "size"}, "m"]}}]}],
    }  # fmt: skip
    created = api.post("/api/v3/questionnaires", body, format="json")

    assert created.status_code == 201, created.json()
    data = created.json()["data"]
    assert (data["purpose"], data["version"], data["is_active"]) == ("profile_onboarding", 1, True)
    assert [(q["mapping_key"], q["sort_order"], q["page_title"]) for q in data["questions"]] == [
        ("size", 1, None), ("notes", 2, "More"),
    ]  # fmt: skip
    url = f"/api/v3/questionnaires/{data['id']}"

    changed = api.put(url, {"questions": [{"mapping_key": "notes", "question_handle": "notes"}]}, format="json")
    assert changed.json()["data"]["version"] == 2
    versions = api.get(f"{url}/versions").json()["data"]
    assert [(v["version"], [q["mapping_key"] for q in v["questions"]]) for v in versions] == [
        (1, ["size", "notes"]), (2, ["notes"]),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"handle": "f"}, {"name": ["This field is required."]}),
        ({"name": "F", "handle": "f", "purpose": "party"}, {"purpose": ['"party" is not a valid choice.']}),
        ({"name": "F", "handle": "f", "questions": [{"question_handle": "size"}]},
         {"questions.0.mapping_key": ["This field is required."]}),
        ({"name": "F", "handle": "f", "questions": [{"mapping_key": "a", "question_handle": "nope"}]},
         {"questions.0.question_id": ["Name an existing question (id or handle)."]}),
    ],
)  # fmt: skip
def test_bad_questionnaires_are_422_and_nothing_is_written(api, questions, body, errors):
    assert error(api.post("/api/v3/questionnaires", body, format="json"), 422) == errors
    assert not Questionnaire.objects.exists()


def test_customers_see_active_questionnaires_only(customer, questions):
    active = QuestionnaireFactory(questions=[{"mapping_key": "s", "question_id": questions[0].pk}])
    inactive = QuestionnaireFactory(is_active=False)
    assert [q["id"] for q in customer.get("/api/v3/questionnaires").json()["data"]] == [active.pk]
    assert error(customer.get(f"/api/v3/questionnaires/{inactive.pk}"), 404) == {}
    assert error(customer.post("/api/v3/questionnaires", {"name": "x", "handle": "x"}, format="json"), 403) == {}


@pytest.mark.parametrize("count", [1, 6])
def test_questionnaire_list_query_count_does_not_grow(api, questions, count, django_assert_num_queries):
    for _ in range(count):
        QuestionnaireFactory(questions=[{"mapping_key": "s", "question_id": q.pk} for q in questions][:1])
    api.get("/api/v3/questionnaires")
    with django_assert_num_queries(4):  # token, count, page, the current versions' slots
        response = api.get("/api/v3/questionnaires")
    assert len(response.json()["data"]) == count


# Submissions ---------------------------------------------------------------------------------------------------


@pytest.fixture
def nps():
    score = QuestionFactory(handle="nps", type="slider", validation={"min": 0, "max": 10}, link_type="rating",
                            link_target="nps")  # fmt: skip
    comment = QuestionFactory(handle="why", type="textarea")
    return QuestionnaireFactory(
        handle="nps", name="How likely are you to recommend us?", purpose="nps",
        questions=[{"mapping_key": "score", "question_id": score.pk, "is_required": True},
                   {"mapping_key": "comment", "question_id": comment.pk}],
    )  # fmt: skip


def slot(form, key) -> int:
    return form.current_version.slots.get(mapping_key=key).pk


def submit(client, form, score, **extra):
    body = {"answers": [{"questionnaire_question_id": slot(form, "score"), "value": score},
                        {"questionnaire_question_id": slot(form, "comment"), "value": "Friendly staff"}], **extra}  # fmt: skip
    return client.post(f"/api/v3/questionnaires/{form.pk}/submissions", body, format="json")


def test_an_integration_submits_a_survey_for_a_profile_and_a_rating_follows(
    api, nps, django_capture_on_commit_callbacks
):
    profile, location = ProfileFactory(), LocationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(api, nps, "9", profile_id=str(profile.pk), location_id=location.pk, context={"via": "sms"})

    assert response.status_code == 201, response.json()
    data = response.json()["data"]
    assert (data["profile_id"], data["location_id"], data["appointment_id"], data["context"]) == (
        str(profile.pk), location.pk, None, {"via": "sms"},
    )  # fmt: skip
    assert [(a["mapping_key"], a["value"]) for a in data["answers"]] == [("score", 9), ("comment", "Friendly staff")]
    read = api.get(f"/api/v3/submissions/{data['id']}").json()["data"]
    assert [a["mapping_status"] for a in read["answers"]] == ["mapped", "skipped"]
    ratings = api.get("/api/v3/ratings").json()["data"]
    assert [(r["scale"], r["score"], r["comment"], r["location_id"], r["profile_id"]) for r in ratings] == [
        ("nps", 9, "Friendly staff", location.pk, str(profile.pk))
    ]


def test_anonymous_submissions_are_allowed_for_integrations(api, nps):
    response = submit(api, nps, 10)
    assert response.status_code == 201
    assert response.json()["data"]["profile_id"] is None


@pytest.mark.parametrize(
    ("extra", "errors"),
    [
        ({"profile_id": "00000000-0000-4000-8000-000000000000"}, {"profile_id": ["The profile does not exist."]}),
        ({"location_id": 999999}, {"location_id": ["The location does not exist."]}),
    ],
)
def test_unknown_profiles_and_locations_are_422(api, nps, extra, errors):
    assert error(submit(api, nps, 9, **extra), 422) == errors
    assert not Submission.objects.exists()


def test_bad_answers_are_422_by_mapping_key_and_nothing_is_written(api, nps):
    assert error(submit(api, nps, 11), 422) == {"answers.score": ["Must be at most 10."]}
    assert (Submission.objects.count(), Answer.objects.count()) == (0, 0)


def test_customers_submit_only_for_themselves(customer, nps):
    own = submit(customer, nps, 7)
    assert own.status_code == 201
    assert own.json()["data"]["profile_id"] == str(customer.profile.pk)

    other = submit(customer, nps, 7, profile_id=str(ProfileFactory().pk))
    assert error(other, 403) == {}
    assert Submission.objects.count() == 1


def test_customers_read_only_their_own_submissions_and_ratings(api, make_customer_client, nps):
    alice, bob = make_customer_client(), make_customer_client()
    mine = submit(alice, nps, 9).json()["data"]["id"]
    theirs = submit(bob, nps, 3).json()["data"]["id"]
    RatingFactory(profile=alice.profile, score=9, rated_at=datetime(2025, 6, 3, tzinfo=UTC))
    RatingFactory(profile=bob.profile, score=3, rated_at=datetime(2025, 6, 3, tzinfo=UTC))

    assert [s["id"] for s in alice.get(f"/api/v3/questionnaires/{nps.pk}/submissions").json()["data"]] == [mine]
    assert alice.get(f"/api/v3/submissions/{mine}").status_code == 200
    assert error(alice.get(f"/api/v3/submissions/{theirs}"), 404) == {}
    assert [r["score"] for r in alice.get("/api/v3/ratings").json()["data"]] == [9]
    assert {s["id"] for s in api.get(f"/api/v3/questionnaires/{nps.pk}/submissions").json()["data"]} == {mine, theirs}


def test_ratings_filter_and_sort(api):
    location = LocationFactory()
    for score in (3, 9, 10):
        RatingFactory(location=location, score=score, rated_at=datetime(2025, 6, score, tzinfo=UTC))
    RatingFactory(scale="csat", score=5, rated_at=datetime(2025, 6, 1, tzinfo=UTC))
    response = api.get("/api/v3/ratings", {"filter[location_id]": location.pk, "filter[score][gte]": 9,
                                           "sort": "score"})  # fmt: skip
    assert [r["score"] for r in response.json()["data"]] == [9, 10]
    assert error(api.get("/api/v3/ratings", {"filter[stars]": 1}), 422) == {
        "filter": ["Unknown filter field 'stars'. Allowed: id, location_id, profile_id, questionnaire_id, rated_at, "
                   "scale, score, submission_id."]
    }  # fmt: skip


@pytest.mark.parametrize("count", [1, 7])
def test_submission_list_query_count_does_not_grow(api, nps, count, django_assert_num_queries):
    for score in range(count):
        submit(api, nps, score)
    api.get(f"/api/v3/questionnaires/{nps.pk}/submissions")
    # token, questionnaire (+ its current version's slots), count, page, answers
    with django_assert_num_queries(6):
        response = api.get(f"/api/v3/questionnaires/{nps.pk}/submissions")
    assert len(response.json()["data"]) == count


def test_missing_records_are_json_404s(api):
    for url in ("/api/v3/questions/999", "/api/v3/questionnaires/999", "/api/v3/submissions/999",
                "/api/v3/questionnaires/999/submissions", "/api/v3/questions/999/versions"):  # fmt: skip
        assert error(api.get(url), 404) == {}, url


# Schema --------------------------------------------------------------------------------------------------------


def test_the_schema_describes_every_new_operation_with_its_errors():
    # The schema of this app's routes only (the whole project's takes seconds to build).
    patterns = [url_path("api/v3/", include("questionnaires.api.urls"))]
    schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    paths = schema["paths"]
    expected = {
        "/api/v3/questions": {"get", "post"},
        "/api/v3/questions/{id}": {"get", "put", "patch"},
        "/api/v3/questions/{id}/versions": {"get"},
        "/api/v3/questionnaires": {"get", "post"},
        "/api/v3/questionnaires/{id}": {"get", "put", "patch"},
        "/api/v3/questionnaires/{id}/versions": {"get"},
        "/api/v3/questionnaires/{questionnaire_id}/submissions": {"get", "post"},
        "/api/v3/submissions/{id}": {"get"},
        "/api/v3/ratings": {"get"},
        "/api/v3/reports/nps": {"get"},
        "/api/v3/reports/csat": {"get"},
    }
    for path, methods in expected.items():
        assert set(paths[path]) - {"parameters"} == methods, path
        for method in methods:
            responses = paths[path][method]["responses"]
            assert {"401", "403"} <= set(responses), (path, method)
            if method in ("post", "put", "patch") or path.startswith("/api/v3/reports/"):
                assert responses["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorEnvelope")
    post = paths["/api/v3/questionnaires/{questionnaire_id}/submissions"]["post"]
    assert post["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/SubmissionInputRequest")
    assert {"location_id", "start_date", "end_date", "interval", "questionnaire_id"} <= {
        p["name"] for p in paths["/api/v3/reports/nps"]["get"]["parameters"]
    }
