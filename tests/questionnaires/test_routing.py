"""Answer routing (issue 9 point 4): each destination under both write policies, failures kept and retried."""

from __future__ import annotations

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from questionnaires.models import Answer, Rating, Submission
from questionnaires.selectors import active_form
from questionnaires.services.routing import answer_route, submission_route
from questionnaires.services.submissions import submission_create
from tests.factories import AppointmentFactory, LocationFactory, ProfileFactory
from tests.questionnaires.factories import QuestionFactory, QuestionnaireFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 6, 9, 1, 0, tzinfo=UTC)


def survey(**question):
    """A one-question form whose question routes as given; returns (form, slot id)."""
    q = QuestionFactory(**question)
    questionnaire = QuestionnaireFactory(questions=[{"mapping_key": "q", "question_id": q.pk}])
    form = active_form(questionnaire.pk)
    return form, form.slots[0].pk


def submit(form, slot_id, value, **kwargs) -> Answer:
    """Submit one answer (the after-commit routing is not run: tests route explicitly)."""
    submission = submission_create(form, [{"questionnaire_question_id": slot_id, "value": value}], now=NOW, **kwargs)
    return submission.answers.get()


@pytest.mark.parametrize(
    ("policy", "before", "after", "status"),
    [
        ("overwrite", "Ada", "Grace", "mapped"),
        ("overwrite", "", "Grace", "mapped"),
        ("if_empty", "Ada", "Ada", "skipped"),
        ("if_empty", "", "Grace", "mapped"),
    ],
)
def test_profile_fields_follow_the_write_policy(policy, before, after, status):
    profile = ProfileFactory(first_name=before)
    form, slot = survey(type="text", link_type="profile", link_target="first_name", link_write_policy=policy)

    answer = answer_route(submit(form, slot, "Grace", profile_id=profile.pk).pk, now=NOW)

    profile.refresh_from_db()
    assert profile.first_name == after
    assert (answer.mapping_status, answer.mapped_field, answer.mapped_at) == (status, "first_name", NOW)


@pytest.mark.parametrize(
    ("policy", "before", "after", "status"),
    [
        ("overwrite", {"shoe": 40, "other": 1}, {"shoe": 42, "other": 1}, "mapped"),
        ("if_empty", {"shoe": 40}, {"shoe": 40}, "skipped"),
        ("if_empty", {"other": 1}, {"other": 1, "shoe": 42}, "mapped"),
    ],
)
def test_profile_attributes_follow_the_write_policy(policy, before, after, status):
    profile = ProfileFactory(attributes=before)
    form, slot = survey(type="number", link_type="profile", link_target="attributes.shoe", link_write_policy=policy)

    answer = answer_route(submit(form, slot, "42", profile_id=profile.pk).pk, now=NOW)

    profile.refresh_from_db()
    assert profile.attributes == after
    assert (answer.mapping_status, answer.mapped_field) == (status, "attributes.shoe")


def test_a_rating_answer_creates_one_rating_with_the_submissions_location():
    profile, location = ProfileFactory(), LocationFactory()
    form, slot = survey(type="slider", validation={"min": 0, "max": 10}, link_type="rating", link_target="nps")
    answer = submit(form, slot, "9", profile_id=profile.pk, location_id=location.pk)

    routed = answer_route(answer.pk, now=NOW)
    answer_route(answer.pk, now=NOW)  # a second run is a no-op

    rating = Rating.objects.get()
    assert (rating.profile_id, rating.location_id, rating.scale, rating.score, rating.rated_at) == (
        profile.pk, location.pk, "nps", 9, NOW,
    )  # fmt: skip
    assert (rating.questionnaire_id, rating.answer_id) == (form.questionnaire.pk, answer.pk)
    assert (routed.mapping_status, routed.mapped_field) == ("mapped", f"rating:{rating.pk}")


@pytest.mark.parametrize(
    ("policy", "before", "after", "status"),
    [
        ("overwrite", {"id": None, "external_id": None, "receipt_ref": "R-1"}, "R-2", "mapped"),
        ("if_empty", {"id": None, "external_id": None, "receipt_ref": "R-1"}, "R-1", "skipped"),
        ("if_empty", None, "R-2", "mapped"),
    ],
)
def test_the_transaction_destination_registered_by_appointments(policy, before, after, status):
    appointment = AppointmentFactory(transaction=before)
    form, slot = survey(type="text", link_type="transaction", link_target="receipt_ref", link_write_policy=policy)
    submission = submission_create(form, [{"questionnaire_question_id": slot, "value": "R-2"}], now=NOW)
    Submission.objects.filter(pk=submission.pk).update(appointment_id=appointment.pk)

    (answer,) = submission_route(submission.pk, now=NOW)

    appointment.refresh_from_db()
    assert appointment.transaction["receipt_ref"] == after
    assert (answer.mapping_status, answer.mapped_field) == (status, "transaction.receipt_ref")


def test_routing_uses_the_link_the_question_had_when_the_answer_was_given():
    profile = ProfileFactory(first_name="Ada", last_name="Byron")
    form, slot = survey(type="text", link_type="profile", link_target="first_name")
    answer = submit(form, slot, "Grace", profile_id=profile.pk)
    question = form.slots[0].question_version.question
    question.link_target = "last_name"
    question.save()

    answer_route(answer.pk, now=NOW)

    profile.refresh_from_db()
    assert (profile.first_name, profile.last_name) == ("Grace", "Byron")


def test_unrouted_questions_and_blank_values_are_skipped():
    form, slot = survey(type="text")
    answer = answer_route(submit(form, slot, "hello").pk, now=NOW)
    assert (answer.mapping_status, answer.mapped_field, answer.mapping_error) == ("skipped", "", "")


def test_a_failed_route_keeps_the_answer_and_the_command_retries_it():
    profile = ProfileFactory(first_name="")
    form, slot = survey(type="text", link_type="profile", link_target="first_name")
    anonymous = submit(form, slot, "Grace")  # no profile to write to

    failed = answer_route(anonymous.pk, now=NOW)
    assert (failed.mapping_status, failed.mapping_error, failed.value) == (
        "failed", "The submission has no profile to write to.", "Grace",
    )  # fmt: skip

    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="1 answers still fail to route."):
        call_command("route_answers", "--failed", "--no-progress", stdout=out, stderr=err)
    assert out.getvalue() == "1 answers: 1 failed\n"
    assert f"answer {anonymous.pk}: The submission has no profile to write to." in err.getvalue()

    # The customer claims the survey: the retry now succeeds, and a second retry finds nothing to do.
    Submission.objects.filter(pk=anonymous.submission_id).update(profile=profile)
    out = StringIO()
    call_command("route_answers", "--failed", "--no-progress", stdout=out)
    assert out.getvalue() == "1 answers: 1 mapped\n"
    profile.refresh_from_db()
    assert profile.first_name == "Grace"
    out = StringIO()
    call_command("route_answers", "--failed", "--no-progress", stdout=out)
    assert out.getvalue() == "0 answers: nothing to route\n"


def test_the_command_routes_answers_left_pending_and_honours_since():
    profile = ProfileFactory(last_name="")
    form, slot = survey(type="text", link_type="profile", link_target="last_name")
    old = submit(form, slot, "Old", profile_id=profile.pk)
    Submission.objects.filter(pk=old.submission_id).update(submitted_at=datetime(2025, 1, 1, tzinfo=UTC))
    new = submit(form, slot, "Lovelace", profile_id=profile.pk)

    out = StringIO()
    call_command("route_answers", "--since", "2025-06-01", "--no-progress", stdout=out)

    assert out.getvalue() == "1 answers: 1 mapped\n"
    assert Answer.objects.get(pk=new.pk).mapping_status == "mapped"
    assert Answer.objects.get(pk=old.pk).mapping_status == "pending"


def test_routing_runs_after_the_submission_commits(django_capture_on_commit_callbacks):
    profile = ProfileFactory(first_name="")
    form, slot = survey(type="text", link_type="profile", link_target="first_name")

    with django_capture_on_commit_callbacks(execute=True):
        answer = submit(form, slot, "Grace", profile_id=profile.pk)
        assert Answer.objects.get(pk=answer.pk).mapping_status == "pending"

    assert Answer.objects.get(pk=answer.pk).mapping_status == "mapped"


@pytest.mark.parametrize(
    ("link", "errors"),
    [
        ({"link_type": "profile", "link_target": "shoe"},
         {"link_target": ["A profile link_target is one of first_name, last_name, email, mobile_phone or "
                          "attributes.<key>."]}),
        ({"link_type": "rating", "link_target": "stars"}, {"link_target": ["A rating link_target is one of nps, csat."]}),
        ({"link_type": "transaction", "link_target": "total"},
         {"link_target": ["A transaction link_target is one of id, external_id, receipt_ref (receipt_ref when blank)."]}),
    ],
)  # fmt: skip
def test_a_routing_target_the_destination_does_not_know_is_refused(link, errors):
    with pytest.raises(Exception) as caught:
        QuestionFactory(type="text", **link)
    assert caught.value.errors == errors
