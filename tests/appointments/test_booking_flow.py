"""The documented Omneo booking flow end to end through the API (omneo-reference.md section 11, steps 1-9).

Everything is set up over the API the way the Omneo SDK live tests do it: a Melbourne location open 08:00-18:00
every day, 30-minute definitions offered 09:00-17:00 with `max_advance_days: 30`, and a date three days ahead.
Times go in as local `YYYY-MM-DD HH:MM:SS` with `timezone: Australia/Melbourne` (AEST, UTC+10 in May) and come
back in UTC with a `Z`.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

pytestmark = pytest.mark.django_db

API = "/api/v3"
NOW = datetime(2026, 5, 8, 0, 0, tzinfo=UTC)  # Friday 10:00 in Melbourne
WEEK = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
TZ = "Australia/Melbourne"


def created(response) -> dict:
    assert response.status_code == 201, response.json()
    return response.json()["data"]


def ok(response) -> dict:
    assert response.status_code == 200, response.json()
    return response.json()["data"]


def definition_body(handle: str, name: str, location_id: int, **extra) -> dict:
    """The definition the SDK live tests create."""
    return {
        "handle": handle,
        "name": name,
        "duration_minutes": 30,
        "booking_type": "instant",
        "min_lead_minutes": 0,
        "max_advance_days": 30,
        "slot_interval_minutes": 30,
        "requires_staff": False,
        "is_published": True,
        "location_ids": [location_id],
        "normal_hours": [{"day_of_week": day, "available_from": "09:00", "available_until": "17:00"} for day in WEEK],
        **extra,
    }


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def shop(api, clock):
    """A location, a customer and four definitions (two bookable, one draft, one archived), all over the API."""
    location = created(api.post(f"{API}/locations", {
        "handle": "collins-st", "name": "Collins St", "timezone": TZ,
        "normal_hours": [{"day_of_week": day, "open_at": "08:00", "close_at": "18:00"} for day in WEEK],
    }, format="json"))  # fmt: skip
    customer = created(api.post(f"{API}/profiles", {"first_name": "Ada", "last_name": "Lovelace",
                                                    "email": "ada@example.com"}, format="json"))  # fmt: skip
    fitting = created(api.post(f"{API}/appointment-definitions",
                               definition_body("fitting", "Fitting", location["id"]), format="json"))  # fmt: skip
    consultation = created(api.post(f"{API}/appointment-definitions", definition_body(
        "consultation", "Consultation", location["id"], booking_type="approval_required"), format="json"))  # fmt: skip
    draft = created(api.post(f"{API}/appointment-definitions", definition_body(
        "draft", "Draft", location["id"], is_published=False), format="json"))  # fmt: skip
    retired = created(api.post(f"{API}/appointment-definitions", definition_body(
        "retired", "Retired", location["id"], is_archived=True), format="json"))  # fmt: skip
    return {"location": location, "customer": customer, "fitting": fitting, "consultation": consultation,
            "draft": draft, "retired": retired}  # fmt: skip


def test_documented_booking_flow(api, shop, clock):
    location_id = shop["location"]["id"]
    profile_id = shop["customer"]["id"]
    assert isinstance(profile_id, str)

    # 1. List published definitions.
    listed = api.get(f"{API}/appointment-definitions?filter[is_published]=1&filter[is_archived]=0")
    assert listed.status_code == 200
    assert [row["handle"] for row in listed.json()["data"]] == ["fitting", "consultation"]
    definition_id = listed.json()["data"][0]["id"]
    assert definition_id == shop["fitting"]["id"]

    # 2. Read the definition and its booking questions.
    definition = ok(api.get(f"{API}/appointment-definitions/{definition_id}"))
    assert [(h["day_of_week"], h["available_from"], h["available_until"]) for h in definition["normal_hours"]] == [
        (day, "09:00:00", "17:00:00") for day in WEEK
    ]
    assert definition["special_hours"] == []
    assert [row["location_id"] for row in definition["locations"]] == [location_id]
    assert definition["staff"] == []
    assert definition["has_booking_questionnaire"] is False
    assert definition["booking_questionnaire"] is None
    assert ok(api.get(f"{API}/appointment-definitions/{definition_id}/questions")) == {
        "questionnaire": None, "questions": []
    }  # fmt: skip

    # 3. Fetch availability for the location and date (and a week for a calendar view).
    response = api.post(f"{API}/appointment-definitions/{definition_id}/available-slots",
                        {"location_id": location_id, "date": "2026-05-11"}, format="json")  # fmt: skip
    day = ok(response)
    assert (day["date"], day["timezone"], day["appointment_definition_id"], day["location_id"], day["staff"]) == (
        "2026-05-11", TZ, definition_id, location_id, None)  # fmt: skip
    assert [slot["time"] for slot in day["slots"]] == [f"{h:02d}:{m:02d}" for h in range(9, 17) for m in (0, 30)]
    ten = day["slots"][2]
    assert ten == {"time": "10:00", "label": "10:00 AM", "start_at": "2026-05-11T00:00:00Z",
                   "end_at": "2026-05-11T00:30:00Z", "local_start_at": "2026-05-11 10:00:00", "duration_minutes": 30,
                   "capacity_remaining": 1}  # fmt: skip
    meta = response.json()["meta"]
    assert meta["duration_minutes"] == meta["slot_interval_minutes"] == 30
    week = api.post(f"{API}/appointment-definitions/{definition_id}/available-slots-range",
                    {"location_id": location_id, "start_date": "2026-05-11", "end_date": "2026-05-17"},
                    format="json")  # fmt: skip
    assert week.status_code == 200
    assert week.json()["meta"]["total"] == 7 * 16
    assert week.json()["data"][0]["start_at"] == "2026-05-10T23:00:00Z"

    # 4. Create the appointment: instant -> confirmed now; approval_required -> requested.
    booking = {
        "appointment_definition_id": definition_id,
        "profile_id": profile_id,
        "location_id": location_id,
        "scheduled_start_at": "2026-05-11 10:00:00",
        "scheduled_end_at": "2026-05-11 10:30:00",
        "timezone": TZ,
    }
    fitting = created(api.post(f"{API}/appointments", booking, format="json"))
    assert (fitting["status"], fitting["confirmed_at"]) == ("confirmed", "2026-05-08T00:00:00Z")
    assert (fitting["scheduled_start_at"], fitting["scheduled_end_at"], fitting["timezone"]) == (
        "2026-05-11T00:00:00Z", "2026-05-11T00:30:00Z", TZ)  # fmt: skip
    assert (fitting["profile_id"], fitting["location_id"], fitting["appointment_definition_id"]) == (
        profile_id, location_id, definition_id)  # fmt: skip

    consult_body = {**booking, "appointment_definition_id": shop["consultation"]["id"],
                    "scheduled_start_at": "2026-05-11 11:00:00", "scheduled_end_at": "2026-05-11 11:30:00"}  # fmt: skip
    consultation = created(api.post(f"{API}/appointments", consult_body, format="json"))
    assert (consultation["status"], consultation["confirmed_at"]) == ("requested", None)
    assert (consultation["scheduled_start_at"], consultation["scheduled_end_at"]) == (
        "2026-05-11T01:00:00Z", "2026-05-11T01:30:00Z")  # fmt: skip

    # The 10:00 slot is gone now.
    again = ok(api.post(f"{API}/appointment-definitions/{definition_id}/available-slots",
                        {"location_id": location_id, "date": "2026-05-11"}, format="json"))  # fmt: skip
    assert "10:00" not in [slot["time"] for slot in again["slots"]]

    # 5. Confirm the requested appointment.
    clock.move_to(datetime(2026, 5, 8, 1, 0, tzinfo=UTC))
    confirmed = ok(api.put(f"{API}/appointments/{consultation['id']}", {"status": "confirmed"}, format="json"))
    assert (confirmed["status"], confirmed["confirmed_at"], confirmed["approved_at"], confirmed["approved_by"]) == (
        "confirmed", "2026-05-08T01:00:00Z", "2026-05-08T01:00:00Z", f"token:{api.token.pk}")  # fmt: skip

    # 6. Reschedule.
    clock.move_to(datetime(2026, 5, 9, 2, 0, tzinfo=UTC))
    moved = ok(api.put(f"{API}/appointments/{fitting['id']}", {
        "scheduled_start_at": "2026-05-11 14:00:00", "scheduled_end_at": "2026-05-11 14:30:00", "timezone": TZ,
    }, format="json"))  # fmt: skip
    assert (moved["scheduled_start_at"], moved["scheduled_end_at"], moved["timezone"], moved["status"]) == (
        "2026-05-11T04:00:00Z", "2026-05-11T04:30:00Z", TZ, "confirmed")  # fmt: skip

    # 7. Cancel.
    cancelled = ok(api.put(f"{API}/appointments/{consultation['id']}", {"status": "cancelled"}, format="json"))
    assert (cancelled["status"], cancelled["cancelled_at"], cancelled["cancelled_by"]) == (
        "cancelled", "2026-05-09T02:00:00Z", f"token:{api.token.pk}")  # fmt: skip

    # 8. Complete and attach the sale.
    clock.move_to(datetime(2026, 5, 11, 4, 35, tzinfo=UTC))
    completed = ok(api.put(f"{API}/appointments/{fitting['id']}",
                           {"status": "completed", "transaction": {"receipt_ref": "R-88123"}}, format="json"))  # fmt: skip
    assert (completed["status"], completed["completed_at"]) == ("completed", "2026-05-11T04:35:00Z")
    assert completed["transaction"] == {"id": None, "external_id": None, "receipt_ref": "R-88123"}
    assert completed["confirmed_at"] == "2026-05-08T00:00:00Z"

    # 9. List the customer's appointments.
    mine = api.get(f"{API}/appointments?filter[profile_id]={profile_id}")
    assert mine.status_code == 200
    assert [(row["id"], row["status"], row["scheduled_start_at"]) for row in mine.json()["data"]] == [
        (consultation["id"], "cancelled", "2026-05-11T01:00:00Z"),
        (fitting["id"], "completed", "2026-05-11T04:00:00Z"),
    ]
    assert mine.json()["meta"]["total"] == 2
    by_profile = api.get(f"{API}/profiles/{profile_id}/appointments?filter[status]=completed")
    assert [row["id"] for row in by_profile.json()["data"]] == [fitting["id"]]
    assert by_profile.json()["data"][0] == completed

    # The audit trail tells the whole story.
    events = ok(api.get(f"{API}/appointments/{fitting['id']}/events"))
    assert [(e["kind"], e["from_status"], e["to_status"], e["at"]) for e in events] == [
        ("created", None, "confirmed", "2026-05-08T00:00:00Z"),
        ("rescheduled", "confirmed", "confirmed", "2026-05-09T02:00:00Z"),
        ("status", "confirmed", "completed", "2026-05-11T04:35:00Z"),
    ]


def test_documented_flow_with_a_staff_picker(api, shop, clock):
    """Step 3's variant: a definition requiring staff fills a staff picker first and passes staff_id on."""
    location_id = shop["location"]["id"]
    sam = created(api.post(f"{API}/profiles", {"first_name": "Sam", "last_name": "Tailor",
                                               "email": "sam@example.com"}, format="json"))  # fmt: skip
    created(api.post(f"{API}/locations/{location_id}/profiles", {"profile_id": sam["id"], "assignment_type": "staff"},
                     format="json"))  # fmt: skip
    tailoring = created(api.post(f"{API}/appointment-definitions", definition_body(
        "tailoring", "Tailoring", location_id, requires_staff=True, customer_must_select_staff=True), format="json"))  # fmt: skip
    base = f"{API}/appointment-definitions/{tailoring['id']}"

    picker = api.post(f"{base}/available-staff", {"location_id": location_id, "date": "2026-05-11"}, format="json")
    assert [(row["id"], row["has_available_slots"]) for row in ok(picker)] == [(sam["id"], True)]
    day = ok(api.post(f"{base}/available-slots", {"location_id": location_id, "date": "2026-05-11",
                                                  "staff_id": sam["id"]}, format="json"))  # fmt: skip
    assert day["staff"] == {"id": sam["id"], "first_name": "Sam", "last_name": "Tailor", "email": "sam@example.com"}
    assert day["slots"][2]["start_at"] == "2026-05-11T00:00:00Z"

    booking = {"appointment_definition_id": tailoring["id"], "profile_id": shop["customer"]["id"],
               "location_id": location_id, "scheduled_start_at": "2026-05-11 10:00:00",
               "scheduled_end_at": "2026-05-11 10:30:00", "timezone": TZ}  # fmt: skip
    without = api.post(f"{API}/appointments", booking, format="json")
    assert without.status_code == 422
    assert list(without.json()["errors"]) == ["assigned_staff_id"]

    appointment = created(api.post(f"{API}/appointments", {**booking, "assigned_staff_id": sam["id"]}, format="json"))
    assert (appointment["assigned_staff_id"], appointment["scheduled_start_at"]) == (sam["id"], "2026-05-11T00:00:00Z")
    assert appointment["assigned_staff"] == {"id": sam["id"], "first_name": "Sam", "last_name": "Tailor",
                                             "email": "sam@example.com"}  # fmt: skip
