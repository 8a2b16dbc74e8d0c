"""Staff assignments: `/locations/{id}/profiles` (Omneo's location-profiles)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

import pytest

from directory.enums import AssignmentType, RoleType, Scope
from directory.models import StaffAssignment
from tests.factories import LocationFactory, ProfileFactory, StaffAssignmentFactory

ISO_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
ASSIGNMENT_KEYS = {
    "id", "location_id", "location", "profile_id", "profile", "assignment_type", "role_type", "is_default",
    "is_active", "starts_at", "ends_at", "sort_order", "excluded_service_handles", "external_id", "notes", "meta",
    "created_at", "updated_at",
}  # fmt: skip


def url(location, assignment=None) -> str:
    base = f"/api/v3/locations/{location.id}/profiles"
    return base if assignment is None else f"{base}/{assignment.id if hasattr(assignment, 'id') else assignment}"


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["data"]]


def errors_of(response) -> dict:
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "validation_error"
    return response.json()["errors"]


@pytest.mark.django_db
class TestCreate:
    def test_minimal_create_has_every_field_with_nulls(self, api):
        location = LocationFactory(name="CBD", handle="cbd")
        profile = ProfileFactory(first_name="Ava", last_name="Nguyen", email="ava@example.com")

        response = api.post(url(location), {"profile_id": str(profile.id), "assignment_type": "staff"}, format="json")

        assert response.status_code == 201, response.content
        data = response.json()["data"]
        assert set(data) == ASSIGNMENT_KEYS
        row = StaffAssignment.objects.get()
        assert data == {
            "id": row.id,
            "location_id": location.id,
            "location": {"id": location.id, "name": "CBD", "handle": "cbd"},
            "profile_id": str(profile.id),
            "profile": {"id": str(profile.id), "first_name": "Ava", "last_name": "Nguyen", "email": "ava@example.com"},
            "assignment_type": "staff",
            "role_type": None,
            "is_default": False,
            "is_active": True,
            "starts_at": None,
            "ends_at": None,
            "sort_order": 0,
            "excluded_service_handles": [],
            "external_id": None,
            "notes": None,
            "meta": None,
            "created_at": data["created_at"],
            "updated_at": data["updated_at"],
        }
        assert ISO_Z.match(data["created_at"]) and ISO_Z.match(data["updated_at"])
        assert isinstance(data["id"], int) and isinstance(data["location_id"], int)
        assert isinstance(data["profile_id"], str)

    def test_full_create(self, api):
        location = LocationFactory()
        profile = ProfileFactory()
        body = {
            "profile_id": str(profile.id),
            "assignment_type": "manager",
            "role_type": "part_time",
            "is_default": True,
            "is_active": False,
            "starts_at": "2026-05-04T09:00:00+10:00",
            "ends_at": "2026-12-31T23:00:00Z",
            "sort_order": 3,
            "excluded_service_handles": ["piercing", "fitting"],
            "external_id": "hr-42",
            "notes": "Mornings only",
            "meta": {"badge": 7},
        }

        data = api.post(url(location), body, format="json").json()["data"]

        assert {k: data[k] for k in body} == {
            **body,
            "starts_at": "2026-05-03T23:00:00Z",
            "ends_at": "2026-12-31T23:00:00Z",
        }
        row = StaffAssignment.objects.get()
        assert row.starts_at == datetime(2026, 5, 3, 23, tzinfo=UTC)
        assert (row.assignment_type, row.role_type) == (AssignmentType.MANAGER, RoleType.PART_TIME)

    def test_a_profile_id_without_dashes_is_accepted(self, api):
        location = LocationFactory()
        profile = ProfileFactory()

        response = api.post(url(location), {"profile_id": profile.id.hex, "assignment_type": "staff"}, format="json")

        assert response.status_code == 201
        assert response.json()["data"]["profile_id"] == str(profile.id)

    @pytest.mark.parametrize(
        ("body", "keys"),
        [
            ({}, {"profile_id", "assignment_type"}),
            ({"profile_id": str(uuid.UUID(int=1)), "assignment_type": "staff"}, {"profile_id"}),
            ({"profile_id": "not-a-uuid", "assignment_type": "staff"}, {"profile_id"}),
            ({"profile_id": "{profile}", "assignment_type": "boss"}, {"assignment_type"}),
            ({"profile_id": "{profile}", "assignment_type": "staff", "role_type": "intern"}, {"role_type"}),
            ({"profile_id": "{profile}", "assignment_type": "staff", "excluded_service_handles": "x"}, None),
            (
                {
                    "profile_id": "{profile}",
                    "assignment_type": "staff",
                    "starts_at": "2026-05-04T09:00:00Z",
                    "ends_at": "2026-05-04T09:00:00Z",
                },
                {"ends_at"},
            ),
            ({"profile_id": "{profile}", "assignment_type": "staff", "starts_at": "tomorrow"}, {"starts_at"}),
        ],
    )
    def test_validation(self, api, body, keys):
        location = LocationFactory()
        profile = ProfileFactory()
        body = {k: (str(profile.id) if v == "{profile}" else v) for k, v in body.items()}

        errors = errors_of(api.post(url(location), body, format="json"))

        assert set(errors) == (keys or {"excluded_service_handles"})
        assert not StaffAssignment.objects.exists()

    def test_missing_location_is_404(self, api):
        profile = ProfileFactory()

        response = api.post(
            "/api/v3/locations/999999/profiles",
            {"profile_id": str(profile.id), "assignment_type": "staff"},
            format="json",
        )

        assert response.status_code == 404


@pytest.mark.django_db
class TestList:
    def test_lists_only_this_locations_assignments_in_sort_order(self, api):
        location = LocationFactory()
        second = StaffAssignmentFactory(location=location, sort_order=2)
        first = StaffAssignmentFactory(location=location, sort_order=1)
        also_second = StaffAssignmentFactory(location=location, sort_order=2)
        StaffAssignmentFactory()  # elsewhere

        response = api.get(url(location))

        assert set(response.json()) == {"data", "links", "meta"}
        assert ids(response) == [first.id, second.id, also_second.id]
        assert response.json()["meta"]["total"] == 3

    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            ({"filter[assignment_type]": "manager"}, ["manager"]),
            ({"filter[assignment_type][in]": "manager,profile"}, ["manager", "profile"]),
            ({"filter[assignment_type][ne]": "staff"}, ["manager", "profile"]),
            ({"filter[is_active]": "0"}, ["inactive"]),
            ({"filter[is_active]": "false"}, ["inactive"]),
            ({"filter[is_active]": "1"}, ["default", "manager", "profile"]),
            ({"filter[is_active]": "true", "filter[assignment_type]": "staff"}, ["default"]),
            ({"filter[is_default]": "1"}, ["default"]),
            ({"filter[is_default]": "true"}, ["default"]),
            ({"filter[is_default]": "0"}, ["manager", "profile", "inactive"]),
        ],
    )
    def test_filters(self, api, params, expected):
        location = LocationFactory()
        rows = {
            "default": StaffAssignmentFactory(location=location, is_default=True),
            "manager": StaffAssignmentFactory(location=location, assignment_type=AssignmentType.MANAGER),
            "profile": StaffAssignmentFactory(location=location, assignment_type=AssignmentType.PROFILE),
            "inactive": StaffAssignmentFactory(location=location, is_active=False),
        }

        assert ids(api.get(url(location), params)) == [rows[name].id for name in expected]

    def test_filter_by_profile_id(self, api):
        location = LocationFactory()
        mine = StaffAssignmentFactory(location=location)
        StaffAssignmentFactory(location=location)

        assert ids(api.get(url(location), {"filter[profile_id]": str(mine.profile_id)})) == [mine.id]

    @pytest.mark.parametrize(
        ("params", "key"),
        [
            ({"filter[location_id]": "1"}, "filter"),
            ({"filter[is_active]": "maybe"}, "filter[is_active]"),
            ({"filter[profile_id]": "nope"}, "filter[profile_id]"),
            ({"sort": "name"}, "sort"),
        ],
    )
    def test_bad_filters_and_sorts_are_422(self, api, params, key):
        location = LocationFactory()

        assert set(errors_of(api.get(url(location), params))) == {key}

    def test_sort_by_a_declared_field(self, api):
        location = LocationFactory()
        a = StaffAssignmentFactory(location=location, sort_order=1)
        b = StaffAssignmentFactory(location=location, sort_order=2)

        assert ids(api.get(url(location), {"sort": "-sort_order"})) == [b.id, a.id]

    def test_missing_location_is_404(self, api):
        assert api.get("/api/v3/locations/999999/profiles").status_code == 404

    def test_customers_cannot_list_staff(self, customer):
        location = LocationFactory()
        StaffAssignmentFactory(location=location)

        assert customer.get(url(location)).status_code == 403

    def test_locations_read_scope_may_list_but_not_write(self, make_integration_client):
        client = make_integration_client(scopes=[Scope.LOCATIONS_READ])
        location = LocationFactory()
        profile = ProfileFactory()

        assert client.get(url(location)).status_code == 200
        body = {"profile_id": str(profile.id), "assignment_type": "staff"}
        assert client.post(url(location), body, format="json").status_code == 403

    @pytest.mark.parametrize("count", [1, 20])
    def test_list_query_count_does_not_grow_with_rows(self, api, django_assert_max_num_queries, count):
        location = LocationFactory()
        StaffAssignmentFactory.create_batch(count, location=location)

        # token, last_used_at, location, count, page (location and profile joined)
        with django_assert_max_num_queries(5):
            response = api.get(url(location), {"page[size]": 100})

        assert len(response.json()["data"]) == count


@pytest.mark.django_db
class TestReadUpdateDelete:
    def test_retrieve(self, api):
        row = StaffAssignmentFactory()

        response = api.get(url(row.location, row))

        assert response.status_code == 200
        data = response.json()["data"]
        assert set(data) == ASSIGNMENT_KEYS
        assert (data["id"], data["profile_id"], data["location_id"]) == (row.id, str(row.profile_id), row.location_id)

    def test_put_is_partial(self, api):
        row = StaffAssignmentFactory(sort_order=4, notes="keep", excluded_service_handles=["a"])

        response = api.put(url(row.location, row), {"is_default": True, "role_type": "casual"}, format="json")

        assert response.status_code == 200
        data = response.json()["data"]
        assert (data["is_default"], data["role_type"]) == (True, "casual")
        assert (data["sort_order"], data["notes"], data["excluded_service_handles"]) == (4, "keep", ["a"])
        assert (data["assignment_type"], data["is_active"], data["profile_id"]) == ("staff", True, str(row.profile_id))

    def test_put_nulls_clear_role_and_exclusions(self, api):
        row = StaffAssignmentFactory(role_type=RoleType.CASUAL, excluded_service_handles=["a"])

        data = api.put(
            url(row.location, row), {"role_type": None, "excluded_service_handles": None}, format="json"
        ).json()["data"]

        assert (data["role_type"], data["excluded_service_handles"]) == (None, [])
        row.refresh_from_db()
        assert (row.role_type, row.excluded_service_handles) == ("", [])

    def test_put_can_move_the_assignment_to_another_profile(self, api):
        row = StaffAssignmentFactory()
        other = ProfileFactory()

        data = api.put(url(row.location, row), {"profile_id": str(other.id)}, format="json").json()["data"]

        assert data["profile_id"] == str(other.id)
        assert data["profile"]["id"] == str(other.id)

    def test_put_ends_before_stored_start_is_422(self, api):
        row = StaffAssignmentFactory(starts_at=datetime(2026, 5, 4, tzinfo=UTC))

        errors = errors_of(api.put(url(row.location, row), {"ends_at": "2026-05-01T00:00:00Z"}, format="json"))

        assert set(errors) == {"ends_at"}

    def test_delete_then_get_is_404(self, api):
        row = StaffAssignmentFactory()

        response = api.delete(url(row.location, row))

        assert response.status_code == 204
        assert api.get(url(row.location, row)).status_code == 404
        assert not StaffAssignment.objects.exists()

    def test_another_locations_assignment_is_404(self, api):
        row = StaffAssignmentFactory()
        other = LocationFactory()

        assert api.get(url(other, row)).status_code == 404
        assert api.put(url(other, row), {"is_default": True}, format="json").status_code == 404
        assert api.delete(url(other, row)).status_code == 404
        row.refresh_from_db()
        assert row.is_default is False

    def test_missing_assignment_is_404(self, api):
        location = LocationFactory()

        assert api.get(url(location, 999999)).status_code == 404
