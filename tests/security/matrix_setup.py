"""The world the authorization matrix walks: shared records, customer B's records of every kind, customer A's own,
and the nine callers. B's integer ids are large and fixed (B_IDS) so that they are unambiguous in a response body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group, User
from django.utils import timezone
from rest_framework.test import APIClient

from directory.enums import DayOfWeek, Scope, TokenKind
from directory.roles import MANAGER, OPERATOR
from directory.services.tokens import token_issue, token_revoke
from questionnaires.models import Answer, Rating, Submission
from questionnaires.selectors import active_form
from tests.appointments.factories import QueueEntryFactory, WaitlistEntryFactory
from tests.conftest import BearerClient
from tests.factories import (
    AppointmentFactory,
    DefinitionFactory,
    DefinitionLocationFactory,
    DefinitionNormalHourFactory,
    DefinitionSpecialHourFactory,
    DefinitionStaffFactory,
    LocationFactory,
    LocationNormalHourFactory,
    LocationSpecialHourFactory,
    ProfileFactory,
    ProfileNormalHourFactory,
    ProfileSpecialHourFactory,
    StaffAssignmentFactory,
)
from tests.notifications.factories import NotificationFactory, TargetFactory
from tests.questionnaires.factories import QuestionFactory, QuestionnaireFactory
from tests.visits.factories import VisitFactory

# The callers, in the column order of the matrix table.
PRINCIPALS = ("anon", "expired", "revoked", "cust_a", "cust_b", "read", "write", "operator", "manager")

B_EMAIL = "bea.secret-owner@example.org"
B_NOTE = "b-private-note"
# B's rows get these primary keys; none of them may appear in anything customer A is shown. They are far apart:
# SQLite numbers the next row of a table after the largest id, which must not be another of B's ids.
B_IDS = {
    "appointment": 910001,
    "event": 920001,
    "waitlist": 930001,
    "queue": 940001,
    "visit": 950001,
    "submission": 960001,
    "answer": 970001,
    "rating": 980001,
    "notification": 990001,
    "token": 1000001,
    "normal_hour": 1010001,
    "special_hour": 1020001,
}
MELBOURNE = ZoneInfo("Australia/Melbourne")


def booking_day() -> date:
    """A Monday two to three weeks ahead: bookable, and never in the past however late the test runs."""
    soon = timezone.now().astimezone(MELBOURNE).date() + timedelta(days=14)
    return soon + timedelta(days=-soon.weekday() % 7)


DAY = booking_day()
# B's appointment: 10:00 in Melbourne on DAY (the location and the definition open 9-17 on Mondays).
B_APPOINTMENT_START = datetime.combine(DAY, time(10), MELBOURNE).astimezone(UTC)


@dataclass
class World:
    location: object = None
    definition: object = None
    records: dict = field(default_factory=dict)  # the path-parameter values, see path_values()
    b_profile: object = None
    a_profile: object = None
    clients: dict = field(default_factory=dict)

    def b_markers(self) -> list[str]:
        return [str(self.b_profile.pk), self.b_profile.pk.hex, B_EMAIL, B_NOTE]

    def b_leaks(self, body: bytes) -> list[str]:
        """B's uuid, email, note or integer ids found in a response body."""
        text = body.decode("utf-8", "replace")
        found = [marker for marker in self.b_markers() if marker.lower() in text.lower()]
        found += [str(pk) for pk in B_IDS.values() if re.search(rf"(?<![\d.]){pk}(?![\d.])", text)]
        return found


def plant() -> World:
    world = World()
    location = LocationFactory(timezone="Australia/Melbourne")
    LocationNormalHourFactory(location=location, day_of_week=DayOfWeek.MON, open_at=time(9), close_at=time(17))
    location_special = LocationSpecialHourFactory(location=location, start_at=DAY + timedelta(days=1))
    staff = ProfileFactory(first_name="Sam", email="sam.staff@example.com")
    assignment = StaffAssignmentFactory(location=location, profile=staff)
    definition = DefinitionFactory(allow_waitlist=True, allow_walk_in=True, allow_queue=True, max_advance_days=36500)
    # The link's id differs from the location's on every database: PUT addresses a link by location id, GET by its own.
    link = DefinitionLocationFactory(id=location.pk + 7000, definition=definition, location=location)
    definition_hour = DefinitionNormalHourFactory(definition=definition)
    definition_special = DefinitionSpecialHourFactory(definition=definition, start_at=DAY + timedelta(days=1))
    definition_staff = DefinitionStaffFactory(definition=definition, staff=staff)
    question = QuestionFactory()
    questionnaire = QuestionnaireFactory(questions=[{"mapping_key": "q1", "question_id": question.pk}])
    form = active_form(questionnaire.pk)
    target = TargetFactory()

    a = ProfileFactory(first_name="Al", last_name="Caller", email="al.caller@example.com")
    b = ProfileFactory(first_name="Bea", last_name="Owner", email=B_EMAIL)
    _own_records(a, location, definition, form, target, ids=None, note="a-note")
    b_records = _own_records(b, location, definition, form, target, ids=B_IDS, note=B_NOTE)
    b_token, _ = token_issue(name="B's other app", kind=TokenKind.CUSTOMER, profile=b)
    b_token.__class__.objects.filter(pk=b_token.pk).update(id=B_IDS["token"])

    world.location, world.definition, world.b_profile, world.a_profile = location, definition, b, a
    world.records = {
        "location": location.pk,
        "location_normal_hour": location.normal_hours.get().pk,
        "location_special_hour": location_special.pk,
        "staff_assignment": assignment.pk,
        "definition": definition.pk,
        "definition_location": link.pk,
        "definition_normal_hour": definition_hour.pk,
        "definition_special_hour": definition_special.pk,
        "definition_staff": definition_staff.pk,
        "question": question.pk,
        "questionnaire_question": form.slots[0].pk,
        "questionnaire": questionnaire.pk,
        "target": target.pk,
        "profile": str(b.pk),
        "token": B_IDS["token"],
        **b_records,
    }
    world.clients = _clients(a, b)
    return world


def _own_records(profile, location, definition, form, target, *, ids, note) -> dict:
    """One record of every kind a customer can own; with `ids`, at those primary keys."""

    def pk(name):
        return {"pk": ids[name]} if ids else {}

    appointment = AppointmentFactory(
        **pk("appointment"), profile=profile, location=location, definition=definition, notes=note,
        scheduled_start_at=B_APPOINTMENT_START,
    )  # fmt: skip
    appointment.events.create(**pk("event"), kind="booked", actor="test", to_status="confirmed", at=timezone.now())
    WaitlistEntryFactory(**pk("waitlist"), profile=profile, location=location, definition=definition, notes=note)
    QueueEntryFactory(**pk("queue"), profile=profile, location=location, definition=definition, notes=note)
    VisitFactory(**pk("visit"), profile=profile, location=location, notes=note, appointment_id=appointment.pk,
                 visited_at=B_APPOINTMENT_START)  # fmt: skip
    ProfileNormalHourFactory(**pk("normal_hour"), profile=profile)
    ProfileSpecialHourFactory(**pk("special_hour"), profile=profile, name=note, start_at=DAY + timedelta(days=2))
    submission = Submission.objects.create(
        **pk("submission"), questionnaire_version=form.version, profile=profile, location=location,
        appointment_id=appointment.pk, submitted_at=B_APPOINTMENT_START,
    )  # fmt: skip
    answer = Answer.objects.create(
        **pk("answer"), submission=submission, slot_id=form.slots[0].pk,
        question_version_id=form.slots[0].question_version_id, value=note,
    )  # fmt: skip
    Rating.objects.create(
        **pk("rating"), profile=profile, location=location, scale="nps", score=9, comment=note,
        submission=submission, answer=answer, rated_at=B_APPOINTMENT_START,
    )  # fmt: skip
    NotificationFactory(
        **pk("notification"), subject_id=str(appointment.pk), target=target, location=location,
        context={"profile": {"id": str(profile.pk), "email": profile.email}, "note": note},
    )  # fmt: skip
    if not ids:
        return {}
    return {
        "appointment": ids["appointment"],
        "waitlist": ids["waitlist"],
        "queue": ids["queue"],
        "visit": ids["visit"],
        "submission": ids["submission"],
        "notification": ids["notification"],
        "profile_normal_hour": ids["normal_hour"],
        "profile_special_hour": ids["special_hour"],
    }


def _clients(a, b) -> dict:
    every_read = [Scope.LOCATIONS_READ, Scope.PROFILES_READ, Scope.APPOINTMENTS_READ]
    every_write = [Scope.LOCATIONS_WRITE, Scope.PROFILES_WRITE, Scope.APPOINTMENTS_WRITE, Scope.TOKENS_WRITE]
    _, expired = token_issue(name="expired", scopes=[Scope.ADMIN], expires_at=timezone.now() - timedelta(seconds=1))
    revoked_token, revoked = token_issue(name="revoked", scopes=[Scope.ADMIN])
    token_revoke(revoked_token)
    clients = {
        "anon": APIClient(),
        "expired": BearerClient(expired),
        "revoked": BearerClient(revoked),
        "cust_a": BearerClient(token_issue(name="A", kind=TokenKind.CUSTOMER, profile=a)[1]),
        "cust_b": BearerClient(token_issue(name="B", kind=TokenKind.CUSTOMER, profile=b)[1]),
        "read": BearerClient(token_issue(name="read", scopes=every_read)[1]),
        "write": BearerClient(token_issue(name="write", scopes=every_write)[1]),
        "operator": session_client(console_user("olive", OPERATOR)),
        "manager": session_client(console_user("max", MANAGER)),
    }
    assert tuple(clients) == PRINCIPALS
    return clients


def console_user(username: str, role: str) -> User:
    user = User.objects.create(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


class SessionClient(APIClient):
    """A browser's session: CSRF enforced, the csrftoken cookie sent back in X-CSRFToken on every write."""

    def __init__(self, user):
        super().__init__(enforce_csrf_checks=True)
        self.force_login(user)
        self.get("/admin/")  # the console page sets the csrftoken cookie, as it does in a browser

    def generic(self, method, path, *args, **kwargs):
        token = self.cookies.get("csrftoken")
        if token is not None:
            kwargs.setdefault("HTTP_X_CSRFTOKEN", token.value)
        return super().generic(method, path, *args, **kwargs)


def session_client(user) -> SessionClient:
    client = SessionClient(user)
    assert "csrftoken" in client.cookies
    return client
