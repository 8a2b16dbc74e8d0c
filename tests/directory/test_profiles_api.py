"""Profiles and staff hours through the API; customer tokens see only their own profile."""

from __future__ import annotations

import re
import uuid
from datetime import date, time

import pytest

from directory.enums import DayOfWeek, Scope
from directory.models import Profile, ProfileNormalHour, ProfileSpecialHour
from tests.factories import ProfileFactory, ProfileNormalHourFactory, ProfileSpecialHourFactory

PROFILES = "/api/v3/profiles"
ISO_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
PROFILE_KEYS = {"id", "first_name", "last_name", "email", "mobile_phone", "attributes", "created_at", "updated_at"}
NORMAL_KEYS = {"id", "profile_id", "day_of_week", "available_from", "available_until", "created_at", "updated_at"}
SPECIAL_KEYS = {
    "id", "profile_id", "name", "start_at", "end_at", "is_repeating", "available_from", "available_until",
    "is_closed", "created_at", "updated_at",
}  # fmt: skip


def profile_url(profile) -> str:
    return f"{PROFILES}/{profile.id if hasattr(profile, 'id') else profile}"


def hours_url(profile, kind: str, row=None) -> str:
    base = f"{profile_url(profile)}/{kind}-hours"
    return base if row is None else f"{base}/{row.id if hasattr(row, 'id') else row}"


def errors_of(response) -> dict:
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "validation_error"
    return response.json()["errors"]


def data_ids(response) -> list:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["data"]]


# --- customer tokens ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestCustomerToken:
    def test_customer_gets_403_on_the_profile_list(self, customer):
        response = customer.get(PROFILES)

        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"

    def test_customer_gets_404_on_another_profile(self, customer):
        other = ProfileFactory()

        for response in (
            customer.get(profile_url(other)),
            customer.put(profile_url(other), {"first_name": "Hacked"}, format="json"),
        ):
            assert response.status_code == 404
            assert response.json()["code"] == "not_found"
        other.refresh_from_db()
        assert other.first_name != "Hacked"

    def test_customer_reads_its_own_profile_by_id_and_as_me(self, customer):
        own = customer.get(profile_url(customer.profile))
        me = customer.get(f"{PROFILES}/me")
        me_slash = customer.get(f"{PROFILES}/me/")

        assert own.status_code == me.status_code == me_slash.status_code == 200
        assert own.json() == me.json() == me_slash.json()
        assert own.json()["data"]["id"] == str(customer.profile.id)

    def test_customer_may_update_its_own_profile(self, customer):
        response = customer.put(f"{PROFILES}/me", {"first_name": "Renamed"}, format="json")

        assert response.status_code == 200
        assert response.json()["data"]["first_name"] == "Renamed"
        customer.profile.refresh_from_db()
        assert customer.profile.first_name == "Renamed"

    def test_customer_cannot_create_or_delete_profiles(self, customer):
        assert customer.post(PROFILES, {"first_name": "X"}, format="json").status_code == 403
        assert customer.delete(f"{PROFILES}/me").status_code == 403
        assert Profile.objects.filter(pk=customer.profile.pk).exists()

    def test_me_is_only_for_customer_tokens(self, api):
        response = api.get(f"{PROFILES}/me")

        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


# --- profiles CRUD --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestProfiles:
    def test_create(self, api):
        body = {
            "first_name": "Olivia",
            "last_name": "Jones",
            "email": "olivia@example.com",
            "mobile_phone": "+61400111222",
            "attributes": {"tier": "gold", "birthday": "1990-02-03"},
        }

        response = api.post(PROFILES, body, format="json")

        assert response.status_code == 201, response.content
        data = response.json()["data"]
        assert set(data) == PROFILE_KEYS
        profile = Profile.objects.get()
        assert data["id"] == str(profile.id)
        assert isinstance(data["id"], str)
        assert uuid.UUID(data["id"]) == profile.id
        assert {k: data[k] for k in body} == body
        assert ISO_Z.match(data["created_at"]) and ISO_Z.match(data["updated_at"])

    def test_empty_create_has_every_field_with_nulls(self, api):
        response = api.post(PROFILES, {}, format="json")

        assert response.status_code == 201
        data = response.json()["data"]
        assert set(data) == PROFILE_KEYS
        assert (data["first_name"], data["last_name"], data["email"], data["mobile_phone"]) == (None,) * 4
        assert data["attributes"] == {}

    def test_nulls_are_accepted_and_stored_blank(self, api):
        body = {"first_name": None, "last_name": None, "email": None, "mobile_phone": None}

        data = api.post(PROFILES, body, format="json").json()["data"]

        profile = Profile.objects.get()
        assert (profile.first_name, profile.last_name, profile.email, profile.mobile_phone) == ("",) * 4
        assert (data["first_name"], data["email"]) == (None, None)

    @pytest.mark.parametrize(
        ("body", "keys"),
        [
            ({"email": "not-an-email"}, {"email"}),
            ({"attributes": ["a"]}, {"attributes"}),
            ({"attributes": None}, {"attributes"}),
            ({"first_name": "x" * 256}, {"first_name"}),
        ],
    )
    def test_validation(self, api, body, keys):
        assert set(errors_of(api.post(PROFILES, body, format="json"))) == keys
        assert not Profile.objects.exists()

    def test_retrieve(self, api):
        profile = ProfileFactory(mobile_phone="", attributes={"a": 1})

        response = api.get(profile_url(profile))

        assert response.status_code == 200
        data = response.json()["data"]
        assert set(data) == PROFILE_KEYS
        assert data["id"] == str(profile.id)
        assert data["mobile_phone"] is None
        assert data["attributes"] == {"a": 1}

    def test_retrieve_accepts_a_uuid_without_dashes(self, api):
        profile = ProfileFactory()

        assert api.get(profile_url(profile.id.hex)).json()["data"]["id"] == str(profile.id)

    def test_put_is_partial(self, api):
        profile = ProfileFactory(first_name="A", last_name="B", email="a@example.com", attributes={"k": "v"})

        response = api.put(profile_url(profile), {"last_name": "C"}, format="json")

        assert response.status_code == 200
        data = response.json()["data"]
        assert (data["first_name"], data["last_name"], data["email"], data["attributes"]) == (
            "A",
            "C",
            "a@example.com",
            {"k": "v"},
        )

    def test_put_replaces_attributes(self, api):
        profile = ProfileFactory(attributes={"old": 1})

        data = api.put(profile_url(profile), {"attributes": {"new": 2}}, format="json").json()["data"]

        assert data["attributes"] == {"new": 2}

    def test_put_bad_email_is_422(self, api):
        profile = ProfileFactory(email="keep@example.com")

        assert set(errors_of(api.put(profile_url(profile), {"email": "nope"}, format="json"))) == {"email"}
        profile.refresh_from_db()
        assert profile.email == "keep@example.com"

    def test_delete_then_get_is_404(self, api):
        profile = ProfileFactory()
        ProfileNormalHourFactory(profile=profile)

        response = api.delete(profile_url(profile))

        assert response.status_code == 204
        assert api.get(profile_url(profile)).status_code == 404
        assert not Profile.objects.exists()
        assert not ProfileNormalHour.objects.exists()

    def test_missing_profile_is_404(self, api):
        missing = uuid.uuid4()

        assert api.get(profile_url(missing)).status_code == 404
        assert api.put(profile_url(missing), {"first_name": "X"}, format="json").status_code == 404
        assert api.delete(profile_url(missing)).status_code == 404

    def test_list_is_paginated_in_creation_order(self, api):
        rows = ProfileFactory.create_batch(3)

        response = api.get(PROFILES, {"page[size]": 2})

        assert set(response.json()) == {"data", "links", "meta"}
        assert data_ids(response) == [str(rows[0].id), str(rows[1].id)]
        assert response.json()["meta"]["total"] == 3

    def test_list_filters_search_and_sort(self, api):
        ava = ProfileFactory(first_name="Ava", last_name="Nguyen", email="ava@example.com")
        liam = ProfileFactory(first_name="Liam", last_name="Smith", email="liam@example.com")
        mia = ProfileFactory(first_name="Mia", last_name="Garcia", email="mia@shop.example")

        assert data_ids(api.get(PROFILES, {"filter[email]": "liam@example.com"})) == [str(liam.id)]
        assert data_ids(api.get(PROFILES, {"filter[id]": str(mia.id)})) == [str(mia.id)]
        assert data_ids(api.get(PROFILES, {"filter[id][in]": f"{ava.id},{mia.id}"})) == [str(ava.id), str(mia.id)]
        assert data_ids(api.get(PROFILES, {"filter[search]": "shop"})) == [str(mia.id)]
        assert data_ids(api.get(PROFILES, {"filter[search]": "SMI"})) == [str(liam.id)]
        assert data_ids(api.get(PROFILES, {"sort": "last_name"})) == [str(mia.id), str(ava.id), str(liam.id)]
        assert data_ids(api.get(PROFILES, {"sort": "-first_name"})) == [str(mia.id), str(liam.id), str(ava.id)]

    @pytest.mark.parametrize(("params", "key"), [({"filter[tier]": "gold"}, "filter"), ({"sort": "tier"}, "sort")])
    def test_unknown_filter_or_sort_is_422(self, api, params, key):
        assert set(errors_of(api.get(PROFILES, params))) == {key}

    def test_scopes(self, make_integration_client):
        reader = make_integration_client(scopes=[Scope.PROFILES_READ])
        writer = make_integration_client(scopes=[Scope.PROFILES_WRITE])

        assert reader.get(PROFILES).status_code == 200
        assert reader.post(PROFILES, {}, format="json").status_code == 403
        assert writer.post(PROFILES, {}, format="json").status_code == 201
        assert writer.get(PROFILES).status_code == 200

    @pytest.mark.parametrize("count", [1, 20])
    def test_list_query_count_does_not_grow_with_rows(self, api, django_assert_max_num_queries, count):
        ProfileFactory.create_batch(count)

        # token, last_used_at, count, page
        with django_assert_max_num_queries(4):
            response = api.get(PROFILES, {"page[size]": 100})

        assert len(response.json()["data"]) == count


# --- staff normal hours ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestNormalHours:
    def test_create_and_list(self, api):
        profile = ProfileFactory()

        created = api.post(
            hours_url(profile, "normal"),
            {"day_of_week": "TUE", "available_from": "09:00", "available_until": "17:30"},
            format="json",
        )

        assert created.status_code == 201, created.content
        data = created.json()["data"]
        row = ProfileNormalHour.objects.get()
        assert data == {
            "id": row.id,
            "profile_id": str(profile.id),
            "day_of_week": "TUE",
            "available_from": "09:00:00",
            "available_until": "17:30:00",
            "created_at": data["created_at"],
            "updated_at": data["updated_at"],
        }
        assert ISO_Z.match(data["created_at"])
        listed = api.get(hours_url(profile, "normal"))
        assert listed.json() == {"data": [data]}

    def test_list_is_only_this_profiles_rows_in_id_order(self, api):
        profile = ProfileFactory()
        b = ProfileNormalHourFactory(profile=profile, day_of_week=DayOfWeek.FRI)
        a = ProfileNormalHourFactory(profile=profile, day_of_week=DayOfWeek.MON)
        ProfileNormalHourFactory()

        response = api.get(hours_url(profile, "normal"), {"page[size]": 1})

        assert set(response.json()) == {"data"}
        assert data_ids(response) == [b.id, a.id]
        assert all(set(row) == NORMAL_KEYS for row in response.json()["data"])
        assert {row["profile_id"] for row in response.json()["data"]} == {str(profile.id)}

    @pytest.mark.parametrize(
        ("body", "keys"),
        [
            ({}, {"day_of_week", "available_from", "available_until"}),
            ({"day_of_week": "Monday", "available_from": "09:00", "available_until": "17:00"}, {"day_of_week"}),
            ({"day_of_week": "MON", "available_from": "17:00", "available_until": "09:00"}, {"available_until"}),
            ({"day_of_week": "MON", "available_from": "09:00", "available_until": "09:00"}, {"available_until"}),
            ({"day_of_week": "MON", "available_from": None, "available_until": "09:00"}, {"available_from"}),
        ],
    )
    def test_validation(self, api, body, keys):
        profile = ProfileFactory()

        assert set(errors_of(api.post(hours_url(profile, "normal"), body, format="json"))) == keys
        assert not ProfileNormalHour.objects.exists()

    def test_retrieve_update_delete(self, api):
        row = ProfileNormalHourFactory(available_from=time(9), available_until=time(17))
        url = hours_url(row.profile, "normal", row)

        assert api.get(url).json()["data"]["profile_id"] == str(row.profile_id)
        updated = api.put(url, {"available_until": "18:00"}, format="json")
        assert updated.status_code == 200
        assert (updated.json()["data"]["available_from"], updated.json()["data"]["available_until"]) == (
            "09:00:00",
            "18:00:00",
        )
        assert set(errors_of(api.put(url, {"available_from": "19:00"}, format="json"))) == {"available_until"}
        assert api.delete(url).status_code == 204
        assert api.get(url).status_code == 404

    def test_another_profiles_row_is_404(self, api):
        row = ProfileNormalHourFactory()
        other = ProfileFactory()

        assert api.get(hours_url(other, "normal", row)).status_code == 404
        assert api.delete(hours_url(other, "normal", row)).status_code == 404
        assert ProfileNormalHour.objects.filter(pk=row.pk).exists()

    def test_missing_profile_is_404(self, api):
        missing = uuid.uuid4()
        body = {"day_of_week": "MON", "available_from": "09:00", "available_until": "17:00"}

        assert api.get(hours_url(missing, "normal")).status_code == 404
        assert api.post(hours_url(missing, "normal"), body, format="json").status_code == 404

    @pytest.mark.parametrize("count", [1, 20])
    def test_list_query_count_does_not_grow_with_rows(self, api, django_assert_max_num_queries, count):
        profile = ProfileFactory()
        ProfileNormalHourFactory.create_batch(count, profile=profile)

        # token, last_used_at, profile, rows
        with django_assert_max_num_queries(4):
            response = api.get(hours_url(profile, "normal"))

        assert len(response.json()["data"]) == count


# --- staff special hours --------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestSpecialHours:
    def test_without_times_means_unavailable(self, api):
        profile = ProfileFactory()

        response = api.post(
            hours_url(profile, "special"),
            {"name": "Annual leave", "start_at": "2026-07-01", "end_at": "2026-07-14"},
            format="json",
        )

        assert response.status_code == 201, response.content
        data = response.json()["data"]
        assert set(data) == SPECIAL_KEYS
        assert data == {
            "id": ProfileSpecialHour.objects.get().id,
            "profile_id": str(profile.id),
            "name": "Annual leave",
            "start_at": "2026-07-01",
            "end_at": "2026-07-14",
            "is_repeating": False,
            "available_from": None,
            "available_until": None,
            "is_closed": True,
            "created_at": data["created_at"],
            "updated_at": data["updated_at"],
        }

    def test_dates_in_the_past_are_accepted(self, api):
        profile = ProfileFactory()

        response = api.post(
            hours_url(profile, "special"),
            {"name": "Back then", "start_at": "2001-01-01", "end_at": "2001-01-02"},
            format="json",
        )

        assert response.status_code == 201
        assert ProfileSpecialHour.objects.get().start_at == date(2001, 1, 1)

    def test_with_times_changes_the_hours(self, api):
        profile = ProfileFactory()
        body = {
            "name": "Half day",
            "start_at": "2026-07-01",
            "end_at": "2026-07-01",
            "available_from": "09:00",
            "available_until": "12:00",
        }

        data = api.post(hours_url(profile, "special"), body, format="json").json()["data"]

        assert (data["available_from"], data["available_until"], data["is_closed"]) == ("09:00:00", "12:00:00", False)

    @pytest.mark.parametrize(
        ("extra", "keys"),
        [
            ({"available_from": "09:00"}, {"available_until"}),
            ({"available_until": "09:00"}, {"available_from"}),
            ({"available_from": "12:00", "available_until": "09:00"}, {"available_until"}),
            ({"end_at": "2026-06-30"}, {"end_at"}),
        ],
    )
    def test_validation(self, api, extra, keys):
        profile = ProfileFactory()
        body = {"name": "X", "start_at": "2026-07-01", "end_at": "2026-07-01", **extra}

        assert set(errors_of(api.post(hours_url(profile, "special"), body, format="json"))) == keys
        assert not ProfileSpecialHour.objects.exists()

    def test_list_is_data_only_ordered_by_date(self, api):
        profile = ProfileFactory()
        later = ProfileSpecialHourFactory(profile=profile, start_at=date(2026, 8, 1))
        sooner = ProfileSpecialHourFactory(profile=profile, start_at=date(2026, 7, 1))

        response = api.get(hours_url(profile, "special"))

        assert set(response.json()) == {"data"}
        assert data_ids(response) == [sooner.id, later.id]
        assert {row["profile_id"] for row in response.json()["data"]} == {str(profile.id)}

    def test_retrieve_update_delete(self, api):
        row = ProfileSpecialHourFactory(name="Leave", start_at=date(2026, 7, 1))
        url = hours_url(row.profile, "special", row)

        assert api.get(url).json()["data"]["is_closed"] is True
        opened = api.put(url, {"available_from": "10:00", "available_until": "12:00"}, format="json")
        assert opened.status_code == 200
        assert (opened.json()["data"]["is_closed"], opened.json()["data"]["name"]) == (False, "Leave")
        closed = api.put(url, {"is_closed": True}, format="json")
        assert (closed.json()["data"]["available_from"], closed.json()["data"]["is_closed"]) == (None, True)
        assert api.delete(url).status_code == 204
        assert api.get(url).status_code == 404

    @pytest.mark.parametrize("count", [1, 20])
    def test_list_query_count_does_not_grow_with_rows(self, api, django_assert_max_num_queries, count):
        profile = ProfileFactory()
        ProfileSpecialHourFactory.create_batch(count, profile=profile)

        with django_assert_max_num_queries(4):
            response = api.get(hours_url(profile, "special"))

        assert len(response.json()["data"]) == count
