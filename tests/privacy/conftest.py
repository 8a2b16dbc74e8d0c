"""A customer with something in every table that holds personal data, and a second customer who must stay as is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType

from appointments.models import (
    Appointment,
    AppointmentEvent,
    AppointmentLink,
    IdempotencyRecord,
    QueueEntry,
    QueueEvent,
    WaitlistEntry,
    WaitlistEvent,
    WaitlistOffer,
)
from directory.enums import TokenKind
from directory.models import Location, Profile
from directory.services.tokens import token_issue
from notifications.models import DeliveryAttempt, Notification
from questionnaires.models import Rating, Submission
from questionnaires.selectors import active_form
from questionnaires.services.submissions import submission_create
from tests.appointments.factories import QueueEntryFactory, WaitlistEntryFactory
from tests.factories import AppointmentFactory, DefinitionFactory, LocationFactory, ProfileFactory
from tests.notifications.factories import NotificationFactory, TargetFactory
from tests.questionnaires.factories import QuestionFactory, QuestionnaireFactory, RatingFactory
from tests.visits.factories import VisitFactory
from visits.models import Visit

DAY = date(2025, 6, 10)
AT = datetime(2025, 6, 10, 0, 30, tzinfo=UTC)  # 10:30 in Melbourne
SIZES = [{"value": "s", "label": "Small"}, {"value": "m", "label": "Medium"}]


@dataclass
class World:
    location: Location
    ada: Profile
    bob: Profile
    appointment: Appointment
    bob_appointment: Appointment
    waitlist: WaitlistEntry
    offer: WaitlistOffer
    queue: QueueEntry
    visit: Visit
    appointment_visit: Visit
    submission: Submission
    rating: Rating
    notification: Notification
    offer_notification: Notification
    bob_notification: Notification
    raw_token: str


def _context(profile: Profile, appointment_id: int) -> dict:
    return {
        "appointment": {"id": appointment_id, "notes": "Allergic to latex", "definition": {"id": 1, "name": "Fit"}},
        "profile": {"id": str(profile.pk), "first_name": profile.first_name, "last_name": profile.last_name,
                    "email": profile.email},
    }  # fmt: skip


def build_world() -> World:
    location = LocationFactory(timezone="Australia/Melbourne")
    definition = DefinitionFactory(allow_waitlist=True, allow_walk_in=True, allow_queue=True)
    ada = ProfileFactory(first_name="Ada", last_name="Lovelace", email="ada@example.com",
                         mobile_phone="+61 400 000 001", attributes={"shoe": 40, "loyalty": "gold"})  # fmt: skip
    bob = ProfileFactory(first_name="Bob", last_name="Builder", email="bob@example.com", mobile_phone="+61 400 000 002")
    appointment = AppointmentFactory(
        definition=definition, location=location, profile=ada, scheduled_start_at=AT, status="completed",
        notes="Ada prefers Dr Who", meta={"referrer": "ada's friend"}, transaction={"id": "T-1"},
        order={"id": "O-1", "order_number": "42"},
    )  # fmt: skip
    AppointmentEvent.objects.create(appointment=appointment, kind="status", actor=f"profile:{ada.pk}",
                                    from_status="confirmed", to_status="completed", reason="Ada was late", at=AT)  # fmt: skip
    AppointmentLink.objects.create(appointment=appointment, type="list", target_id="vip")
    bob_appointment = AppointmentFactory(definition=definition, location=location, profile=bob, scheduled_start_at=AT,
                                         notes="Bob's notes", meta={"bob": 1})  # fmt: skip
    waitlist = WaitlistEntryFactory(definition=definition, location=location, profile=ada, notes="Mornings only",
                                    meta={"phone": "+61 400 000 001"})  # fmt: skip
    WaitlistEvent.objects.create(entry=waitlist, actor="user:1", kind="status", to_status="active",
                                 reason="Called by Ada", at=AT)  # fmt: skip
    offer = WaitlistOffer.objects.create(
        entry=waitlist, definition=definition, location=location, start_at=AT, end_at=AT, occupancy_start=AT,
        occupancy_end=AT, status="expired", offered_at=AT, expires_at=AT,
    )  # fmt: skip
    queue = QueueEntryFactory(definition=definition, location=location, profile=ada, status="served", created_at=AT,
                              called_at=AT, served_at=AT, notes="Wheelchair", meta={"ticket": "A1"})  # fmt: skip
    QueueEvent.objects.create(entry=queue, actor="user:1", from_status="called", to_status="served",
                              reason="Ada asked for Sam", at=AT)  # fmt: skip
    visit = VisitFactory(location=location, profile=ada, visited_at=AT, notes="Came with her son", source="manual")
    appointment_visit = VisitFactory(location=location, visited_at=AT, appointment_id=appointment.pk,
                                     source="appointment", notes="Ada arrived")  # fmt: skip
    submission = _submission(ada, location)
    rating = RatingFactory(profile=ada, location=location, scale="nps", score=9, rated_at=AT,
                           comment="Ada loved it", submission=submission)  # fmt: skip
    RatingFactory(profile=bob, location=location, scale="nps", score=3, rated_at=AT, comment="Bob did not")
    target = TargetFactory()
    notification = NotificationFactory(
        subject_id=str(appointment.pk), target=target, status="failed",
        last_error="SMTP 550 <ada@example.com> refused", context=_context(ada, appointment.pk),
    )  # fmt: skip
    DeliveryAttempt.objects.create(notification=notification, target=target, at=AT,
                                   error="550 ada@example.com: no such user")  # fmt: skip
    offer_notification = NotificationFactory(subject_type="waitlist_offer", subject_id=str(offer.pk), target=target,
                                             status="sent", context=_context(ada, 0))  # fmt: skip
    bob_notification = NotificationFactory(subject_id=str(bob_appointment.pk), target=target, status="pending",
                                           context=_context(bob, bob_appointment.pk))  # fmt: skip
    IdempotencyRecord.objects.create(actor=f"profile:{ada.pk}", key="k1", fingerprint="f", status_code=201,
                                     body={"profile_id": str(ada.pk), "profile": {"first_name": "Ada"}})  # fmt: skip
    IdempotencyRecord.objects.create(actor="token:1", key="k2", fingerprint="f", status_code=201,
                                     body={"profile_id": str(ada.pk), "profile": {"email": "ada@example.com"}})  # fmt: skip
    IdempotencyRecord.objects.create(actor="token:1", key="k3", fingerprint="f", status_code=201,
                                     body={"profile_id": str(bob.pk)})  # fmt: skip
    _, raw_token = token_issue(name="ada app", kind=TokenKind.CUSTOMER, profile=ada)
    token_issue(name="bob app", kind=TokenKind.CUSTOMER, profile=bob)
    user = User.objects.create_user("clerk")
    LogEntry.objects.log_actions(user.pk, [ada], CHANGE, change_message="[]", single_object=True)
    return World(location, ada, bob, appointment, bob_appointment, waitlist, offer, queue, visit, appointment_visit,
                 submission, rating, notification, offer_notification, bob_notification, raw_token)  # fmt: skip


def _submission(profile: Profile, location: Location) -> Submission:
    """A four-question form: free text, a number, a select, and an email routed to the profile."""
    questions = [
        QuestionFactory(handle="story", type="text"),
        QuestionFactory(handle="age", type="number"),
        QuestionFactory(handle="size", type="single_select", options=SIZES),
        QuestionFactory(handle="email", type="email", link_type="profile", link_target="email"),
    ]
    questionnaire = QuestionnaireFactory(questions=[{"mapping_key": q.handle, "question_id": q.pk} for q in questions])
    form = active_form(questionnaire.pk)
    by_key = {slot.mapping_key: slot.pk for slot in form.slots}
    values = {"story": "My dog Rex", "age": 36, "size": "s", "email": "ada@example.com"}
    return submission_create(
        form, [{"questionnaire_question_id": by_key[k], "value": v} for k, v in values.items()],
        profile_id=profile.pk, location_id=location.pk, context={"channel": "kiosk", "ip": "10.0.0.1"}, now=AT,
    )  # fmt: skip


@pytest.fixture
def world(db) -> World:
    return build_world()


def log_entry_repr(profile: Profile) -> list[str]:
    return list(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Profile), object_id=str(profile.pk)
        ).values_list("object_repr", flat=True)
    )
