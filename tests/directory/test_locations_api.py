"""Locations and their normal/special hours through the API (API.md "Locations and people")."""

from __future__ import annotations

import re
from datetime import date, time

import pytest

from directory.enums import DayOfWeek
from directory.models import Location, LocationNormalHour, LocationSpecialHour
from tests.factories import LocationFactory, LocationNormalHourFactory, LocationSpecialHourFactory

LOCATIONS = "/api/v3/locations"
ISO_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
LOCATION_KEYS = {
    "id", "handle", "name", "timezone", "phone", "email", "address", "is_published",
    "normal_hours", "special_hours", "created_at", "updated_at",
}  # fmt: skip
NORMAL_KEYS = {"id", "location_id", "day_of_week", "open_at", "close_at", "created_at", "updated_at"}
SPECIAL_KEYS = {
    "id", "location_id", "name", "start_at", "end_at", "is_repeating", "open_at", "close_at", "is_closed",
    "created_at", "updated_at",
}  # fmt: skip


def errors_of(response, status: int = 422) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"message", "code", "errors"}
    assert body["code"] == "validation_error"
    return body["errors"]


def ids(response) -> list[int]:
    return [row["id"] for row in response.json()["data"]]


def normal_url(location, hour=None) -> str:
    base = f"{LOCATIONS}/{location.id}/normal-hours"
    return base if hour is None else f"{base}/{hour.id if hasattr(hour, 'id') else hour}"


def special_url(location, hour=None) -> str:
    base = f"{LOCATIONS}/{location.id}/special-hours"
    return base if hour is None else f"{base}/{hour.id if hasattr(hour, 'id') else hour}"


# --- the headline request -----------------------------------------------------------------------------------


@pytest.mark.django_db
class TestBrowse:
    def test_filter_page_size_and_sort_return_the_omneo_envelope(self, api):
        """Given three "Flagship" locations among others, when filtered, sized 2 and sorted by -name, then page 1."""
        flagships = [LocationFactory(name="Flagship") for _ in range(3)]
        LocationFactory(name="Outlet")

        response = api.get(LOCATIONS, {"filter[name]": "Flagship", "page[size]": 2, "sort": "-name"})

        assert response.status_code == 200
        body = response.json()
        assert set(body) == {"data", "links", "meta"}
        # Equal names: the id tiebreak keeps creation order.
        assert ids(response) == [flagships[0].id, flagships[1].id]
        query = "filter%5Bname%5D=Flagship&page%5Bnumber%5D={n}&page%5Bsize%5D=2&sort=-name"
        base = "http://testserver/api/v3/locations?"
        assert body["links"] == {
            "first": base + query.format(n=1),
            "last": base + query.format(n=2),
            "prev": None,
            "next": base + query.format(n=2),
        }
        assert body["meta"] == {
            "current_page": 1,
            "from": 1,
            "last_page": 2,
            "path": "http://testserver/api/v3/locations",
            "per_page": 2,
            "to": 2,
            "total": 3,
        }
        assert all(set(row) == LOCATION_KEYS for row in body["data"])

    def test_without_a_token_it_is_401(self, anon_client):
        LocationFactory(name="Flagship")

        response = anon_client.get(LOCATIONS, {"filter[name]": "Flagship", "page[size]": 2, "sort": "-name"})

        assert response.status_code == 401
        assert response.json()["code"] == "unauthenticated"

    def test_unknown_filter_field_is_422_on_filter(self, api):
        assert set(errors_of(api.get(LOCATIONS, {"filter[colour]": "red"}))) == {"filter"}

    def test_unknown_sort_field_is_422_on_sort(self, api):
        assert set(errors_of(api.get(LOCATIONS, {"sort": "-colour"}))) == {"sort"}

    def test_filter_by_handle_and_publication(self, api):
        LocationFactory(handle="a", is_published=True)
        b = LocationFactory(handle="b", is_published=False)

        assert ids(api.get(LOCATIONS, {"filter[handle]": "b"})) == [b.id]
        assert ids(api.get(LOCATIONS, {"filter[is_published]": "0"})) == [b.id]

    def test_rows_embed_their_hours(self, api):
        location = LocationFactory()
        monday = LocationNormalHourFactory(location=location, day_of_week=DayOfWeek.MON)
        holiday = LocationSpecialHourFactory(location=location, start_at=date(2026, 12, 25))

        row = api.get(LOCATIONS).json()["data"][0]

        assert [h["id"] for h in row["normal_hours"]] == [monday.id]
        assert [h["id"] for h in row["special_hours"]] == [holiday.id]

    @pytest.mark.parametrize("count", [1, 20])
    def test_list_query_count_does_not_grow_with_rows(self, api, django_assert_max_num_queries, count):
        for location in LocationFactory.create_batch(count):
            LocationNormalHourFactory(location=location, day_of_week=DayOfWeek.MON)
            LocationNormalHourFactory(location=location, day_of_week=DayOfWeek.TUE)
            LocationSpecialHourFactory(location=location)

        # token, last_used_at, count, page, normal hours, special hours
        with django_assert_max_num_queries(6):
            response = api.get(LOCATIONS, {"page[size]": 100})

        assert response.status_code == 200
        assert len(response.json()["data"]) == count


# --- create ---------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestCreate:
    def test_create_with_inline_hours(self, api):
        body = {
            "handle": "melbourne-cbd",
            "name": "Melbourne CBD",
            "timezone": "Australia/Melbourne",
            "phone": "+61 3 9000 0000",
            "email": "cbd@example.com",
            "address": {"line1": "1 Collins St", "city": "Melbourne"},
            "is_published": False,
            "normal_hours": [
                {"day_of_week": "MON", "open_at": "09:00", "close_at": "17:30"},
                {"day_of_week": "SAT", "open_at": "10:00", "close_at": "14:00"},
            ],
            "special_hours": [
                {"name": "Christmas", "start_at": "2026-12-25", "end_at": "2026-12-25", "is_repeating": True},
                {
                    "name": "Late night",
                    "start_at": "2026-12-20",
                    "end_at": "2026-12-21",
                    "open_at": "09:00",
                    "close_at": "21:00",
                },  # fmt: skip
            ],
        }

        response = api.post(LOCATIONS, body, format="json")

        assert response.status_code == 201, response.content
        data = response.json()["data"]
        assert set(data) == LOCATION_KEYS
        location = Location.objects.get()
        assert data["id"] == location.id
        assert isinstance(data["id"], int)
        assert {k: data[k] for k in ("handle", "name", "timezone", "phone", "email", "address", "is_published")} == {
            "handle": "melbourne-cbd",
            "name": "Melbourne CBD",
            "timezone": "Australia/Melbourne",
            "phone": "+61 3 9000 0000",
            "email": "cbd@example.com",
            "address": {"line1": "1 Collins St", "city": "Melbourne"},
            "is_published": False,
        }
        assert ISO_Z.match(data["created_at"]) and ISO_Z.match(data["updated_at"])
        monday, saturday = data["normal_hours"]
        assert set(monday) == NORMAL_KEYS
        assert isinstance(monday["id"], int)
        assert (monday["location_id"], monday["day_of_week"], monday["open_at"], monday["close_at"]) == (
            location.id,
            "MON",
            "09:00:00",
            "17:30:00",
        )
        assert (saturday["day_of_week"], saturday["open_at"], saturday["close_at"]) == ("SAT", "10:00:00", "14:00:00")
        # Special hours are ordered by date.
        late, christmas = data["special_hours"]
        assert set(christmas) == SPECIAL_KEYS
        assert {k: christmas[k] for k in SPECIAL_KEYS - {"id", "created_at", "updated_at"}} == {
            "location_id": location.id,
            "name": "Christmas",
            "start_at": "2026-12-25",
            "end_at": "2026-12-25",
            "is_repeating": True,
            "open_at": None,
            "close_at": None,
            "is_closed": True,
        }
        assert (late["open_at"], late["close_at"], late["is_closed"], late["is_repeating"]) == (
            "09:00:00",
            "21:00:00",
            False,
            False,
        )
        assert list(location.normal_hours.values_list("day_of_week", "open_at", "close_at")) == [
            ("MON", time(9), time(17, 30)),
            ("SAT", time(10), time(14)),
        ]
        assert location.special_hours.count() == 2

    def test_minimal_create_has_every_field_with_nulls(self, api):
        response = api.post(LOCATIONS, {"handle": "min", "name": "Min", "timezone": "UTC"}, format="json")

        assert response.status_code == 201
        data = response.json()["data"]
        assert set(data) == LOCATION_KEYS
        assert data["phone"] is None
        assert data["email"] is None
        assert data["address"] is None
        assert data["is_published"] is True
        assert data["normal_hours"] == []
        assert data["special_hours"] == []

    def test_null_phone_and_email_are_accepted_and_stored_blank(self, api):
        body = {"handle": "n", "name": "N", "timezone": "UTC", "phone": None, "email": None}

        data = api.post(LOCATIONS, body, format="json").json()["data"]

        location = Location.objects.get()
        assert (location.phone, location.email) == ("", "")
        assert (data["phone"], data["email"]) == (None, None)

    def test_required_fields(self, api):
        assert set(errors_of(api.post(LOCATIONS, {}, format="json"))) == {"handle", "name", "timezone"}

    # "../etc/localtime", "/UTC" and an object were 500s (zoneinfo's ValueError), found by the schema fuzzer.
    @pytest.mark.parametrize("tz", ["Mars/Olympus_Mons", "+10:00", "", "../etc/localtime", "/UTC", {"a": 1}, 10])
    def test_bad_timezone_is_422_on_timezone(self, api, tz):
        response = api.post(LOCATIONS, {"handle": "x", "name": "X", "timezone": tz}, format="json")

        assert set(errors_of(response)) == {"timezone"}
        assert not Location.objects.exists()

    def test_bad_day_of_week_is_422_on_that_row(self, api):
        body = {
            "handle": "x",
            "name": "X",
            "timezone": "UTC",
            "normal_hours": [
                {"day_of_week": "MON", "open_at": "09:00", "close_at": "17:00"},
                {"day_of_week": "FUNDAY", "open_at": "09:00", "close_at": "17:00"},
            ],
        }

        errors = errors_of(api.post(LOCATIONS, body, format="json"))

        assert set(errors) == {"normal_hours.1.day_of_week"}
        assert not Location.objects.exists()
        assert not LocationNormalHour.objects.exists()

    @pytest.mark.parametrize(("open_at", "close_at"), [("17:00", "09:00"), ("09:00", "09:00")])
    def test_open_at_not_before_close_at_is_422_on_close_at(self, api, open_at, close_at):
        body = {
            "handle": "x",
            "name": "X",
            "timezone": "UTC",
            "normal_hours": [{"day_of_week": "MON", "open_at": open_at, "close_at": close_at}],
        }

        errors = errors_of(api.post(LOCATIONS, body, format="json"))

        assert set(errors) == {"normal_hours.0.close_at"}
        assert not Location.objects.exists()

    def test_every_bad_row_is_reported(self, api):
        body = {
            "handle": "x",
            "name": "X",
            "timezone": "UTC",
            "normal_hours": [
                {"day_of_week": "mon", "open_at": "09:00", "close_at": "17:00"},
                {"day_of_week": "TUE", "open_at": "9am", "close_at": "17:00"},
                {"day_of_week": "WED", "open_at": "09:00"},
            ],
            "special_hours": [
                {"name": "Half", "start_at": "2026-12-24", "end_at": "2026-12-24", "open_at": "09:00"},
                {"name": "Backwards", "start_at": "2026-12-24", "end_at": "2026-12-23"},
            ],
        }

        errors = errors_of(api.post(LOCATIONS, body, format="json"))

        assert set(errors) == {
            "normal_hours.0.day_of_week",
            "normal_hours.1.open_at",
            "normal_hours.2.close_at",
            "special_hours.0.close_at",
            "special_hours.1.end_at",
        }

    def test_duplicate_handle_is_422_on_handle(self, api):
        LocationFactory(handle="taken")

        response = api.post(LOCATIONS, {"handle": "taken", "name": "X", "timezone": "UTC"}, format="json")

        assert set(errors_of(response)) == {"handle"}

    def test_handle_must_be_a_slug(self, api):
        response = api.post(LOCATIONS, {"handle": "not a slug", "name": "X", "timezone": "UTC"}, format="json")

        assert set(errors_of(response)) == {"handle"}


# --- read, update, delete -------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestReadUpdateDelete:
    def test_retrieve(self, api):
        location = LocationFactory(email="", phone="")
        LocationNormalHourFactory(location=location)

        response = api.get(f"{LOCATIONS}/{location.id}")

        assert response.status_code == 200
        data = response.json()["data"]
        assert set(data) == LOCATION_KEYS
        assert data["id"] == location.id
        assert data["timezone"] == "Australia/Melbourne"
        assert (data["phone"], data["email"]) == (None, None)
        assert data["normal_hours"][0]["open_at"] == "09:00:00"

    def test_missing_location_is_404(self, api):
        for response in (
            api.get(f"{LOCATIONS}/424242"),
            api.put(f"{LOCATIONS}/424242", {"name": "X"}, format="json"),
            api.delete(f"{LOCATIONS}/424242"),
        ):
            assert response.status_code == 404
            assert response.json()["code"] == "not_found"

    def test_put_is_partial(self, api):
        location = LocationFactory(name="Old", handle="keep", timezone="Europe/London", phone="123", is_published=True)
        LocationNormalHourFactory(location=location)

        response = api.put(f"{LOCATIONS}/{location.id}", {"name": "New"}, format="json")

        assert response.status_code == 200
        data = response.json()["data"]
        assert data["name"] == "New"
        assert (data["handle"], data["timezone"], data["phone"], data["is_published"]) == (
            "keep",
            "Europe/London",
            "123",
            True,
        )
        assert len(data["normal_hours"]) == 1
        location.refresh_from_db()
        assert (location.name, location.handle, str(location.timezone)) == ("New", "keep", "Europe/London")

    def test_put_can_clear_optional_fields(self, api):
        location = LocationFactory(phone="123", email="a@example.com", address={"x": 1})

        data = api.put(
            f"{LOCATIONS}/{location.id}", {"phone": None, "email": None, "address": None}, format="json"
        ).json()["data"]

        assert (data["phone"], data["email"], data["address"]) == (None, None, None)

    def test_put_bad_timezone_is_422(self, api):
        location = LocationFactory()

        assert set(errors_of(api.put(f"{LOCATIONS}/{location.id}", {"timezone": "Nowhere"}, format="json"))) == {
            "timezone"
        }
        location.refresh_from_db()
        assert str(location.timezone) == "Australia/Melbourne"

    def test_put_cannot_replace_hours_inline(self, api):
        location = LocationFactory()
        body = {"normal_hours": [{"day_of_week": "MON", "open_at": "09:00", "close_at": "10:00"}]}

        assert set(errors_of(api.put(f"{LOCATIONS}/{location.id}", body, format="json"))) == {"normal_hours"}
        assert not location.normal_hours.exists()

    def test_put_cannot_replace_special_hours_inline_either(self, api):
        location = LocationFactory()
        body = {"special_hours": [{"name": "X", "start_at": "2026-12-25", "end_at": "2026-12-25"}]}

        assert set(errors_of(api.put(f"{LOCATIONS}/{location.id}", body, format="json"))) == {"special_hours"}
        assert not location.special_hours.exists()

    def test_filter_by_timezone(self, api):
        london = LocationFactory(timezone="Europe/London")
        LocationFactory(timezone="Australia/Melbourne")

        assert ids(api.get(LOCATIONS, {"filter[timezone]": "Europe/London"})) == [london.id]

    def test_put_handle_of_another_location_is_422(self, api):
        LocationFactory(handle="taken")
        location = LocationFactory(handle="mine")

        assert set(errors_of(api.put(f"{LOCATIONS}/{location.id}", {"handle": "taken"}, format="json"))) == {"handle"}

    def test_delete_then_get_is_404(self, api):
        location = LocationFactory()
        LocationNormalHourFactory(location=location)
        LocationSpecialHourFactory(location=location)

        response = api.delete(f"{LOCATIONS}/{location.id}")

        assert response.status_code == 204
        assert response.content == b""
        assert api.get(f"{LOCATIONS}/{location.id}").status_code == 404
        assert not LocationNormalHour.objects.exists()
        assert not LocationSpecialHour.objects.exists()


# --- customers ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestCustomerAccess:
    def test_customers_list_and_read_published_locations_only(self, customer):
        shown = LocationFactory(is_published=True)
        hidden = LocationFactory(is_published=False)

        assert ids(customer.get(LOCATIONS)) == [shown.id]
        assert customer.get(f"{LOCATIONS}/{shown.id}").status_code == 200
        assert customer.get(f"{LOCATIONS}/{hidden.id}").status_code == 404
        assert customer.get(normal_url(shown)).status_code == 200
        assert customer.get(normal_url(hidden)).status_code == 404
        assert customer.get(special_url(hidden)).status_code == 404

    def test_customers_cannot_write_locations(self, customer):
        location = LocationFactory()

        assert (
            customer.post(LOCATIONS, {"handle": "x", "name": "X", "timezone": "UTC"}, format="json").status_code == 403
        )
        assert customer.put(f"{LOCATIONS}/{location.id}", {"name": "X"}, format="json").status_code == 403
        assert customer.delete(f"{LOCATIONS}/{location.id}").status_code == 403
        body = {"day_of_week": "MON", "open_at": "09:00", "close_at": "10:00"}
        assert customer.post(normal_url(location), body, format="json").status_code == 403
        assert Location.objects.get().name != "X"
        assert not LocationNormalHour.objects.exists()


# --- normal hours ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestNormalHours:
    def test_list_is_data_only_in_id_order(self, api):
        location = LocationFactory()
        tue = LocationNormalHourFactory(location=location, day_of_week=DayOfWeek.TUE)
        mon = LocationNormalHourFactory(location=location, day_of_week=DayOfWeek.MON)
        LocationNormalHourFactory()  # another location's row

        response = api.get(normal_url(location))

        assert response.status_code == 200
        assert set(response.json()) == {"data"}
        assert ids(response) == [tue.id, mon.id]
        assert set(response.json()["data"][0]) == NORMAL_KEYS

    def test_create_takes_hh_mm_and_returns_hh_mm_ss(self, api):
        location = LocationFactory()

        response = api.post(
            normal_url(location), {"day_of_week": "WED", "open_at": "08:30", "close_at": "12:15"}, format="json"
        )

        assert response.status_code == 201
        data = response.json()["data"]
        assert set(data) == NORMAL_KEYS
        row = LocationNormalHour.objects.get()
        assert data == {
            "id": row.id,
            "location_id": location.id,
            "day_of_week": "WED",
            "open_at": "08:30:00",
            "close_at": "12:15:00",
            "created_at": data["created_at"],
            "updated_at": data["updated_at"],
        }
        assert ISO_Z.match(data["created_at"])
        assert (row.open_at, row.close_at) == (time(8, 30), time(12, 15))

    def test_several_windows_on_one_day_are_allowed(self, api):
        location = LocationFactory()
        for open_at, close_at in (("09:00", "12:00"), ("13:00", "17:00")):
            response = api.post(
                normal_url(location), {"day_of_week": "MON", "open_at": open_at, "close_at": close_at}, format="json"
            )
            assert response.status_code == 201

        assert len(api.get(normal_url(location)).json()["data"]) == 2

    @pytest.mark.parametrize(
        ("body", "keys"),
        [
            ({}, {"day_of_week", "open_at", "close_at"}),
            ({"day_of_week": "XYZ", "open_at": "09:00", "close_at": "17:00"}, {"day_of_week"}),
            ({"day_of_week": "MON", "open_at": "18:00", "close_at": "17:00"}, {"close_at"}),
            ({"day_of_week": "MON", "open_at": "09:00", "close_at": "09:00"}, {"close_at"}),
            ({"day_of_week": "MON", "open_at": None, "close_at": "17:00"}, {"open_at"}),
            ({"day_of_week": "MON", "open_at": "25:00", "close_at": "26:00"}, {"open_at", "close_at"}),
        ],
    )
    def test_create_validation(self, api, body, keys):
        location = LocationFactory()

        assert set(errors_of(api.post(normal_url(location), body, format="json"))) == keys
        assert not LocationNormalHour.objects.exists()

    def test_retrieve_update_delete(self, api):
        row = LocationNormalHourFactory(open_at=time(9), close_at=time(17))
        location = row.location

        got = api.get(normal_url(location, row))
        assert got.status_code == 200
        assert got.json()["data"]["id"] == row.id

        updated = api.put(normal_url(location, row), {"open_at": "08:00"}, format="json")
        assert updated.status_code == 200
        assert (updated.json()["data"]["open_at"], updated.json()["data"]["close_at"]) == ("08:00:00", "17:00:00")
        assert updated.json()["data"]["day_of_week"] == "MON"

        deleted = api.delete(normal_url(location, row))
        assert deleted.status_code == 204
        assert api.get(normal_url(location, row)).status_code == 404
        assert not LocationNormalHour.objects.exists()

    def test_partial_put_is_checked_against_the_stored_times(self, api):
        row = LocationNormalHourFactory(open_at=time(9), close_at=time(17))

        errors = errors_of(api.put(normal_url(row.location, row), {"open_at": "18:00"}, format="json"))

        assert set(errors) == {"close_at"}
        row.refresh_from_db()
        assert row.open_at == time(9)

    def test_rows_of_another_location_are_404(self, api):
        row = LocationNormalHourFactory()
        other = LocationFactory()

        assert api.get(normal_url(other, row)).status_code == 404
        assert api.put(normal_url(other, row), {"open_at": "08:00"}, format="json").status_code == 404
        assert api.delete(normal_url(other, row)).status_code == 404
        assert LocationNormalHour.objects.filter(pk=row.pk).exists()

    def test_missing_location_is_404(self, api):
        assert api.get(f"{LOCATIONS}/999999/normal-hours").status_code == 404
        body = {"day_of_week": "MON", "open_at": "09:00", "close_at": "17:00"}
        assert api.post(f"{LOCATIONS}/999999/normal-hours", body, format="json").status_code == 404

    @pytest.mark.parametrize("count", [1, 20])
    def test_list_query_count_does_not_grow_with_rows(self, api, django_assert_max_num_queries, count):
        location = LocationFactory()
        LocationNormalHourFactory.create_batch(count, location=location)

        # token, last_used_at, location, rows
        with django_assert_max_num_queries(4):
            response = api.get(normal_url(location))

        assert len(response.json()["data"]) == count


# --- special hours --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestSpecialHours:
    def test_list_is_data_only_ordered_by_start_date(self, api):
        location = LocationFactory()
        later = LocationSpecialHourFactory(location=location, start_at=date(2026, 12, 31))
        sooner = LocationSpecialHourFactory(location=location, start_at=date(2026, 12, 25))

        response = api.get(special_url(location))

        assert set(response.json()) == {"data"}
        assert ids(response) == [sooner.id, later.id]

    def test_without_times_is_closed(self, api):
        location = LocationFactory()

        response = api.post(
            special_url(location),
            {"name": "Christmas", "start_at": "2026-12-25", "end_at": "2026-12-26"},
            format="json",
        )

        assert response.status_code == 201
        data = response.json()["data"]
        assert set(data) == SPECIAL_KEYS
        assert data == {
            "id": LocationSpecialHour.objects.get().id,
            "location_id": location.id,
            "name": "Christmas",
            "start_at": "2026-12-25",
            "end_at": "2026-12-26",
            "is_repeating": False,
            "open_at": None,
            "close_at": None,
            "is_closed": True,
            "created_at": data["created_at"],
            "updated_at": data["updated_at"],
        }

    def test_with_times_is_open_those_hours(self, api):
        location = LocationFactory()
        body = {
            "name": "Late",
            "start_at": "2026-12-20",
            "end_at": "2026-12-20",
            "open_at": "10:00",
            "close_at": "22:00",
        }

        data = api.post(special_url(location), body, format="json").json()["data"]

        assert (data["open_at"], data["close_at"], data["is_closed"]) == ("10:00:00", "22:00:00", False)

    def test_is_closed_true_drops_any_times(self, api):
        location = LocationFactory()
        body = {
            "name": "Shut",
            "start_at": "2026-12-20",
            "end_at": "2026-12-20",
            "open_at": "10:00",
            "close_at": "22:00",
            "is_closed": True,
        }

        data = api.post(special_url(location), body, format="json").json()["data"]

        assert (data["open_at"], data["close_at"], data["is_closed"]) == (None, None, True)

    def test_omneo_datetime_dates_keep_their_date(self, api):
        location = LocationFactory()
        body = {
            "name": "Xmas",
            "start_at": "2020-12-24 00:00:00",
            "end_at": "2020-12-26 00:00:00",
            "is_repeating": True,
        }

        data = api.post(special_url(location), body, format="json").json()["data"]

        assert (data["start_at"], data["end_at"], data["is_repeating"]) == ("2020-12-24", "2020-12-26", True)

    @pytest.mark.parametrize(
        ("body", "keys"),
        [
            ({}, {"name", "start_at", "end_at"}),
            ({"name": "X", "start_at": "2026-12-25", "end_at": "2026-12-24"}, {"end_at"}),
            ({"name": "X", "start_at": "2026-12-25", "end_at": "2026-12-25", "open_at": "09:00"}, {"close_at"}),
            ({"name": "X", "start_at": "2026-12-25", "end_at": "2026-12-25", "close_at": "09:00"}, {"open_at"}),
            (
                {
                    "name": "X",
                    "start_at": "2026-12-25",
                    "end_at": "2026-12-25",
                    "open_at": "12:00",
                    "close_at": "09:00",
                },
                {"close_at"},
            ),
            ({"name": "X", "start_at": "25/12/2026", "end_at": "2026-12-25"}, {"start_at"}),
        ],
    )
    def test_create_validation(self, api, body, keys):
        location = LocationFactory()

        assert set(errors_of(api.post(special_url(location), body, format="json"))) == keys
        assert not LocationSpecialHour.objects.exists()

    def test_put_is_partial_and_can_open_or_close_a_day(self, api):
        row = LocationSpecialHourFactory(name="Holiday", start_at=date(2026, 12, 25))
        url = special_url(row.location, row)

        opened = api.put(url, {"open_at": "10:00", "close_at": "14:00"}, format="json")
        assert opened.status_code == 200
        assert opened.json()["data"]["is_closed"] is False
        assert opened.json()["data"]["name"] == "Holiday"
        assert opened.json()["data"]["start_at"] == "2026-12-25"

        renamed = api.put(url, {"name": "Boxing"}, format="json")
        assert (renamed.json()["data"]["name"], renamed.json()["data"]["open_at"]) == ("Boxing", "10:00:00")

        closed = api.put(url, {"is_closed": True}, format="json")
        assert closed.status_code == 200
        assert (closed.json()["data"]["open_at"], closed.json()["data"]["is_closed"]) == (None, True)
        row.refresh_from_db()
        assert (row.open_at, row.close_at) == (None, None)

    def test_put_one_time_on_a_closed_row_is_422(self, api):
        row = LocationSpecialHourFactory()

        assert set(errors_of(api.put(special_url(row.location, row), {"open_at": "10:00"}, format="json"))) == {
            "close_at"
        }

    def test_put_end_before_stored_start_is_422(self, api):
        row = LocationSpecialHourFactory(start_at=date(2026, 12, 25))

        assert set(errors_of(api.put(special_url(row.location, row), {"end_at": "2026-12-01"}, format="json"))) == {
            "end_at"
        }

    def test_delete_then_get_is_404(self, api):
        row = LocationSpecialHourFactory()

        assert api.delete(special_url(row.location, row)).status_code == 204
        assert api.get(special_url(row.location, row)).status_code == 404

    def test_rows_of_another_location_are_404(self, api):
        row = LocationSpecialHourFactory()
        other = LocationFactory()

        assert api.get(special_url(other, row)).status_code == 404
        assert api.delete(special_url(other, row)).status_code == 404

    @pytest.mark.parametrize("count", [1, 20])
    def test_list_query_count_does_not_grow_with_rows(self, api, django_assert_max_num_queries, count):
        location = LocationFactory()
        LocationSpecialHourFactory.create_batch(count, location=location)

        with django_assert_max_num_queries(4):
            response = api.get(special_url(location))

        assert len(response.json()["data"]) == count
