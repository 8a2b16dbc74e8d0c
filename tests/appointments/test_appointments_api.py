"""Appointments over the API (API.md "Conventions", "Appointments"; DOMAIN.md "Time", "Booking", "Lifecycle").

The shop is a Melbourne location (UTC+10 in June, no daylight saving) open 08:00-18:00 every day; the fitting is
offered 09:00-17:00 every day in 30-minute slots. `now` is pinned to 2025-06-09 00:00 UTC (10:00 in Melbourne) and
bookings are for Monday 2025-06-16.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appointments.models import Appointment, AppointmentEvent, AppointmentLink, IdempotencyRecord
from tests.factories import (
    AppointmentFactory,
    DefinitionFactory,
    DefinitionLocationFactory,
    DefinitionNormalHourFactory,
    LocationFactory,
    LocationNormalHourFactory,
    ProfileFactory,
    StaffAssignmentFactory,
)

pytestmark = pytest.mark.django_db

MELBOURNE = ZoneInfo("Australia/Melbourne")
DAY = date(2025, 6, 16)  # a Monday
NOW = datetime(2025, 6, 9, 0, 0, tzinfo=UTC)
NOW_Z = "2025-06-09T00:00:00Z"
BASE = "/api/v3/appointments"
WEEK = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
APPOINTMENT_FIELDS = {
    "id", "appointment_definition_id", "appointment_definition", "profile_id", "profile", "location_id", "location",
    "assigned_staff_id", "assigned_staff", "status", "scheduled_start_at", "scheduled_end_at", "timezone",
    "approved_at", "confirmed_at", "cancelled_at", "arrived_at", "completed_at", "no_show_at", "rejected_at",
    "approved_by", "cancelled_by", "rejected_by", "questionnaire_version_id", "answers", "transaction", "order",
    "notes", "meta", "created_at", "updated_at",
}  # fmt: skip
OMIT = object()


@pytest.fixture(autouse=True)
def pinned_now():
    with time_machine.travel(NOW, tick=False):
        yield


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=MELBOURNE).astimezone(UTC)


def make_location(hours=True, **kwargs):
    location = LocationFactory(**kwargs)
    if hours:
        for day in WEEK:
            LocationNormalHourFactory(location=location, day_of_week=day, open_at=time(8), close_at=time(18))
    return location


def make_definition(location, hours=True, **kwargs):
    definition = DefinitionFactory(**kwargs)
    if hours:
        for day in WEEK:
            DefinitionNormalHourFactory(definition=definition, day_of_week=day, available_from=time(9),
                                        available_until=time(17))  # fmt: skip
    DefinitionLocationFactory(definition=definition, location=location)
    return definition


def body(definition, profile, location, start="2025-06-16 10:00:00", end="2025-06-16 10:30:00",
         timezone="Australia/Melbourne", **extra) -> dict:  # fmt: skip
    data = {
        "appointment_definition_id": definition if isinstance(definition, int) else definition.pk,
        "profile_id": str(profile if isinstance(profile, uuid.UUID | str) else profile.pk),
        "location_id": location if isinstance(location, int) else location.pk,
        "scheduled_start_at": start,
        "scheduled_end_at": end,
        "timezone": timezone,
        **extra,
    }
    return {key: value for key, value in data.items() if value is not OMIT}


def post(client, data, path=BASE, **headers):
    return client.post(path, data, format="json", **headers)


def put(client, appointment, data, path=BASE):
    pk = appointment if isinstance(appointment, int) else appointment.pk
    return client.put(f"{path}/{pk}", data, format="json")


def error(response, status: int, field: str | None = None) -> dict:
    """The one error envelope with this status and, when given, exactly this field in `errors`."""
    assert response.status_code == status, response.json()
    payload = response.json()
    assert set(payload) == {"message", "code", "errors"}
    if field is not None:
        assert list(payload["errors"]) == [field], payload
    return payload


def ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["data"]]


def booked(definition, location, hour=10, minute=0, **kwargs) -> Appointment:
    return AppointmentFactory(definition=definition, location=location, scheduled_start_at=local(DAY, hour, minute),
                              **kwargs)  # fmt: skip


@pytest.fixture
def location():
    return make_location(handle="fitzroy", name="Fitzroy")


@pytest.fixture
def definition(location):
    return make_definition(location, handle="fitting", name="Fitting")


@pytest.fixture
def approval(location):
    return make_definition(location, handle="consult", name="Consultation", booking_type="approval_required")


@pytest.fixture
def profile():
    return ProfileFactory(first_name="Ada", last_name="Lovelace", email="ada@example.com")


# Create: the resource -----------------------------------------------------------------------------------------


def test_create_returns_the_full_resource(api, definition, profile, location):
    response = post(api, body(definition, profile, location))

    assert response.status_code == 201, response.json()
    data = response.json()["data"]
    assert set(response.json()) == {"data"}
    assert set(data) == APPOINTMENT_FIELDS
    appointment = Appointment.objects.get()
    embedded = data.pop("appointment_definition")
    assert data == {
        "id": appointment.pk,
        "appointment_definition_id": definition.pk,
        "profile_id": str(profile.pk),
        "profile": {"id": str(profile.pk), "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"},
        "location_id": location.pk,
        "location": {"id": location.pk, "name": "Fitzroy", "handle": "fitzroy", "timezone": "Australia/Melbourne"},
        "assigned_staff_id": None,
        "assigned_staff": None,
        "status": "confirmed",
        "scheduled_start_at": "2025-06-16T00:00:00Z",
        "scheduled_end_at": "2025-06-16T00:30:00Z",
        "timezone": "Australia/Melbourne",
        "approved_at": None,
        "confirmed_at": NOW_Z,
        "cancelled_at": None,
        "arrived_at": None,
        "completed_at": None,
        "no_show_at": None,
        "rejected_at": None,
        "approved_by": None,
        "cancelled_by": None,
        "rejected_by": None,
        "questionnaire_version_id": None,
        "answers": [],
        "transaction": None,
        "order": None,
        "notes": None,
        "meta": None,
        "created_at": NOW_Z,
        "updated_at": NOW_Z,
    }
    # The embedded definition is the definition resource without its nested lists.
    full = api.get(f"/api/v3/appointment-definitions/{definition.pk}").json()["data"]
    assert embedded["id"] == definition.pk
    assert (embedded["handle"], embedded["name"], embedded["booking_type"]) == ("fitting", "Fitting", "instant")
    assert embedded == {key: full[key] for key in embedded}
    # A GET answers with exactly what the create returned.
    assert api.get(f"{BASE}/{appointment.pk}").json() == {"data": {**data, "appointment_definition": embedded}}


def test_create_with_staff_embeds_the_staff_member(api, location, profile):
    staffed = make_definition(location, requires_staff=True)
    member = ProfileFactory(first_name="Sam", last_name="Tailor", email="sam@example.com")
    StaffAssignmentFactory(location=location, profile=member)

    response = post(api, body(staffed, profile, location))

    assert response.status_code == 201, response.json()
    data = response.json()["data"]
    assert data["assigned_staff_id"] == str(member.pk)
    assert data["assigned_staff"] == {"id": str(member.pk), "first_name": "Sam", "last_name": "Tailor",
                                      "email": "sam@example.com"}  # fmt: skip


def test_create_with_every_optional_field(api, definition, profile, location):
    data = body(definition, profile, location, notes="Bring the suit", meta={"channel": "app", "n": 2},
                transaction={"receipt_ref": "R-1"}, order={"external_id": "SO-9", "order_number": "9"})  # fmt: skip

    response = post(api, data)

    assert response.status_code == 201, response.json()
    created = response.json()["data"]
    assert created["notes"] == "Bring the suit"
    assert created["meta"] == {"channel": "app", "n": 2}
    assert created["transaction"] == {"id": None, "external_id": None, "receipt_ref": "R-1"}
    assert created["order"] == {"id": None, "external_id": "SO-9", "receipt_ref": None, "order_number": "9"}


def test_approval_required_create_is_requested(api, approval, profile, location):
    response = post(api, body(approval, profile, location))

    assert response.status_code == 201, response.json()
    data = response.json()["data"]
    assert (data["status"], data["confirmed_at"], data["approved_at"]) == ("requested", None, None)


def test_create_writes_a_created_event_with_the_token_actor(api, definition, profile, location):
    response = post(api, body(definition, profile, location))

    appointment_id = response.json()["data"]["id"]
    assert list(AppointmentEvent.objects.values_list("appointment_id", "kind", "actor", "to_status")) == [
        (appointment_id, "created", f"token:{api.token.pk}", "confirmed")
    ]


# Create: times -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "timezone", "echoed"),
    [
        ("2025-06-16 10:00:00", "2025-06-16 10:30:00", "Australia/Melbourne", "Australia/Melbourne"),
        ("2025-06-16T10:00:00+10:00", "2025-06-16T10:30:00+10:00", "Australia/Melbourne", "Australia/Melbourne"),
        ("2025-06-16T00:00:00Z", "2025-06-16T00:30:00Z", "Australia/Melbourne", "Australia/Melbourne"),
        ("2025-06-16T09:00:00+09:00", OMIT, "Asia/Tokyo", "Asia/Tokyo"),  # the offset wins over the timezone
        ("2025-06-16 08:00:00", "2025-06-16 08:30:00", "Australia/Perth", "Australia/Perth"),
        ("2025-06-16 10:00:00", "2025-06-16 10:30:00", OMIT, "Australia/Melbourne"),  # the location's timezone
        ("2025-06-16 10:00:00", None, "Australia/Melbourne", "Australia/Melbourne"),  # end defaults
    ],
    ids=["local", "iso-offset", "iso-z", "iso-other-zone", "local-perth", "no-timezone", "null-end"],
)
def test_local_and_iso_times_are_accepted(api, definition, profile, location, start, end, timezone, echoed):
    response = post(api, body(definition, profile, location, start=start, end=end, timezone=timezone))

    assert response.status_code == 201, response.json()
    data = response.json()["data"]
    assert (data["scheduled_start_at"], data["scheduled_end_at"], data["timezone"]) == (
        "2025-06-16T00:00:00Z", "2025-06-16T00:30:00Z", echoed)  # fmt: skip


@pytest.fixture
def always_open():
    """A location and definition without hours rows: open around the clock, including DST days."""
    location = make_location(hours=False, handle="all-hours", name="All hours")
    return make_definition(location, hours=False), location


def test_local_time_in_a_dst_gap_is_422(api, always_open, profile):
    definition, location = always_open
    # Melbourne jumps from 02:00 to 03:00 on 2026-10-04.
    response = post(api, body(definition, profile, location, start="2026-10-04 02:30:00", end=OMIT))

    payload = error(response, 422, "scheduled_start_at")
    assert payload["errors"]["scheduled_start_at"] == [
        "2026-10-04 02:30:00 does not exist in Australia/Melbourne (daylight-saving gap)."
    ]
    assert not Appointment.objects.exists()


def test_local_end_in_a_dst_gap_is_422_on_end(api, always_open, profile):
    definition, location = always_open
    response = post(api, body(definition, profile, location, start="2026-10-04 01:30:00", end="2026-10-04 02:00:00"))

    # 01:30 + 30 minutes is 03:00 on that night; 02:00 does not exist.
    error(response, 422, "scheduled_end_at")


def test_ambiguous_local_time_means_the_first_occurrence(api, always_open, profile):
    definition, location = always_open
    # Melbourne repeats 02:00-03:00 on 2026-04-05: the first 02:30 is AEDT (UTC+11).
    response = post(api, body(definition, profile, location, start="2026-04-05 02:30:00", end=OMIT))

    assert response.status_code == 201, response.json()
    data = response.json()["data"]
    assert (data["scheduled_start_at"], data["scheduled_end_at"]) == ("2026-04-04T15:30:00Z", "2026-04-04T16:00:00Z")


def test_ambiguous_local_time_on_a_dst_day_with_an_explicit_end(api, always_open, profile):
    definition, location = always_open
    response = post(api, body(definition, profile, location, start="2026-04-05 01:45:00", end="2026-04-05 02:15:00",
                              override_availability=True))  # fmt: skip

    assert response.status_code == 201, response.json()
    data = response.json()["data"]
    assert (data["scheduled_start_at"], data["scheduled_end_at"]) == ("2026-04-04T14:45:00Z", "2026-04-04T15:15:00Z")


def test_unknown_timezone_is_422_on_timezone(api, definition, profile, location):
    error(post(api, body(definition, profile, location, timezone="Mars/Olympus_Mons")), 422, "timezone")
    assert not Appointment.objects.exists()


@pytest.mark.parametrize("value", ["tomorrow", "2025-13-40 10:00:00", 20250616, ""])
def test_unreadable_start_is_422_on_start(api, definition, profile, location, value):
    error(post(api, body(definition, profile, location, start=value)), 422, "scheduled_start_at")


# Create: the booking checks over HTTP ---------------------------------------------------------------------------


def test_booking_checks_over_http(api, definition, profile, location):
    archived = make_definition(location, is_archived=True)
    walk_in = make_definition(location, booking_type="walk_in_only", allow_walk_in=True, allow_customer_booking=False)
    elsewhere = make_location()

    error(post(api, body(987654, profile, location)), 422, "appointment_definition_id")
    error(post(api, body(archived, profile, location)), 422, "appointment_definition_id")
    error(post(api, body(walk_in, profile, location)), 422, "appointment_definition_id")
    error(post(api, body(definition, uuid.uuid4(), location)), 422, "profile_id")
    error(post(api, body(definition, profile, elsewhere)), 422, "location_id")
    error(post(api, body(definition, profile, 987654, timezone=OMIT)), 422, "location_id")
    error(post(api, body(definition, profile, location, end="2025-06-16 11:00:00")), 422, "scheduled_end_at")
    error(post(api, body(definition, profile, location, start="2025-06-16 10:10:00", end=OMIT)), 422,
          "scheduled_start_at")  # fmt: skip
    error(post(api, body(definition, profile, location, start="2025-06-16 18:00:00", end=OMIT)), 422,
          "scheduled_start_at")  # fmt: skip
    answers = [{"questionnaire_question_id": 1, "value": "consultation"}]
    error(post(api, body(definition, profile, location, answers=answers)), 422, "answers")
    assert not Appointment.objects.exists()

    # The override books outside hours, but never over capacity.
    late = body(definition, profile, location, start="2025-06-16 18:10:00", end=OMIT, override_availability=True)
    assert post(api, late).status_code == 201
    error(post(api, late), 422, "scheduled_start_at")
    assert Appointment.objects.count() == 1


@pytest.mark.parametrize("missing", ["appointment_definition_id", "profile_id", "location_id", "scheduled_start_at"])
def test_required_create_fields(api, definition, profile, location, missing):
    error(post(api, body(definition, profile, location, **{missing: OMIT})), 422, missing)


# Profile-scoped routes ------------------------------------------------------------------------------------------


def test_profile_route_takes_the_profile_from_the_url(api, definition, profile, location):
    path = f"/api/v3/profiles/{profile.pk}/appointments"

    without = post(api, body(definition, profile, location, profile_id=OMIT), path=path)
    other = post(api, body(definition, ProfileFactory(), location, start="2025-06-16 11:00:00", end=OMIT), path=path)

    assert without.status_code == 201, without.json()
    assert other.status_code == 201, other.json()
    assert [without.json()["data"]["profile_id"], other.json()["data"]["profile_id"]] == [str(profile.pk)] * 2
    assert set(Appointment.objects.values_list("profile_id", flat=True)) == {profile.pk}


def test_profile_route_reads_only_that_profiles_appointments(api, definition, profile, location):
    mine = booked(definition, location, 10, profile=profile)
    theirs = booked(definition, location, 11)
    path = f"/api/v3/profiles/{profile.pk}/appointments"

    assert ids(api.get(path)) == [mine.pk]
    assert api.get(f"{path}/{mine.pk}").json()["data"]["id"] == mine.pk
    error(api.get(f"{path}/{theirs.pk}"), 404)
    error(put(api, theirs, {"notes": "x"}, path=path), 404)
    error(api.delete(f"{path}/{theirs.pk}"), 404)
    assert put(api, mine, {"notes": "x"}, path=path).json()["data"]["notes"] == "x"
    assert ids(api.get(f"/api/v3/profiles/{theirs.profile_id}/appointments")) == [theirs.pk]


# Updates --------------------------------------------------------------------------------------------------------


# Moves with time rules happen when they are allowed (docs/api-guide-notes.md): check-in from 60 minutes before the
# 10:00 start, completion from the start, no_show from 15 minutes after it.
CHECK_IN_AT, START_AT, NO_SHOW_AT = local(DAY, 9), local(DAY, 10), local(DAY, 10, 15)


@pytest.mark.parametrize(
    ("before", "after", "at", "stamps"),
    [
        ("requested", "confirmed", NOW, {"confirmed_at": "AT", "approved_at": "AT", "approved_by": "ACTOR"}),
        ("requested", "rejected", NOW, {"rejected_at": "AT", "rejected_by": "ACTOR"}),
        ("requested", "cancelled", NOW, {"cancelled_at": "AT", "cancelled_by": "ACTOR"}),
        ("confirmed", "cancelled", NOW, {"cancelled_at": "AT", "cancelled_by": "ACTOR"}),
        ("confirmed", "arrived", CHECK_IN_AT, {"arrived_at": "AT"}),
        ("confirmed", "completed", START_AT, {"completed_at": "AT"}),
        ("arrived", "completed", START_AT, {"completed_at": "AT"}),
        ("confirmed", "no_show", NO_SHOW_AT, {"no_show_at": "AT"}),
    ],
)
def test_put_status_moves(api, definition, location, before, after, at, stamps):
    appointment = booked(definition, location, status=before)

    with time_machine.travel(at, tick=False):
        response = put(api, appointment, {"status": after, "reason": "Checked"})

    assert response.status_code == 200, response.json()
    data = response.json()["data"]
    at_z = at.strftime("%Y-%m-%dT%H:%M:%SZ")
    stamps = {key: at_z if value == "AT" else value for key, value in stamps.items()}
    assert set(data) == APPOINTMENT_FIELDS
    expected = {
        name: None
        for name in (
            "approved_at",
            "confirmed_at",
            "cancelled_at",
            "arrived_at",
            "completed_at",
            "no_show_at",
            "rejected_at",
            "approved_by",
            "cancelled_by",
            "rejected_by",
        )
    }
    expected |= {key: f"token:{api.token.pk}" if value == "ACTOR" else value for key, value in stamps.items()}
    assert data["status"] == after
    assert {key: data[key] for key in expected} == expected  # fmt: skip
    assert list(appointment.events.values_list("kind", "from_status", "to_status", "reason", "actor")) == [
        ("status", before, after, "Checked", f"token:{api.token.pk}")
    ]


def test_put_refused_status_is_422_naming_the_allowed_moves(api, definition, location):
    appointment = booked(definition, location, status="requested")

    payload = error(put(api, appointment, {"status": "completed"}), 422, "status")

    assert payload["code"] == "transition_not_allowed"
    assert payload["errors"]["status"] == [
        "Cannot move from requested to completed (allowed: cancelled, confirmed, rejected)."
    ]
    error(put(api, appointment, {"status": "lost"}), 422, "status")


def test_put_same_status_is_a_no_op(api, definition, location):
    appointment = booked(definition, location, status="confirmed")

    response = put(api, appointment, {"status": "confirmed"})

    assert response.status_code == 200
    assert response.json()["data"]["confirmed_at"] is None  # the factory wrote none; nothing was stamped
    assert not appointment.events.exists()


def test_put_reschedule(api, definition, location):
    appointment = booked(definition, location, 10)
    new_time = {"scheduled_start_at": "2025-06-16 14:00:00", "scheduled_end_at": "2025-06-16 14:30:00",
                "timezone": "Australia/Melbourne"}  # fmt: skip

    response = put(api, appointment, new_time)

    assert response.status_code == 200, response.json()
    data = response.json()["data"]
    assert (data["scheduled_start_at"], data["scheduled_end_at"], data["timezone"], data["status"]) == (
        "2025-06-16T04:00:00Z", "2025-06-16T04:30:00Z", "Australia/Melbourne", "confirmed")  # fmt: skip
    event = appointment.events.get()
    assert (event.kind, event.actor, event.data["from"], event.data["to"]) == (
        "rescheduled", f"token:{api.token.pk}", "2025-06-16T00:00:00Z", "2025-06-16T04:00:00Z")  # fmt: skip


def test_put_reschedule_in_the_appointments_own_timezone(api, definition, location):
    appointment = booked(definition, location, 10, timezone="Australia/Perth")

    response = put(api, appointment, {"scheduled_start_at": "2025-06-16 10:00:00"})  # 10:00 in Perth = 12:00 here

    assert response.status_code == 200, response.json()
    assert response.json()["data"]["scheduled_start_at"] == "2025-06-16T02:00:00Z"
    assert response.json()["data"]["timezone"] == "Australia/Perth"


def test_put_reschedule_onto_a_taken_slot_is_422(api, definition, location):
    appointment = booked(definition, location, 10)
    booked(definition, location, 11)

    error(put(api, appointment, {"scheduled_start_at": "2025-06-16 11:00:00"}), 422, "scheduled_start_at")
    error(put(api, appointment, {"timezone": "Australia/Perth"}), 422, "scheduled_start_at")
    appointment.refresh_from_db()
    assert appointment.scheduled_start_at == local(DAY, 10)


def test_put_fields(api, definition, location):
    appointment = booked(definition, location, notes="old", meta={"a": 1}, order={"id": 5, "external_id": None,
                                                                                "receipt_ref": None, "order_number": None})  # fmt: skip

    response = put(api, appointment, {"notes": "new", "meta": {"b": 2}, "transaction": {"external_id": "T-77"},
                                      "order": None})  # fmt: skip

    assert response.status_code == 200, response.json()
    data = response.json()["data"]
    assert (data["notes"], data["meta"], data["transaction"], data["order"]) == (
        "new", {"b": 2}, {"id": None, "external_id": "T-77", "receipt_ref": None}, None)  # fmt: skip
    # Partial: only the fields sent change.
    data = put(api, appointment, {"notes": None}).json()["data"]
    assert (data["notes"], data["meta"], data["transaction"]) == (None, {"b": 2}, {"id": None, "external_id": "T-77",
                                                                                    "receipt_ref": None})  # fmt: skip
    error(put(api, appointment, {"transaction": {"total": 5}}), 422, "transaction")
    error(put(api, appointment, {"answers": []}), 422, "answers")


def test_put_with_a_refused_status_changes_nothing(api, definition, location):
    appointment = booked(definition, location, 10, status="requested", notes="before", meta={"keep": True})
    was = api.get(f"{BASE}/{appointment.pk}").json()

    response = put(api, appointment, {"notes": "after", "meta": {}, "transaction": {"receipt_ref": "R"},
                                      "scheduled_start_at": "2025-06-16 12:00:00", "status": "arrived"})  # fmt: skip

    error(response, 422, "status")
    assert api.get(f"{BASE}/{appointment.pk}").json() == was
    assert not appointment.events.exists()


def test_delete_then_404(api, definition, location):
    appointment = booked(definition, location)

    response = api.delete(f"{BASE}/{appointment.pk}")

    assert response.status_code == 204
    assert response.content == b""
    error(api.get(f"{BASE}/{appointment.pk}"), 404)
    error(api.delete(f"{BASE}/{appointment.pk}"), 404)
    error(put(api, appointment, {"notes": "x"}), 404)
    assert not AppointmentEvent.objects.exists()


def test_missing_appointment_is_404(api):
    payload = error(api.get(f"{BASE}/987654"), 404)
    assert payload["code"] == "not_found"


# Events ---------------------------------------------------------------------------------------------------------


def test_events_list_the_audit_history(api, approval, profile, location):
    created = post(api, body(approval, profile, location)).json()["data"]
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        put(api, created["id"], {"status": "confirmed", "reason": "Approved by phone"})
    with time_machine.travel(NOW + timedelta(hours=2), tick=False):
        put(api, created["id"], {"scheduled_start_at": "2025-06-16 11:00:00"})

    response = api.get(f"{BASE}/{created['id']}/events")

    assert response.status_code == 200
    events = response.json()["data"]
    assert set(response.json()) == {"data"}
    actor = f"token:{api.token.pk}"
    for event in events:
        assert set(event) == {
            "id",
            "appointment_id",
            "kind",
            "actor",
            "from_status",
            "to_status",
            "reason",
            "data",
            "at",
        }
        assert event["appointment_id"] == created["id"]
    assert [(e["kind"], e["actor"], e["from_status"], e["to_status"], e["reason"], e["at"]) for e in events] == [
        ("created", actor, None, "requested", None, NOW_Z),
        ("status", actor, "requested", "confirmed", "Approved by phone", "2025-06-09T01:00:00Z"),
        ("rescheduled", actor, "confirmed", "confirmed", None, "2025-06-09T02:00:00Z"),
    ]
    assert events[2]["data"] == {"from": "2025-06-16T00:00:00Z", "to": "2025-06-16T01:00:00Z",
                                 "assigned_staff_id": None}  # fmt: skip
    error(api.get(f"{BASE}/987654/events"), 404)


# Links ----------------------------------------------------------------------------------------------------------


def test_link_is_idempotent_and_unlink_removes_it(api, definition, location):
    appointment = booked(definition, location)
    guest = ProfileFactory(first_name="Grace", last_name="Hopper", email="grace@example.com")
    link_body = {"type": "profile", "id": str(guest.pk)}

    first = api.post(f"{BASE}/{appointment.pk}/link", link_body, format="json")
    again = api.post(f"{BASE}/{appointment.pk}/link", link_body, format="json")

    assert first.status_code == 200, first.json()
    assert again.status_code == 200
    assert first.json() == again.json()
    data = first.json()["data"]
    assert set(data) == APPOINTMENT_FIELDS | {"links"}
    link = AppointmentLink.objects.get()
    assert data["links"] == [
        {"id": link.pk, "type": "profile", "target_id": str(guest.pk),
         "profile": {"id": str(guest.pk), "first_name": "Grace", "last_name": "Hopper", "email": "grace@example.com"}}
    ]  # fmt: skip

    listed = api.post(f"{BASE}/{appointment.pk}/link", {"type": "list", "id": "42"}, format="json").json()["data"]
    assert [(row["type"], row["target_id"], row["profile"]) for row in listed["links"]] == [
        ("profile", str(guest.pk), listed["links"][0]["profile"]),
        ("list", "42", None),
    ]

    # Plain reads leave links out.
    assert "links" not in api.get(f"{BASE}/{appointment.pk}").json()["data"]
    assert all("links" not in row for row in api.get(BASE).json()["data"])

    response = api.post(f"{BASE}/{appointment.pk}/unlink", link_body, format="json")
    assert response.status_code == 204
    assert list(AppointmentLink.objects.values_list("type", "target_id")) == [("list", "42")]
    remaining = api.post(f"{BASE}/{appointment.pk}/link", {"type": "list", "id": "42"}, format="json")
    assert [row["target_id"] for row in remaining.json()["data"]["links"]] == ["42"]


def test_link_errors(api, definition, location):
    appointment = booked(definition, location)

    error(api.post(f"{BASE}/{appointment.pk}/link", {"type": "profile", "id": str(uuid.uuid4())}, format="json"),
          422, "id")  # fmt: skip
    error(api.post(f"{BASE}/{appointment.pk}/link", {"type": "team", "id": "1"}, format="json"), 422, "type")
    error(api.post(f"{BASE}/987654/link", {"type": "list", "id": "1"}, format="json"), 404)
    assert not AppointmentLink.objects.exists()


# Filters and sorting --------------------------------------------------------------------------------------------


@pytest.fixture
def catalogue(definition, location):
    """Four appointments that differ in every filtered field."""
    other_definition = make_definition(location)
    other_location = make_location()
    DefinitionLocationFactory(definition=definition, location=other_location)
    p1, p2, staff = ProfileFactory(), ProfileFactory(), ProfileFactory()
    rows = {
        "a1": booked(definition, location, 10, profile=p1, status="confirmed"),
        "a2": booked(other_definition, location, 12, profile=p2, status="requested", assigned_staff=staff),
        "a3": AppointmentFactory(definition=definition, location=other_location, profile=p1, status="cancelled",
                                 scheduled_start_at=local(date(2025, 6, 17), 9)),
        "a4": AppointmentFactory(definition=other_definition, location=other_location, profile=p2, status="completed",
                                 assigned_staff=staff, scheduled_start_at=local(date(2025, 6, 15), 15)),
    }  # fmt: skip
    for index, key in enumerate(("a3", "a1", "a4", "a2")):
        Appointment.objects.filter(pk=rows[key].pk).update(created_at=NOW - timedelta(days=10 - index))
    return rows | {"d1": definition, "d2": other_definition, "l1": location, "l2": other_location, "p1": p1,
                   "p2": p2, "staff": staff}  # fmt: skip


def names(catalogue, response) -> list[str]:
    by_id = {row.pk: key for key, row in catalogue.items() if isinstance(row, Appointment)}
    return [by_id[pk] for pk in ids(response)]


def test_list_is_ordered_by_start_with_the_envelope(api, catalogue):
    response = api.get(BASE)

    assert names(catalogue, response) == ["a4", "a1", "a2", "a3"]
    assert set(response.json()) == {"data", "links", "meta"}
    assert response.json()["meta"]["total"] == 4
    assert [set(row) for row in response.json()["data"]] == [APPOINTMENT_FIELDS] * 4


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("filter[appointment_definition_id]={d1}", ["a1", "a3"]),
        ("filter[appointment_definition_id][in]={d1},{d2}", ["a4", "a1", "a2", "a3"]),
        ("filter[appointment_definition_id][ne]={d1}", ["a4", "a2"]),
        ("filter[profile_id]={p1}", ["a1", "a3"]),
        ("filter[profile_id]={p2}", ["a4", "a2"]),
        ("filter[location_id]={l2}", ["a4", "a3"]),
        ("filter[location_id]={l1}&filter[profile_id]={p2}", ["a2"]),
        ("filter[assigned_staff_id]={staff}", ["a4", "a2"]),
        ("filter[status]=confirmed", ["a1"]),
        ("filter[status][in]=requested,confirmed,arrived", ["a1", "a2"]),
        ("filter[status][ne]=cancelled", ["a4", "a1", "a2"]),
        ("filter[appointment_definition_id]={d1}&filter[status]=confirmed", ["a1"]),
        ("filter[scheduled_start_at][gte]=2025-06-16T00:00:00Z", ["a1", "a2", "a3"]),
        ("filter[scheduled_start_at][gt]=2025-06-16T00:00:00Z", ["a2", "a3"]),
        ("filter[scheduled_start_at][lt]=2025-06-16T02:00:00Z", ["a4", "a1"]),
        ("filter[scheduled_start_at][lte]=2025-06-16T02:00:00Z", ["a4", "a1", "a2"]),
        (
            "filter[scheduled_start_at][gte]=2025-06-16T00:00:00Z&filter[scheduled_start_at][lt]=2025-06-16T14:00:00Z",
            ["a1", "a2"],
        ),
        ("filter[scheduled_start_at]=2025-06-16T02:00:00Z", ["a2"]),
        ("filter[scheduled_start_at][gte]=2025-06-16 00:00:00", ["a1", "a2", "a3"]),
        ("filter[created_at][gte]=2025-05-31T00:00:00Z", ["a4", "a1", "a2"]),
        ("filter[created_at][lt]=2025-05-31T00:00:00Z", ["a3"]),
        ("filter[created_at]=2025-05-31T00:00:00Z", ["a1"]),
        ("filter[created_at][lte]=2025-06-01 00:00:00", ["a4", "a1", "a3"]),
    ],
)
def test_filters(api, catalogue, query, expected):
    values = {key: (row.pk if hasattr(row, "pk") else row) for key, row in catalogue.items()}
    assert names(catalogue, api.get(f"{BASE}?{query.format(**values)}")) == expected


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("-scheduled_start_at", ["a3", "a2", "a1", "a4"]),
        ("scheduled_start_at", ["a4", "a1", "a2", "a3"]),
        ("created_at", ["a3", "a1", "a4", "a2"]),
        ("-created_at", ["a2", "a4", "a1", "a3"]),
        ("status", ["a3", "a4", "a1", "a2"]),
        ("-status,scheduled_start_at", ["a2", "a1", "a4", "a3"]),
        ("id", ["a1", "a2", "a3", "a4"]),
        ("-id", ["a4", "a3", "a2", "a1"]),
    ],
)
def test_sort(api, catalogue, sort, expected):
    assert names(catalogue, api.get(f"{BASE}?sort={sort}")) == expected


def test_unknown_filter_and_sort_are_422(api, catalogue):
    error(api.get(f"{BASE}?filter[colour]=red"), 422, "filter")
    error(api.get(f"{BASE}?filter[status][gt]=a"), 422, "filter")
    error(api.get(f"{BASE}?sort=colour"), 422, "sort")
    error(api.get(f"{BASE}?filter[scheduled_start_at][gte]=soon"), 422, "filter[scheduled_start_at][gte]")


def test_pagination(api, catalogue):
    response = api.get(f"{BASE}?page[size]=3&page[number]=2")

    assert names(catalogue, response) == ["a3"]
    meta = response.json()["meta"]
    assert (meta["current_page"], meta["last_page"], meta["per_page"], meta["total"], meta["from"], meta["to"]) == (
        2, 2, 3, 4, 4, 4)  # fmt: skip


def test_list_query_count_does_not_grow(api, definition, location, django_assert_max_num_queries):
    staffed = make_definition(location, requires_staff=True)

    api.get(BASE)  # the token's first use of the day records last_used_at; later requests do not

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = api.get(f"{BASE}?page[size]=100")
        assert response.status_code == 200
        return len(captured.captured_queries), len(response.json()["data"])

    booked(staffed, location, 9, assigned_staff=ProfileFactory())
    one, rows = count()
    assert rows == 1
    for n in range(19):
        other_location = make_location()
        other = make_definition(other_location, requires_staff=n % 2 == 0)
        AppointmentFactory(definition=other, location=other_location, assigned_staff=ProfileFactory() if n % 2 else None,
                           scheduled_start_at=local(DAY, 9) + timedelta(minutes=n))  # fmt: skip
    twenty, rows = count()
    assert rows == 20
    assert twenty == one
    with django_assert_max_num_queries(one):
        api.get(f"{BASE}?page[size]=100&filter[status]=confirmed&sort=-scheduled_start_at")


# Customer tokens -------------------------------------------------------------------------------------------------


@pytest.fixture
def mine(definition, location, make_customer_client, profile):
    client = make_customer_client(profile)
    own = booked(definition, location, 10, profile=profile)
    theirs = booked(definition, location, 11)
    return client, own, theirs


def test_customer_lists_only_their_own(mine):
    client, own, theirs = mine

    assert ids(client.get(BASE)) == [own.pk]
    assert ids(client.get(f"{BASE}?filter[profile_id]={theirs.profile_id}")) == []
    assert ids(client.get("/api/v3/profiles/me/appointments")) == [own.pk]
    assert ids(client.get(f"/api/v3/profiles/{own.profile_id}/appointments")) == [own.pk]
    assert client.get(f"{BASE}/{own.pk}").json()["data"]["id"] == own.pk
    assert client.get(f"{BASE}/{own.pk}/events").status_code == 200


def test_customer_gets_404_for_someone_elses(mine):
    client, own, theirs = mine

    error(client.get(f"{BASE}/{theirs.pk}"), 404)
    error(client.get(f"{BASE}/{theirs.pk}/events"), 404)
    error(put(client, theirs, {"status": "cancelled"}), 404)
    error(client.get(f"/api/v3/profiles/{theirs.profile_id}/appointments"), 404)
    error(client.get(f"/api/v3/profiles/{theirs.profile_id}/appointments/{theirs.pk}"), 404)
    error(client.get(f"/api/v3/profiles/me/appointments/{theirs.pk}"), 404)
    theirs.refresh_from_db()
    assert theirs.status == "confirmed"


def test_customer_cancels_their_own(mine, profile):
    client, own, _ = mine

    response = put(client, own, {"status": "cancelled", "reason": "Sick"})

    assert response.status_code == 200, response.json()
    data = response.json()["data"]
    assert (data["status"], data["cancelled_at"], data["cancelled_by"]) == ("cancelled", NOW_Z, f"profile:{profile.pk}")
    assert list(own.events.values_list("actor", "reason")) == [(f"profile:{profile.pk}", "Sick")]


def test_customer_reschedules_their_own(mine):
    client, own, _ = mine

    response = put(client, own, {"scheduled_start_at": "2025-06-16 14:00:00", "timezone": "Australia/Melbourne"})

    assert response.status_code == 200, response.json()
    assert response.json()["data"]["scheduled_start_at"] == "2025-06-16T04:00:00Z"
    error(put(client, own, {"scheduled_start_at": "2025-06-16 20:00:00", "override_availability": True}), 403)
    assert put(client, own, {"notes": "Window seat"}).json()["data"]["notes"] == "Window seat"


@pytest.mark.parametrize(
    ("status", "to"),
    [
        ("requested", "confirmed"),
        ("requested", "rejected"),
        ("confirmed", "arrived"),
        ("confirmed", "completed"),
        ("confirmed", "no_show"),
    ],
)
def test_customer_cannot_make_staff_moves(definition, location, make_customer_client, profile, status, to):
    client = make_customer_client(profile)
    own = booked(definition, location, profile=profile, status=status)

    error(put(client, own, {"status": to}), 403)
    own.refresh_from_db()
    assert own.status == status
    assert not own.events.exists()


@pytest.mark.parametrize("field", ["meta", "transaction", "order"])
def test_customer_cannot_change_meta_or_sales(mine, field):
    client, own, _ = mine
    value = {"meta": {"vip": True}, "transaction": {"receipt_ref": "R-1"}, "order": {"order_number": "1"}}[field]

    error(put(client, own, {field: value}), 403)
    error(put(client, own, {field: value, "notes": "also"}), 403)
    own.refresh_from_db()
    assert (own.meta, own.transaction, own.order, own.notes) == (None, None, None, "")


def test_customer_cannot_delete(mine):
    client, own, _ = mine

    error(client.delete(f"{BASE}/{own.pk}"), 403)
    assert Appointment.objects.filter(pk=own.pk).exists()


def test_customer_books_for_themselves_only(definition, location, make_customer_client, profile):
    client = make_customer_client(profile)

    response = post(client, body(definition, profile, location))
    assert response.status_code == 201, response.json()
    assert response.json()["data"]["profile_id"] == str(profile.pk)
    assert AppointmentEvent.objects.get().actor == f"profile:{profile.pk}"

    me = post(client, body(definition, profile, location, start="2025-06-16 11:00:00", end=OMIT, profile_id=OMIT),
              path="/api/v3/profiles/me/appointments")  # fmt: skip
    assert me.status_code == 201, me.json()

    error(post(client, body(definition, ProfileFactory(), location, start="2025-06-16 12:00:00")), 403)
    error(post(client, body(definition, profile, location, start="2025-06-16 20:00:00", end=OMIT,
                            override_availability=True)), 403)  # fmt: skip
    hidden = make_definition(location, is_published=False)
    staff_only = make_definition(location, allow_customer_booking=False)
    error(post(client, body(hidden, profile, location)), 422, "appointment_definition_id")
    error(post(client, body(staff_only, profile, location)), 422, "appointment_definition_id")
    assert Appointment.objects.count() == 2


def test_scopes(make_integration_client, definition, location, profile):
    reader = make_integration_client(scopes=["appointments:read"])
    writer = make_integration_client(scopes=["appointments:write"])
    outsider = make_integration_client(scopes=["locations:read"])
    appointment = booked(definition, location)

    assert reader.get(BASE).status_code == 200
    error(post(reader, body(definition, profile, location)), 403)
    error(put(reader, appointment, {"status": "cancelled"}), 403)
    error(outsider.get(BASE), 403)
    assert post(writer, body(definition, profile, location, start="2025-06-16 12:00:00", end=OMIT)).status_code == 201


def test_anonymous_is_401(anon_client):
    error(anon_client.get(BASE), 401)


# Idempotency-Key ---------------------------------------------------------------------------------------------------


def test_same_key_and_body_books_once(api, definition, profile, location):
    data = body(definition, profile, location)

    first = post(api, data, HTTP_IDEMPOTENCY_KEY="book-1")
    second = post(api, data, HTTP_IDEMPOTENCY_KEY="book-1")

    assert first.status_code == 201, first.json()
    assert second.status_code == 201
    assert second.json() == first.json()
    assert Appointment.objects.count() == 1
    assert AppointmentEvent.objects.count() == 1


def test_same_key_with_a_different_body_is_422(api, definition, profile, location):
    assert post(api, body(definition, profile, location), HTTP_IDEMPOTENCY_KEY="book-1").status_code == 201

    response = post(api, body(definition, profile, location, notes="changed"), HTTP_IDEMPOTENCY_KEY="book-1")

    error(response, 422, "Idempotency-Key")
    assert Appointment.objects.count() == 1


def test_a_failed_attempt_does_not_poison_the_key(api, definition, profile, location):
    broken = body(definition, profile, location, start="2025-06-16 10:10:00", end=OMIT)

    error(post(api, broken, HTTP_IDEMPOTENCY_KEY="book-2"), 422, "scheduled_start_at")
    error(post(api, broken, HTTP_IDEMPOTENCY_KEY="book-2"), 422, "scheduled_start_at")
    assert not IdempotencyRecord.objects.exists()
    fixed = post(api, body(definition, profile, location), HTTP_IDEMPOTENCY_KEY="book-2")
    replay = post(api, body(definition, profile, location), HTTP_IDEMPOTENCY_KEY="book-2")

    assert fixed.status_code == 201, fixed.json()
    assert replay.json() == fixed.json()
    assert Appointment.objects.count() == 1


def test_keys_are_per_caller_and_different_keys_book_twice(api, make_integration_client, definition, location):
    other = make_integration_client()
    first = post(api, body(definition, ProfileFactory(), location), HTTP_IDEMPOTENCY_KEY="k")
    second = post(other, body(definition, ProfileFactory(), location, start="2025-06-16 11:00:00", end=OMIT),
                  HTTP_IDEMPOTENCY_KEY="k")  # fmt: skip
    third = post(api, body(definition, ProfileFactory(), location, start="2025-06-16 12:00:00", end=OMIT),
                 HTTP_IDEMPOTENCY_KEY="k2")  # fmt: skip

    assert [first.status_code, second.status_code, third.status_code] == [201, 201, 201]
    assert Appointment.objects.count() == 3
