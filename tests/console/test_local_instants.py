"""Every instant on a record's console page is the location's local time with its zone (issue 16): the waitlist
entry (desired start, offer start and expiry, created), the notification (sent at, attempts) and the submission
(mapped at) pages showed "Dec. 7, 2026, 11 p.m." in UTC without a zone."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from appointments.models import WaitlistOffer
from notifications.models import DeliveryAttempt
from questionnaires.models import Answer
from tests.appointments.factories import WaitlistEntryFactory
from tests.factories import DefinitionFactory, LocationFactory, ProfileFactory
from tests.notifications.factories import NotificationFactory
from tests.questionnaires.factories import QuestionFactory, QuestionnaireFactory

pytestmark = pytest.mark.django_db

TEN_AEDT = datetime(2026, 12, 7, 23, 0, tzinfo=UTC)  # Tue 08 Dec 2026 10:00 in Melbourne
UTC_STYLE = re.compile(r"\b[A-Z][a-z]{2}\. \d{1,2}, \d{4}|\d{1,2}(:\d\d)? [ap]\.m\.|\bmidnight\b|\bnoon\b")


@pytest.fixture
def melbourne():
    return LocationFactory(name="Melbourne CBD", timezone="Australia/Melbourne")


def page(admin_client, url: str) -> str:
    response = admin_client.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert not UTC_STYLE.search(text), UTC_STYLE.search(text)
    return text


def test_a_waitlist_entry_page_shows_its_instants_at_the_location(admin_client, melbourne):
    entry = WaitlistEntryFactory(location=melbourne, definition=DefinitionFactory(allow_waitlist=True),
                                 desired_start_at=TEN_AEDT)  # fmt: skip
    WaitlistOffer.objects.create(
        entry=entry, definition=entry.definition, location=melbourne, start_at=TEN_AEDT,
        end_at=TEN_AEDT + timedelta(minutes=30), occupancy_start=TEN_AEDT,
        occupancy_end=TEN_AEDT + timedelta(minutes=30), offered_at=TEN_AEDT - timedelta(hours=2),
        expires_at=TEN_AEDT - timedelta(hours=1, minutes=45),
    )  # fmt: skip

    text = page(admin_client, f"/admin/appointments/waitlistentry/{entry.pk}/change/")

    assert "Tue 08 Dec 2026 10:00 AEDT" in text  # desired start and the offer's start
    assert "Tue 08 Dec 2026 08:15 AEDT" in text  # the offer's expiry


def test_a_notification_page_shows_sent_and_attempt_times_at_the_location(admin_client, melbourne):
    row = NotificationFactory(location=melbourne, status="sent", sent_at=TEN_AEDT)
    DeliveryAttempt.objects.create(notification=row, target=row.target, at=TEN_AEDT, ok=True, response_status=200,
                                   duration_ms=12)  # fmt: skip

    text = page(admin_client, f"/admin/notifications/notification/{row.pk}/change/")

    assert text.count("Tue 08 Dec 2026 10:00 AEDT") >= 2  # sent at, and the attempt


def test_a_submission_page_shows_mapped_at_at_the_location(admin_client, melbourne):
    from questionnaires.selectors import active_form
    from questionnaires.services.submissions import clean_answers, submission_write

    question = QuestionFactory(handle="size", label="Your size?", type="text")
    form = active_form(QuestionnaireFactory(questions=[{"mapping_key": "size", "question_id": question.pk}]).pk)
    submission = submission_write(
        form,
        clean_answers(form, [{"questionnaire_question_id": form.slots[0].pk, "value": "M"}]),  # fmt: skip
        profile_id=ProfileFactory().pk,
        location_id=melbourne.pk,
        now=TEN_AEDT,
    )
    Answer.objects.filter(submission=submission).update(mapped_at=TEN_AEDT)

    text = page(admin_client, f"/admin/questionnaires/submission/{submission.pk}/change/")

    assert "Tue 08 Dec 2026 10:00 AEDT" in text
