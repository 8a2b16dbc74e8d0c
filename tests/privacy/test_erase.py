"""Erasing a person (issue 12 point 6): exact values after, the rows reports count kept, idempotent, audited."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appointments.models import (
    AppointmentEvent,
    AppointmentLink,
    IdempotencyRecord,
    QueueEvent,
    WaitlistEvent,
)
from appointments.selectors.kpis import appointment_report
from appointments.services.privacy import profile_erase, scrub_context
from core.errors import NotFound
from directory.models import ApiToken, AuditRecord
from questionnaires.models import Answer, Rating
from questionnaires.reports import rating_report
from questionnaires.selectors import active_form
from questionnaires.services.routing import submission_route
from questionnaires.services.submissions import submission_create
from tests.conftest import BearerClient
from tests.privacy.conftest import AT, DAY, log_entry_repr
from tests.questionnaires.factories import QuestionFactory, QuestionnaireFactory
from visits.selectors import footfall

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 7, 1, 9, 0, tzinfo=UTC)


def reports(world) -> tuple:
    location = world.location
    return (
        appointment_report(location, DAY, DAY),
        footfall(location, DAY, DAY),
        rating_report("nps", location=location, start=DAY, end=DAY),
    )


def test_erase_empties_the_profile_and_revokes_its_tokens(world):
    profile_erase(world.ada.pk, actor="user:7", now=NOW)

    world.ada.refresh_from_db()
    assert (world.ada.first_name, world.ada.last_name, world.ada.email, world.ada.mobile_phone) == ("", "", "", "")
    assert world.ada.attributes == {}
    assert list(ApiToken.objects.filter(profile=world.ada).values_list("revoked_at", flat=True)) == [NOW]
    assert list(ApiToken.objects.filter(profile=world.bob).values_list("revoked_at", flat=True)) == [None]
    assert log_entry_repr(world.ada) == [str(world.ada.pk)]


def test_erase_keeps_appointments_waitlist_and_queue_rows_without_notes(world):
    profile_erase(world.ada.pk, actor="user:7", now=NOW)

    for row in (world.appointment, world.waitlist, world.queue):
        row.refresh_from_db()
        assert (row.profile_id, row.notes, row.meta) == (world.ada.pk, "", None)
    assert (world.appointment.status, world.appointment.scheduled_start_at) == ("completed", AT)
    assert (world.appointment.transaction, world.appointment.order) == (None, None)
    assert list(AppointmentEvent.objects.filter(appointment=world.appointment).values_list("reason", "to_status")) == [
        ("", "completed")
    ]
    assert list(WaitlistEvent.objects.filter(entry=world.waitlist).values_list("reason", flat=True)) == [""]
    assert list(QueueEvent.objects.filter(entry=world.queue).values_list("reason", "to_status")) == [("", "served")]
    assert AppointmentLink.objects.filter(appointment=world.appointment).count() == 1
    world.bob_appointment.refresh_from_db()
    assert (world.bob_appointment.notes, world.bob_appointment.meta) == ("Bob's notes", {"bob": 1})


def test_erase_keeps_visits_and_numeric_answers_and_empties_free_text(world):
    profile_erase(world.ada.pk, actor="user:7", now=NOW)

    world.visit.refresh_from_db()
    world.appointment_visit.refresh_from_db()
    assert (world.visit.profile_id, world.visit.notes, world.visit.visited_at) == (world.ada.pk, "", AT)
    assert world.appointment_visit.notes == ""
    world.submission.refresh_from_db()
    assert (world.submission.profile_id, world.submission.context) == (world.ada.pk, None)
    answers = {
        a.slot.mapping_key: (a.value, a.mapping_status) for a in Answer.objects.filter(submission=world.submission)
    }
    # story, age and size route nowhere, so they were written skipped; the email, routed to the profile, was pending
    # and erasing skipped it so that routing cannot write the erased value back.
    assert answers == {"story": (None, "skipped"), "age": (36, "skipped"), "size": ("s", "skipped"),
                       "email": (None, "skipped")}  # fmt: skip
    world.rating.refresh_from_db()
    assert (world.rating.score, world.rating.comment, world.rating.profile_id) == (9, "", world.ada.pk)


def test_erase_scrubs_and_cancels_the_outbox_rows_about_the_person(world):
    profile_erase(world.ada.pk, actor="user:7", now=NOW)

    world.notification.refresh_from_db()
    assert world.notification.status == "cancelled"
    assert world.notification.last_error == "Cancelled: the person's data was erased."
    assert world.notification.context == {
        "appointment": {"id": world.appointment.pk, "notes": "", "definition": {"id": 1, "name": "Fit"}},
        "profile": {"id": str(world.ada.pk), "first_name": "", "last_name": "", "email": ""},
    }
    assert list(world.notification.delivery_attempts.values_list("error", flat=True)) == ["550 [erased]: no such user"]
    world.offer_notification.refresh_from_db()
    assert world.offer_notification.status == "sent"
    assert world.offer_notification.context["profile"] == {
        "id": str(world.ada.pk),
        "first_name": "",
        "last_name": "",
        "email": "",
    }
    world.bob_notification.refresh_from_db()
    assert (world.bob_notification.status, world.bob_notification.context["profile"]["first_name"]) == (
        "pending",
        "Bob",
    )


def test_erase_drops_stored_responses_that_name_the_person(world):
    profile_erase(world.ada.pk, actor="user:7", now=NOW)

    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["k3"]


def test_reports_count_the_same_before_and_after(world):
    before = reports(world)
    profile_erase(world.ada.pk, actor="user:7", now=NOW)

    assert reports(world) == before
    (_, appointments), footfall_days, nps = before
    assert (appointments["total"], appointments["by_status"]["completed"]) == (2, 1)
    assert (footfall_days[0]["total"], footfall_days[0]["by_source"]["appointment"]) == (2, 1)
    assert (nps["total"], nps["promoters"], nps["detractors"], nps["score"]) == (2, 1, 1, 0.0)


def test_erasing_twice_is_harmless_and_audited_each_time(world):
    first = profile_erase(world.ada.pk, actor="user:7", now=NOW)
    second = profile_erase(world.ada.pk, actor="cli:root", now=NOW)

    assert first == {
        "appointments": 1, "waitlist_entries": 1, "queue_entries": 1, "idempotency_records_deleted": 2,
        "submissions": 1, "answers_erased": 2, "rating_comments_erased": 1, "visits": 2, "notifications": 2,
        "notifications_cancelled": 1, "tokens_revoked": 1, "admin_history_rows": 1,
    }  # fmt: skip
    assert second == {**first, "idempotency_records_deleted": 0, "answers_erased": 0, "rating_comments_erased": 0,
                      "notifications_cancelled": 0, "tokens_revoked": 0}  # fmt: skip
    audit = list(AuditRecord.objects.order_by("id").values("action", "actor", "subject_type", "subject_id", "at"))
    assert audit == [
        {"action": "profile.erase", "actor": actor, "subject_type": "profile", "subject_id": str(world.ada.pk),
         "at": NOW}
        for actor in ("user:7", "cli:root")
    ]  # fmt: skip
    assert [r.data["repeat"] for r in AuditRecord.objects.order_by("id")] == [False, True]


def test_the_audit_summary_holds_no_personal_data(world):
    profile_erase(world.ada.pk, actor="user:7", now=NOW)

    text = str(AuditRecord.objects.get().data)
    for value in ("Ada", "Lovelace", "ada@example.com", "+61 400 000 001"):
        assert value not in text


def test_erase_runs_in_one_transaction(world, monkeypatch):
    """A failure in the last step leaves everything as it was."""
    import appointments.services.privacy as privacy

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(privacy, "audit_record", broken)
    with pytest.raises(RuntimeError):
        profile_erase(world.ada.pk, actor="user:7", now=NOW)

    world.ada.refresh_from_db()
    world.appointment.refresh_from_db()
    assert (world.ada.email, world.appointment.notes) == ("ada@example.com", "Ada prefers Dr Who")
    assert IdempotencyRecord.objects.count() == 3


@pytest.mark.postgres
def test_erase_locks_the_profile_row_first(world):
    """Two erasures of one person queue on the profile row."""
    with CaptureQueriesContext(connection) as queries:
        profile_erase(world.ada.pk, actor="user:7", now=NOW)
    statements = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert statements[0].startswith('SELECT "directory_profile"')
    assert statements[0].endswith("FOR UPDATE")


@pytest.mark.parametrize("given", ["8f9c1c4e-0000-4000-8000-000000000000", "not-a-uuid"])
def test_an_unknown_profile_is_not_found(db, given):
    with pytest.raises(NotFound) as caught:
        profile_erase(given, actor="user:7", now=NOW)
    assert caught.value.message in {f"No profile {given}.", f"No profile {given}: not a UUID."}
    assert AuditRecord.objects.count() == 0


def test_scrub_context_keeps_everything_but_the_person():
    context = {"event_label": "Confirmed", "appointment": {"id": 3, "notes": "x"}, "profile": {"id": "p", "email": "e"}}
    assert scrub_context(context) == {
        "event_label": "Confirmed", "appointment": {"id": 3, "notes": ""},
        "profile": {"id": "p", "first_name": "", "last_name": "", "email": ""},
    }  # fmt: skip
    assert context["profile"] == {"id": "p", "email": "e"}


def test_the_erased_persons_token_gets_401_on_the_next_request(world):
    client = BearerClient(world.raw_token)
    assert client.get("/api/v3/profiles/me").status_code == 200

    profile_erase(world.ada.pk, actor="user:7")

    response = client.get("/api/v3/profiles/me")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_routing_after_erasure_never_writes_the_profile_back(world):
    profile_erase(world.ada.pk, actor="user:7", now=NOW)

    routed = {a.slot.mapping_key: a.mapping_status for a in submission_route(world.submission.pk, now=NOW)}

    # Nothing is left to route: story, age and size were written skipped, and erasing skipped the email.
    assert routed == {}
    assert set(Answer.objects.filter(submission=world.submission).values_list("mapping_status", flat=True)) == {
        "skipped"
    }
    world.ada.refresh_from_db()
    assert (world.ada.email, world.ada.attributes) == ("", {})


def test_a_rating_answer_not_routed_yet_still_becomes_a_rating_after_erasure(world):
    question = QuestionFactory(type="slider", validation={"min": 0, "max": 10}, link_type="rating", link_target="nps")
    form = active_form(QuestionnaireFactory(questions=[{"mapping_key": "nps", "question_id": question.pk}]).pk)
    submission = submission_create(
        form, [{"questionnaire_question_id": form.slots[0].pk, "value": "10"}], profile_id=world.ada.pk,
        location_id=world.location.pk, now=AT,
    )  # fmt: skip
    profile_erase(world.ada.pk, actor="user:7", now=NOW)

    [answer] = submission_route(submission.pk, now=NOW)

    assert answer.mapping_status == "mapped"
    assert list(Rating.objects.filter(submission=submission).values_list("profile_id", "score")) == [(world.ada.pk, 10)]
    assert rating_report("nps", location=world.location, start=DAY, end=DAY)["total"] == 3
