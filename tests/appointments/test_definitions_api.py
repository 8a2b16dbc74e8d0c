"""Appointment definitions over the API: CRUD, validation, filters, customer access, nested endpoints,
the visibility list and the (empty) questions endpoint (API.md "Definitions and availability")."""

from __future__ import annotations

from datetime import time

import pytest

from appointments.models import AppointmentDefinition, DefinitionLocation, DefinitionStaff
from tests.factories import (
    AppointmentFactory,
    DefinitionFactory,
    DefinitionLocationFactory,
    DefinitionNormalHourFactory,
    DefinitionSpecialHourFactory,
    DefinitionStaffFactory,
    LocationFactory,
    ProfileFactory,
)
from tests.notifications.factories import TargetFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v3/appointment-definitions"

NOTIFICATION_FIELDS = {
    name
    for event in ("created", "confirmed", "cancelled", "rejected", "completed", "reminder", "waitlist_offer")
    for name in (f"{event}_target_id", f"notify_{event}_offset_days", f"notify_{event}_offset_hours")
}
DEFINITION_FIELDS = {
    "id", "handle", "name", "description", "short_description", "long_description", "icon", "image_url",
    "terms_conditions", "internal_notes", "visibility_condition", "queue_code", "is_published", "is_archived",
    "duration_minutes", "buffer_before_minutes", "buffer_after_minutes", "min_lead_minutes", "max_advance_days",
    "slot_interval_minutes", "booking_type", "allow_customer_booking", "allow_walk_in", "requires_staff",
    "customer_must_select_staff", "use_staff_from_location", "max_concurrent_bookings", "allow_waitlist",
    "allow_queue", "meta", *NOTIFICATION_FIELDS, "has_booking_questionnaire", "created_at", "updated_at",
    "customer_cancel_notice_hours", "customer_reschedule_notice_hours",
    "normal_hours", "special_hours", "locations", "staff", "booking_questionnaire",
}  # fmt: skip
NORMAL_HOUR_FIELDS = {
    "id", "appointment_definition_id", "day_of_week", "available_from", "available_until", "is_closed",
    "created_at", "updated_at",
}  # fmt: skip
SPECIAL_HOUR_FIELDS = {
    "id", "appointment_definition_id", "name", "start_at", "end_at", "is_repeating", "available_from",
    "available_until", "is_closed", "created_at", "updated_at",
}  # fmt: skip
LOCATION_ROW_FIELDS = {"id", "appointment_definition_id", "location_id", "is_active", "location", "created_at",
                       "updated_at"}  # fmt: skip
STAFF_ROW_FIELDS = {"id", "appointment_definition_id", "staff_id", "is_active", "sort_order", "staff", "created_at",
                    "updated_at"}  # fmt: skip

MINIMAL = {"handle": "haircut", "name": "Haircut", "duration_minutes": 30, "booking_type": "instant"}


def ids(response) -> list[int]:
    return [row["id"] for row in response.json()["data"]]


def error_keys(response) -> set[str]:
    return set(response.json()["errors"])


# Create and read -------------------------------------------------------------------------------------------


def test_create_requires_handle_name_duration_and_booking_type(api):
    response = api.post(BASE, {}, format="json")

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert set(body["errors"]) == {"handle", "name", "duration_minutes", "booking_type"}
    assert AppointmentDefinition.objects.count() == 0


@pytest.mark.parametrize("missing", ["handle", "name", "duration_minutes", "booking_type"])
def test_create_missing_one_required_field_names_only_that_field(api, missing):
    body = {key: value for key, value in MINIMAL.items() if key != missing}

    response = api.post(BASE, body, format="json")

    assert response.status_code == 422
    assert error_keys(response) == {missing}


def test_create_minimal_every_field_present_and_null_when_empty(api):
    response = api.post(BASE, MINIMAL, format="json")

    assert response.status_code == 201
    data = response.json()["data"]
    assert set(data) == DEFINITION_FIELDS
    assert data["handle"] == "haircut"
    assert data["name"] == "Haircut"
    assert data["duration_minutes"] == 30
    assert data["booking_type"] == "instant"
    for name in ("description", "short_description", "long_description", "icon", "image_url", "terms_conditions",
                 "internal_notes", "visibility_condition", "queue_code", "max_advance_days", "slot_interval_minutes",
                 "max_concurrent_bookings", "meta", "booking_questionnaire", *NOTIFICATION_FIELDS):  # fmt: skip
        assert data[name] is None, name
    assert data["has_booking_questionnaire"] is False
    assert data["is_published"] is False
    assert data["is_archived"] is False
    assert (data["buffer_before_minutes"], data["buffer_after_minutes"], data["min_lead_minutes"]) == (0, 0, 0)
    assert data["allow_customer_booking"] is True
    assert data["use_staff_from_location"] is True
    assert (data["allow_walk_in"], data["requires_staff"], data["customer_must_select_staff"]) == (False,) * 3
    assert (data["allow_waitlist"], data["allow_queue"]) == (False, False)
    assert (data["normal_hours"], data["special_hours"], data["locations"], data["staff"]) == ([], [], [], [])
    assert data["created_at"].endswith("Z")
    assert data["updated_at"].endswith("Z")


def test_create_with_inline_hours_locations_and_staff(api):
    first, second = LocationFactory(), LocationFactory(name="Carlton", handle="carlton")
    alice = ProfileFactory(first_name="Alice", last_name="Ng", email="alice@example.com", mobile_phone="+61411")
    bob = ProfileFactory(first_name="Bob", last_name="", email="bob@example.com", mobile_phone="")
    target = TargetFactory()
    body = {
        **MINIMAL,
        "description": "A cut",
        "is_published": True,
        "requires_staff": True,
        "use_staff_from_location": False,
        "customer_must_select_staff": True,
        "visibility_condition": {"==": [{"var": "attributes.tier"}, "gold"]},
        "meta": {"colour": "red"},
        "reminder_target_id": target.pk,
        "notify_reminder_offset_hours": 24,
        "normal_hours": [
            {"day_of_week": "MON", "available_from": "09:00", "available_until": "12:00"},
            {"day_of_week": "MON", "available_from": "13:00", "available_until": "17:00"},
        ],
        "special_hours": [
            {"name": "Christmas", "start_at": "2025-12-25", "end_at": "2025-12-25", "is_repeating": True},
            {
                "name": "Late night",
                "start_at": "2025-12-20",
                "end_at": "2025-12-21",
                "available_from": "18:00",
                "available_until": "21:00",
            },
        ],  # fmt: skip
        "location_ids": [second.pk, first.pk],
        "staff_ids": [str(bob.pk), str(alice.pk)],
    }

    response = api.post(BASE, body, format="json")

    assert response.status_code == 201, response.json()
    data = response.json()["data"]
    definition_id = data["id"]
    assert set(data) == DEFINITION_FIELDS
    assert data["description"] == "A cut"
    assert data["visibility_condition"] == {"==": [{"var": "attributes.tier"}, "gold"]}
    assert data["meta"] == {"colour": "red"}
    assert data["reminder_target_id"] == target.pk
    assert data["notify_reminder_offset_hours"] == 24
    assert data["notify_reminder_offset_days"] is None
    assert data["has_booking_questionnaire"] is False
    assert data["booking_questionnaire"] is None

    assert [set(row) for row in data["normal_hours"]] == [NORMAL_HOUR_FIELDS] * 2
    assert [
        (row["appointment_definition_id"], row["day_of_week"], row["available_from"], row["available_until"],
         row["is_closed"])
        for row in data["normal_hours"]
    ] == [
        (definition_id, "MON", "09:00:00", "12:00:00", False),
        (definition_id, "MON", "13:00:00", "17:00:00", False),
    ]  # fmt: skip
    assert [set(row) for row in data["special_hours"]] == [SPECIAL_HOUR_FIELDS] * 2
    assert [
        (row["name"], row["start_at"], row["end_at"], row["is_repeating"], row["available_from"],
         row["available_until"], row["is_closed"])
        for row in data["special_hours"]
    ] == [
        ("Late night", "2025-12-20", "2025-12-21", False, "18:00:00", "21:00:00", False),
        ("Christmas", "2025-12-25", "2025-12-25", True, None, None, True),
    ]  # fmt: skip

    assert [set(row) for row in data["locations"]] == [LOCATION_ROW_FIELDS] * 2
    assert sorted(
        (row["appointment_definition_id"], row["location_id"], row["is_active"], row["location"])
        for row in data["locations"]
    ) == sorted([
        (definition_id, first.pk, True, {"id": first.pk, "name": first.name, "handle": first.handle}),
        (definition_id, second.pk, True, {"id": second.pk, "name": "Carlton", "handle": "carlton"}),
    ])  # fmt: skip

    assert [set(row) for row in data["staff"]] == [STAFF_ROW_FIELDS] * 2
    # The staff list keeps the order it was given in.
    assert [(row["staff_id"], row["sort_order"], row["is_active"], row["staff"]) for row in data["staff"]] == [
        (str(bob.pk), 0, True,
         {"id": str(bob.pk), "first_name": "Bob", "last_name": None, "email": "bob@example.com", "mobile_phone": None}),
        (str(alice.pk), 1, True,
         {"id": str(alice.pk), "first_name": "Alice", "last_name": "Ng", "email": "alice@example.com",
          "mobile_phone": "+61411"}),
    ]  # fmt: skip

    # A GET answers with exactly what the create returned.
    read = api.get(f"{BASE}/{definition_id}")
    assert read.status_code == 200
    assert read.json() == {"data": data}


def test_create_with_an_unknown_booking_questionnaire_is_422(api):
    response = api.post(BASE, {**MINIMAL, "booking_questionnaire": {"id": 1}}, format="json")

    assert response.status_code == 422
    assert response.json()["errors"] == {"booking_questionnaire": ["The questionnaire does not exist."]}


def test_create_with_invalid_inline_hour_rolls_everything_back(api):
    body = {**MINIMAL, "normal_hours": [{"day_of_week": "MON", "available_from": "12:00", "available_until": "09:00"}]}

    response = api.post(BASE, body, format="json")

    assert response.status_code == 422
    assert error_keys(response) == {"normal_hours.0.available_until"}
    assert AppointmentDefinition.objects.count() == 0


def test_create_with_unknown_location_id_is_422(api):
    response = api.post(BASE, {**MINIMAL, "location_ids": [987654]}, format="json")

    assert response.status_code == 422
    assert error_keys(response) == {"location_ids"}


# Update and delete -----------------------------------------------------------------------------------------


def test_put_is_partial(api):
    created = api.post(BASE, {**MINIMAL, "description": "Before", "buffer_after_minutes": 10}, format="json")
    before = created.json()["data"]

    response = api.put(f"{BASE}/{before['id']}", {"name": "Renamed"}, format="json")

    assert response.status_code == 200
    after = response.json()["data"]
    assert after["name"] == "Renamed"
    unchanged = {key: value for key, value in before.items() if key not in {"name", "updated_at"}}
    assert {key: after[key] for key in unchanged} == unchanged
    assert AppointmentDefinition.objects.get(pk=before["id"]).name == "Renamed"


def test_put_with_nested_lists_is_422(api):
    definition = DefinitionFactory()

    response = api.put(f"{BASE}/{definition.pk}", {"normal_hours": []}, format="json")

    assert response.status_code == 422
    assert error_keys(response) == {"normal_hours"}


def test_delete_then_get_is_404(api):
    definition = DefinitionFactory()
    DefinitionNormalHourFactory(definition=definition)

    response = api.delete(f"{BASE}/{definition.pk}")

    assert response.status_code == 204
    missing = api.get(f"{BASE}/{definition.pk}")
    assert missing.status_code == 404
    assert missing.json() == {"message": "Not found.", "code": "not_found", "errors": {}}
    assert not AppointmentDefinition.objects.filter(pk=definition.pk).exists()


def test_delete_of_a_booked_definition_is_409_and_keeps_it(api):
    definition = DefinitionFactory()
    AppointmentFactory(definition=definition)

    response = api.delete(f"{BASE}/{definition.pk}")

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "definition_in_use"
    assert body["errors"] == {}
    assert api.get(f"{BASE}/{definition.pk}").status_code == 200
    assert AppointmentDefinition.objects.filter(pk=definition.pk).exists()


def test_archive_through_put(api):
    definition = DefinitionFactory()
    AppointmentFactory(definition=definition)

    response = api.put(f"{BASE}/{definition.pk}", {"is_archived": True}, format="json")

    assert response.status_code == 200
    assert response.json()["data"]["is_archived"] is True
    definition.refresh_from_db()
    assert definition.is_archived is True
    assert ids(api.get(BASE, {"filter[is_archived]": "1"})) == [definition.pk]


# Validation ------------------------------------------------------------------------------------------------


def test_walk_in_only_needs_walk_ins_and_no_customer_booking(api):
    response = api.post(BASE, {**MINIMAL, "booking_type": "walk_in_only"}, format="json")

    assert response.status_code == 422
    assert error_keys(response) == {"allow_walk_in", "allow_customer_booking"}


def test_walk_in_only_with_customer_booking_still_allowed_is_422_on_that_field(api):
    body = {**MINIMAL, "booking_type": "walk_in_only", "allow_walk_in": True}

    response = api.post(BASE, body, format="json")

    assert response.status_code == 422
    assert error_keys(response) == {"allow_customer_booking"}


def test_walk_in_only_valid(api):
    body = {**MINIMAL, "booking_type": "walk_in_only", "allow_walk_in": True, "allow_customer_booking": False}

    response = api.post(BASE, body, format="json")

    assert response.status_code == 201
    assert response.json()["data"]["booking_type"] == "walk_in_only"


def test_walk_in_only_rule_is_checked_on_update(api):
    definition = DefinitionFactory()

    response = api.put(f"{BASE}/{definition.pk}", {"booking_type": "walk_in_only"}, format="json")

    assert response.status_code == 422
    assert error_keys(response) == {"allow_walk_in", "allow_customer_booking"}
    definition.refresh_from_db()
    assert definition.booking_type == "instant"


def test_customer_must_select_staff_needs_requires_staff(api):
    response = api.post(BASE, {**MINIMAL, "customer_must_select_staff": True}, format="json")

    assert response.status_code == 422
    assert error_keys(response) == {"customer_must_select_staff"}


def test_customer_must_select_staff_with_requires_staff_is_valid(api):
    body = {**MINIMAL, "customer_must_select_staff": True, "requires_staff": True}

    response = api.post(BASE, body, format="json")

    assert response.status_code == 201


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("duration_minutes", 0),
        ("buffer_before_minutes", -1),
        ("buffer_after_minutes", -1),
        ("min_lead_minutes", -1),
        ("slot_interval_minutes", 0),
        ("max_advance_days", 0),
        ("max_concurrent_bookings", 0),
    ],
)
def test_bounds(api, field, value):
    response = api.post(BASE, {**MINIMAL, field: value}, format="json")

    assert response.status_code == 422
    assert error_keys(response) == {field}
    assert AppointmentDefinition.objects.count() == 0


@pytest.mark.parametrize(("field", "value"), [("duration_minutes", 0), ("slot_interval_minutes", 0)])
def test_bounds_on_update(api, field, value):
    definition = DefinitionFactory()

    response = api.put(f"{BASE}/{definition.pk}", {field: value}, format="json")

    assert response.status_code == 422
    assert error_keys(response) == {field}


@pytest.mark.parametrize("field", ["slot_interval_minutes", "max_advance_days", "max_concurrent_bookings"])
def test_optional_limits_accept_null_and_one(api, field):
    assert api.post(BASE, {**MINIMAL, "handle": "a", field: None}, format="json").status_code == 201
    assert api.post(BASE, {**MINIMAL, "handle": "b", field: 1}, format="json").status_code == 201


def test_handle_is_unique(api):
    DefinitionFactory(handle="haircut")

    response = api.post(BASE, MINIMAL, format="json")

    assert response.status_code == 422
    assert error_keys(response) == {"handle"}


def test_handle_is_unique_on_update(api):
    DefinitionFactory(handle="haircut")
    other = DefinitionFactory(handle="colour")

    response = api.put(f"{BASE}/{other.pk}", {"handle": "haircut"}, format="json")

    assert response.status_code == 422
    assert error_keys(response) == {"handle"}


def test_own_staff_list_required_when_not_using_location_staff(api):
    body = {**MINIMAL, "requires_staff": True, "use_staff_from_location": False}

    response = api.post(BASE, body, format="json")

    assert response.status_code == 422
    assert error_keys(response) == {"staff_ids"}
    assert AppointmentDefinition.objects.count() == 0

    with_staff = api.post(BASE, {**body, "staff_ids": [str(ProfileFactory().pk)]}, format="json")
    assert with_staff.status_code == 201


def test_own_staff_list_rule_checked_on_update(api):
    definition = DefinitionFactory(requires_staff=True)

    response = api.put(f"{BASE}/{definition.pk}", {"use_staff_from_location": False}, format="json")

    assert response.status_code == 422
    assert error_keys(response) == {"staff_ids"}
    definition.refresh_from_db()
    assert definition.use_staff_from_location is True


# Filters and sorting ---------------------------------------------------------------------------------------


@pytest.fixture
def catalogue():
    downtown, uptown = LocationFactory(), LocationFactory()
    cut = DefinitionFactory(handle="cut", name="Cut", is_published=True, booking_type="instant")
    colour = DefinitionFactory(handle="colour", name="Colour", is_published=False, booking_type="approval_required")
    old = DefinitionFactory(handle="old", name="Old", is_published=True, is_archived=True)
    walk = DefinitionFactory(handle="walk", name="Walk", booking_type="walk_in_only", allow_walk_in=True,
                             allow_customer_booking=False)  # fmt: skip
    DefinitionLocationFactory(definition=cut, location=downtown)
    DefinitionLocationFactory(definition=cut, location=uptown)
    DefinitionLocationFactory(definition=colour, location=uptown)
    return {"cut": cut, "colour": colour, "old": old, "walk": walk, "downtown": downtown, "uptown": uptown}


def test_list_envelope(api, catalogue):
    response = api.get(BASE)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"data", "links", "meta"}
    assert set(body["meta"]) == {"current_page", "from", "last_page", "path", "per_page", "to", "total"}
    assert body["meta"]["total"] == 4
    assert ids(response) == [catalogue[name].pk for name in ("cut", "colour", "old", "walk")]
    assert all(set(row) == DEFINITION_FIELDS for row in body["data"])


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"filter[is_published]": "1"}, ["cut", "old", "walk"]),
        ({"filter[is_published]": "false"}, ["colour"]),
        ({"filter[is_archived]": "true"}, ["old"]),
        ({"filter[is_archived]": "0"}, ["cut", "colour", "walk"]),
        ({"filter[handle]": "colour"}, ["colour"]),
        ({"filter[booking_type]": "walk_in_only"}, ["walk"]),
        ({"filter[booking_type]": "approval_required"}, ["colour"]),
        ({"filter[booking_type][in]": "approval_required,walk_in_only"}, ["colour", "walk"]),
        ({"filter[search]": "col"}, ["colour"]),
    ],
)
def test_filters(api, catalogue, params, expected):
    response = api.get(BASE, params)

    assert response.status_code == 200
    assert ids(response) == [catalogue[name].pk for name in expected]


def test_filter_on_location_lists_each_definition_once(api, catalogue):
    uptown = api.get(BASE, {"filter[location_id]": catalogue["uptown"].pk})
    downtown = api.get(BASE, {"filter[location_id]": catalogue["downtown"].pk})
    both = api.get(BASE, {"filter[location_id][in]": f"{catalogue['uptown'].pk},{catalogue['downtown'].pk}"})

    assert ids(uptown) == [catalogue["cut"].pk, catalogue["colour"].pk]
    assert ids(downtown) == [catalogue["cut"].pk]
    assert ids(both) == [catalogue["cut"].pk, catalogue["colour"].pk]
    assert both.json()["meta"]["total"] == 2


def test_filter_on_handle_matches_exactly_one(api, catalogue):
    DefinitionFactory(handle="cut-long")

    response = api.get(BASE, {"filter[handle]": "cut"})

    assert ids(response) == [catalogue["cut"].pk]
    assert response.json()["meta"]["total"] == 1


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("handle", ["colour", "cut", "old", "walk"]),
        ("-handle", ["walk", "old", "cut", "colour"]),
        ("name", ["colour", "cut", "old", "walk"]),
        ("-id", ["walk", "old", "colour", "cut"]),
    ],
)
def test_sort(api, catalogue, sort, expected):
    response = api.get(BASE, {"sort": sort})

    assert response.status_code == 200
    assert ids(response) == [catalogue[name].pk for name in expected]


def test_sort_ties_break_on_id(api):
    first = DefinitionFactory(duration_minutes=30)
    second = DefinitionFactory(duration_minutes=30)
    short = DefinitionFactory(duration_minutes=15)

    assert ids(api.get(BASE, {"sort": "-duration_minutes"})) == [first.pk, second.pk, short.pk]


def test_unknown_filter_and_sort_are_422(api, catalogue):
    bad_filter = api.get(BASE, {"filter[colour]": "red"})
    bad_sort = api.get(BASE, {"sort": "colour"})

    assert bad_filter.status_code == 422
    assert error_keys(bad_filter) == {"filter"}
    assert bad_sort.status_code == 422
    assert error_keys(bad_sort) == {"sort"}


# Customer tokens -------------------------------------------------------------------------------------------


def test_customer_lists_only_published_non_archived(customer, catalogue):
    response = customer.get(BASE)

    assert response.status_code == 200
    assert ids(response) == [catalogue["cut"].pk, catalogue["walk"].pk]
    assert response.json()["meta"]["total"] == 2


@pytest.mark.parametrize("name", ["colour", "old"])
def test_customer_gets_404_for_unpublished_or_archived(customer, catalogue, name):
    definition = catalogue[name]

    assert customer.get(f"{BASE}/{definition.pk}").status_code == 404
    assert customer.get(f"{BASE}/{definition.pk}/normal-hours").status_code == 404
    assert customer.get(f"{BASE}/{definition.pk}/questions").status_code == 404


def test_customer_reads_a_published_definition_and_its_children(customer, catalogue):
    cut = catalogue["cut"]
    DefinitionNormalHourFactory(definition=cut)

    assert customer.get(f"{BASE}/{cut.pk}").json()["data"]["id"] == cut.pk
    assert len(customer.get(f"{BASE}/{cut.pk}/normal-hours").json()["data"]) == 1
    assert len(customer.get(f"{BASE}/{cut.pk}/locations").json()["data"]) == 2


def test_customer_cannot_write(customer, catalogue):
    cut = catalogue["cut"]

    create = customer.post(BASE, {**MINIMAL, "handle": "mine"}, format="json")
    update = customer.put(f"{BASE}/{cut.pk}", {"name": "Mine"}, format="json")
    delete = customer.delete(f"{BASE}/{cut.pk}")
    hour = customer.post(f"{BASE}/{cut.pk}/normal-hours",
                         {"day_of_week": "MON", "available_from": "09:00", "available_until": "10:00"},
                         format="json")  # fmt: skip

    assert [create.status_code, update.status_code, delete.status_code, hour.status_code] == [403, 403, 403, 403]
    assert create.json()["code"] == "forbidden"
    cut.refresh_from_db()
    assert cut.name == "Cut"
    assert not AppointmentDefinition.objects.filter(handle="mine").exists()


def test_read_scope_cannot_write(make_integration_client, catalogue):
    reader = make_integration_client(scopes=["appointments:read"])

    assert reader.get(BASE).status_code == 200
    assert reader.post(BASE, MINIMAL, format="json").status_code == 403
    assert reader.delete(f"{BASE}/{catalogue['cut'].pk}").status_code == 403


def test_anonymous_is_401(anon_client):
    response = anon_client.get(BASE)

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


# Nested hours ----------------------------------------------------------------------------------------------


def test_normal_hours_crud(api):
    definition = DefinitionFactory()
    url = f"{BASE}/{definition.pk}/normal-hours"

    assert api.get(url).json() == {"data": []}

    created = api.post(url, {"day_of_week": "TUE", "available_from": "10:00", "available_until": "14:00"},
                       format="json")  # fmt: skip
    assert created.status_code == 201
    row = created.json()["data"]
    assert set(row) == NORMAL_HOUR_FIELDS
    assert (row["appointment_definition_id"], row["day_of_week"], row["available_from"], row["available_until"],
            row["is_closed"]) == (definition.pk, "TUE", "10:00:00", "14:00:00", False)  # fmt: skip

    listed = api.get(url)
    assert listed.json() == {"data": [row]}

    one = api.get(f"{url}/{row['id']}")
    assert one.status_code == 200
    assert one.json() == {"data": row}

    updated = api.put(f"{url}/{row['id']}", {"available_until": "15:30"}, format="json")
    assert updated.status_code == 200
    assert updated.json()["data"]["available_until"] == "15:30:00"
    assert updated.json()["data"]["available_from"] == "10:00:00"
    assert updated.json()["data"]["day_of_week"] == "TUE"

    inverted = api.put(f"{url}/{row['id']}", {"available_from": "16:00"}, format="json")
    assert inverted.status_code == 422
    assert error_keys(inverted) == {"available_until"}

    assert api.delete(f"{url}/{row['id']}").status_code == 204
    assert api.get(f"{url}/{row['id']}").status_code == 404
    assert api.get(url).json() == {"data": []}


def test_special_hours_crud(api):
    definition = DefinitionFactory()
    url = f"{BASE}/{definition.pk}/special-hours"

    assert api.get(url).json() == {"data": []}

    closed = api.post(url, {"name": "Holiday", "start_at": "2025-12-25", "end_at": "2025-12-26", "is_repeating": True},
                      format="json")  # fmt: skip
    assert closed.status_code == 201
    closed_row = closed.json()["data"]
    assert set(closed_row) == SPECIAL_HOUR_FIELDS
    assert {key: closed_row[key] for key in SPECIAL_HOUR_FIELDS - {"id", "created_at", "updated_at"}} == {
        "appointment_definition_id": definition.pk, "name": "Holiday", "start_at": "2025-12-25",
        "end_at": "2025-12-26", "is_repeating": True, "available_from": None, "available_until": None,
        "is_closed": True,
    }  # fmt: skip

    late = api.post(url, {"name": "Late", "start_at": "2025-12-01 00:00:00", "end_at": "2025-12-01",
                          "available_from": "18:00", "available_until": "21:00"}, format="json")  # fmt: skip
    assert late.status_code == 201
    late_row = late.json()["data"]
    assert (late_row["start_at"], late_row["available_from"], late_row["is_closed"]) == ("2025-12-01", "18:00:00",
                                                                                          False)  # fmt: skip

    # Ordered by start date, not paginated.
    assert api.get(url).json() == {"data": [late_row, closed_row]}
    assert api.get(f"{url}/{closed_row['id']}").json() == {"data": closed_row}

    opened = api.put(f"{url}/{closed_row['id']}", {"available_from": "10:00", "available_until": "12:00"},
                     format="json")  # fmt: skip
    assert opened.status_code == 200
    assert (opened.json()["data"]["is_closed"], opened.json()["data"]["name"]) == (False, "Holiday")

    reclosed = api.put(f"{url}/{closed_row['id']}", {"is_closed": True}, format="json")
    assert reclosed.status_code == 200
    assert (reclosed.json()["data"]["available_from"], reclosed.json()["data"]["is_closed"]) == (None, True)

    backwards = api.put(f"{url}/{closed_row['id']}", {"end_at": "2025-12-01"}, format="json")
    assert backwards.status_code == 422
    assert error_keys(backwards) == {"end_at"}

    assert api.delete(f"{url}/{closed_row['id']}").status_code == 204
    assert api.get(f"{url}/{closed_row['id']}").status_code == 404
    assert api.get(url).json() == {"data": [late_row]}


def test_special_hour_with_one_time_only_is_422(api):
    definition = DefinitionFactory()

    response = api.post(f"{BASE}/{definition.pk}/special-hours",
                        {"name": "Odd", "start_at": "2025-12-01", "end_at": "2025-12-01", "available_from": "10:00"},
                        format="json")  # fmt: skip

    assert response.status_code == 422
    assert error_keys(response) == {"available_until"}


def test_hours_of_another_definition_are_404(api):
    mine, other = DefinitionFactory(), DefinitionFactory()
    hour = DefinitionNormalHourFactory(definition=other)
    special = DefinitionSpecialHourFactory(definition=other)

    assert api.get(f"{BASE}/{mine.pk}/normal-hours/{hour.pk}").status_code == 404
    assert api.delete(f"{BASE}/{mine.pk}/normal-hours/{hour.pk}").status_code == 404
    assert api.get(f"{BASE}/{mine.pk}/special-hours/{special.pk}").status_code == 404
    assert api.get(f"{BASE}/987654/normal-hours").status_code == 404


# Nested locations ------------------------------------------------------------------------------------------


def test_locations_crud_get_and_delete_by_row_id_put_by_location_id(api):
    unlinked = [LocationFactory() for _ in range(3)]
    location = LocationFactory(name="Fitzroy", handle="fitzroy")
    other_definition = DefinitionFactory()
    DefinitionLocationFactory(definition=other_definition, location=unlinked[0])
    definition = DefinitionFactory()
    url = f"{BASE}/{definition.pk}/locations"

    assert api.get(url).json() == {"data": []}

    created = api.post(url, {"location_id": location.pk, "is_active": True}, format="json")
    assert created.status_code == 201
    row = created.json()["data"]
    row_id = row["id"]
    assert row_id != location.pk
    assert not DefinitionLocation.objects.filter(definition=definition, location_id=row_id).exists()
    assert set(row) == LOCATION_ROW_FIELDS
    assert {key: row[key] for key in LOCATION_ROW_FIELDS - {"created_at", "updated_at"}} == {
        "id": row_id,
        "appointment_definition_id": definition.pk,
        "location_id": location.pk,
        "is_active": True,
        "location": {"id": location.pk, "name": "Fitzroy", "handle": "fitzroy"},
    }

    assert api.get(url).json() == {"data": [row]}
    assert api.get(f"{url}/{row_id}").json() == {"data": row}
    assert api.get(f"{url}/{location.pk}").status_code == 404

    # PUT addresses the link by its location id (Omneo), not by the row id.
    assert api.put(f"{url}/{row_id}", {"is_active": False}, format="json").status_code == 404
    updated = api.put(f"{url}/{location.pk}", {"is_active": False}, format="json")
    assert updated.status_code == 200
    assert updated.json()["data"]["id"] == row_id
    assert updated.json()["data"]["is_active"] is False
    assert api.get(f"{url}/{row_id}").json()["data"]["is_active"] is False

    assert api.delete(f"{url}/{location.pk}").status_code == 404
    assert api.delete(f"{url}/{row_id}").status_code == 204
    assert api.get(f"{url}/{row_id}").status_code == 404
    assert api.get(url).json() == {"data": []}
    assert DefinitionLocation.objects.filter(definition=other_definition).count() == 1


def test_location_link_defaults_to_active_and_linking_twice_keeps_one_row(api):
    location = LocationFactory()
    definition = DefinitionFactory()
    url = f"{BASE}/{definition.pk}/locations"

    first = api.post(url, {"location_id": location.pk}, format="json")
    second = api.post(url, {"location_id": location.pk, "is_active": False}, format="json")

    assert first.json()["data"]["is_active"] is True
    assert second.json()["data"]["id"] == first.json()["data"]["id"]
    assert second.json()["data"]["is_active"] is False
    assert DefinitionLocation.objects.filter(definition=definition).count() == 1


def test_location_link_validation(api):
    definition = DefinitionFactory()
    url = f"{BASE}/{definition.pk}/locations"

    unknown = api.post(url, {"location_id": 987654}, format="json")
    missing = api.post(url, {}, format="json")
    link = DefinitionLocationFactory(definition=definition)
    bad_put = api.put(f"{url}/{link.location_id}", {}, format="json")

    assert (unknown.status_code, error_keys(unknown)) == (422, {"location_id"})
    assert (missing.status_code, error_keys(missing)) == (422, {"location_id"})
    assert (bad_put.status_code, error_keys(bad_put)) == (422, {"is_active"})


# Nested staff ----------------------------------------------------------------------------------------------


def test_staff_crud_by_row_id(api):
    definition = DefinitionFactory()
    person = ProfileFactory(first_name="Mia", last_name="Wong", email="mia@example.com", mobile_phone="+61422")
    url = f"{BASE}/{definition.pk}/staff"

    assert api.get(url).json() == {"data": []}

    created = api.post(url, {"staff_id": str(person.pk), "is_active": True, "sort_order": 3}, format="json")
    assert created.status_code == 201
    row = created.json()["data"]
    assert set(row) == STAFF_ROW_FIELDS
    assert {key: row[key] for key in STAFF_ROW_FIELDS - {"id", "created_at", "updated_at"}} == {
        "appointment_definition_id": definition.pk,
        "staff_id": str(person.pk),
        "is_active": True,
        "sort_order": 3,
        "staff": {"id": str(person.pk), "first_name": "Mia", "last_name": "Wong", "email": "mia@example.com",
                  "mobile_phone": "+61422"},
    }  # fmt: skip
    assert isinstance(row["id"], int)

    assert api.get(url).json() == {"data": [row]}
    assert api.get(f"{url}/{row['id']}").json() == {"data": row}

    updated = api.put(f"{url}/{row['id']}", {"sort_order": 7}, format="json")
    assert updated.status_code == 200
    assert (updated.json()["data"]["sort_order"], updated.json()["data"]["is_active"]) == (7, True)
    deactivated = api.put(f"{url}/{row['id']}", {"is_active": False}, format="json")
    assert (deactivated.json()["data"]["sort_order"], deactivated.json()["data"]["is_active"]) == (7, False)

    assert api.delete(f"{url}/{row['id']}").status_code == 204
    assert api.get(f"{url}/{row['id']}").status_code == 404
    assert api.get(url).json() == {"data": []}


def test_staff_rows_are_ordered_by_sort_order(api):
    definition = DefinitionFactory()
    late = DefinitionStaffFactory(definition=definition, sort_order=5)
    early = DefinitionStaffFactory(definition=definition, sort_order=1)

    assert ids(api.get(f"{BASE}/{definition.pk}/staff")) == [early.pk, late.pk]


def test_staff_post_with_unknown_profile_is_422(api):
    definition = DefinitionFactory()

    response = api.post(f"{BASE}/{definition.pk}/staff", {"staff_id": "00000000-0000-0000-0000-000000000000"},
                        format="json")  # fmt: skip

    assert response.status_code == 422
    assert error_keys(response) == {"staff_id"}


def test_removing_the_last_own_staff_member_is_refused(api):
    definition = DefinitionFactory(requires_staff=True, use_staff_from_location=False)
    link = DefinitionStaffFactory(definition=definition)

    response = api.delete(f"{BASE}/{definition.pk}/staff/{link.pk}")

    assert response.status_code == 422
    assert error_keys(response) == {"staff_ids"}
    assert DefinitionStaff.objects.filter(pk=link.pk).exists()


# Visibility ------------------------------------------------------------------------------------------------

GOLD = {"==": [{"var": "attributes.tier"}, "gold"]}


@pytest.fixture
def visibility():
    gold = ProfileFactory(attributes={"tier": "gold"}, email="gold@example.com")
    silver = ProfileFactory(attributes={"tier": "silver"})
    definitions = {
        "gold": DefinitionFactory(visibility_condition=GOLD),
        "by_email": DefinitionFactory(visibility_condition={"==": [{"var": "email"}, "gold@example.com"]}),
        "silver": DefinitionFactory(visibility_condition={"==": [{"var": "attributes.tier"}, "silver"]}),
        "unconditional": DefinitionFactory(visibility_condition=None),
        "unpublished": DefinitionFactory(visibility_condition=GOLD, is_published=False),
        "archived": DefinitionFactory(visibility_condition=GOLD, is_archived=True),
        "broken": DefinitionFactory(visibility_condition={"no_such_operation": [1, 2]}),
    }
    return gold, silver, definitions


def visible_url(profile_id) -> str:
    return f"/api/v3/profiles/{profile_id}/appointment-definitions/visibility"


def test_visibility_lists_definitions_whose_condition_holds(api, visibility):
    gold, silver, definitions = visibility

    for_gold = api.get(visible_url(gold.pk))
    for_silver = api.get(visible_url(silver.pk))

    assert for_gold.status_code == 200
    assert set(for_gold.json()) == {"data"}
    assert ids(for_gold) == [definitions["gold"].pk, definitions["by_email"].pk]
    assert set(for_gold.json()["data"][0]) == DEFINITION_FIELDS
    assert for_silver.status_code == 200
    assert ids(for_silver) == [definitions["silver"].pk]


def test_visibility_for_a_profile_with_no_match_is_empty(api, visibility):
    bronze = ProfileFactory(attributes={})

    response = api.get(visible_url(bronze.pk))

    assert response.status_code == 200
    assert response.json() == {"data": []}


def test_visibility_customer_for_itself_and_me(make_customer_client, visibility):
    gold, silver, definitions = visibility
    client = make_customer_client(gold)
    expected = [definitions["gold"].pk, definitions["by_email"].pk]

    own = client.get(visible_url(gold.pk))
    me = client.get(visible_url("me"))
    other = client.get(visible_url(silver.pk))

    assert (own.status_code, ids(own)) == (200, expected)
    assert (me.status_code, ids(me)) == (200, expected)
    assert other.status_code == 404
    assert other.json()["code"] == "not_found"


def test_visibility_unknown_profile_or_me_without_a_customer_token_is_404(api):
    assert api.get(visible_url("00000000-0000-0000-0000-000000000000")).status_code == 404
    assert api.get(visible_url("me")).status_code == 404


# Questions -------------------------------------------------------------------------------------------------


def test_questions_are_empty_without_a_questionnaire(api, customer):
    definition = DefinitionFactory()

    for client in (api, customer):
        response = client.get(f"{BASE}/{definition.pk}/questions")
        assert response.status_code == 200
        assert response.json() == {"data": {"questionnaire": None, "questions": []}}

    assert api.get(f"{BASE}/987654/questions").status_code == 404


def test_definition_hours_factory_times(api):
    """Factories' hours rows read back as HH:MM:SS through the nested endpoint."""
    definition = DefinitionFactory()
    DefinitionNormalHourFactory(definition=definition, available_from=time(8, 15), available_until=time(9, 45))

    rows = api.get(f"{BASE}/{definition.pk}/normal-hours").json()["data"]

    assert [(row["available_from"], row["available_until"]) for row in rows] == [("08:15:00", "09:45:00")]
