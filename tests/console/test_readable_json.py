"""Stored JSON on detail pages reads as keys and values, never a raw null; a submission links its appointment."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from directory.admin_base import json_view
from tests.factories import AppointmentFactory


def test_json_view_shows_nothing_as_a_dash_and_booleans_in_words():
    assert json_view(None) == "—"
    assert json_view({}) == "—"
    assert json_view(True) == "Yes"
    assert json_view(["a", None, False]) == "a, —, No"
    assert json_view({"staff": None, "notes": "<b>"}) == (
        '<dl class="json-view"><dt>staff</dt><dd>—</dd><dt>notes</dt><dd>&lt;b&gt;</dd></dl>'
    )
    assert json_view({"profile": {"email": ""}}) == (
        '<dl class="json-view"><dt>profile</dt><dd><dl class="json-view"><dt>email</dt><dd>—</dd></dl></dd></dl>'
    )


@pytest.mark.django_db
def test_a_notification_page_shows_its_context_without_null(manager_client):
    from notifications.models import Notification
    from tests.notifications.factories import TargetFactory

    appointment = AppointmentFactory()
    row = Notification.objects.create(
        key="k", subject_type="appointment", subject_id=str(appointment.pk), event="created",
        target=TargetFactory(), due_at=appointment.scheduled_start_at, next_attempt_at=appointment.scheduled_start_at,
        context={"appointment": {"staff": None, "notes": ""}, "links": None},
    )  # fmt: skip

    html = manager_client.get(reverse("admin:notifications_notification_change", args=[row.pk])).content.decode()

    assert "<dt>staff</dt><dd>—</dd>" in html
    assert "null" not in html.split('class="json-view"', 1)[1].split("</dl></dd></dl>", 1)[0]


@pytest.mark.django_db
def test_a_submission_links_the_appointment_it_was_answered_for(manager_client):
    from questionnaires.models import Submission
    from tests.questionnaires.factories import QuestionFactory, QuestionnaireFactory

    appointment = AppointmentFactory()
    question = QuestionFactory(handle="q", label="Q?", type="text")
    form = QuestionnaireFactory(handle="f", name="F", purpose="booking",
                                questions=[{"mapping_key": "q", "question_id": question.pk}])  # fmt: skip
    submission = Submission.objects.create(
        questionnaire_version=form.current_version, profile=appointment.profile, location=appointment.location,
        appointment_id=appointment.pk, context=None, submitted_at=appointment.created_at,
    )  # fmt: skip

    html = manager_client.get(reverse("admin:questionnaires_submission_change", args=[submission.pk])).content
    url = reverse("admin:appointments_appointment_change", args=[appointment.pk])

    # The appointment in words (the exact words: tests/console/test_console_words_and_links.py).
    link = re.search(rf'<a href="{url}"[^>]*>([^<]+)</a>', html.decode())
    assert link is not None and link.group(1).startswith(f"{appointment.definition.name} for {appointment.profile}, ")
