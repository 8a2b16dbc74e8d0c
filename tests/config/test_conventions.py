"""API.md "Conventions": envelopes, pagination, filter/sort syntax, auth and scopes, error bodies, throttling, docs.

The locations collection stands in for every paginated resource: the machinery under test lives in config/api.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseServerError
from django.test import RequestFactory, override_settings
from django.urls import include, path
from django.utils import timezone

from core.api.middleware import ApiJsonErrorsMiddleware
from core.api.throttling import TokenRateThrottle
from directory.api.views import LocationViewSet
from directory.enums import Scope
from directory.models import Location
from directory.roles import OPERATOR
from directory.services.tokens import token_revoke
from tests.conftest import BearerClient
from tests.factories import LocationFactory

LOCATIONS = "/api/v3/locations"
BASE = "http://testserver/api/v3/locations"
PAGE_KEYS = {"data", "links", "meta"}
LINK_KEYS = {"first", "last", "prev", "next"}
META_KEYS = {"current_page", "from", "last_page", "path", "per_page", "to", "total"}
ISO_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def ids(response) -> list[int]:
    return [row["id"] for row in response.json()["data"]]


def page_url(number: int, size: int | None = None, **extra: str) -> str:
    """A page link as the paginator builds it: query keys sorted, brackets percent-encoded."""
    params = dict(extra)
    params["page%5Bnumber%5D"] = str(number)
    if size is not None:
        params["page%5Bsize%5D"] = str(size)
    return BASE + "?" + "&".join(f"{key}={value}" for key, value in sorted(params.items()))


def assert_error(response, status: int, code: str, error_keys: set[str] | None = None) -> dict:
    """The one error shape: JSON, `{message, code, errors}`, errors keyed by field with lists of strings."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"message", "code", "errors"}
    assert isinstance(body["message"], str) and body["message"]
    assert body["code"] == code
    for messages in body["errors"].values():
        assert messages and all(isinstance(m, str) and m for m in messages)
    if error_keys is not None:
        assert set(body["errors"]) == error_keys
    return body


# --- envelope and pagination ----------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestPagination:
    def test_first_page_has_exact_links_and_meta(self, api):
        rows = LocationFactory.create_batch(5)

        response = api.get(LOCATIONS, {"page[size]": 2})

        assert response.status_code == 200
        body = response.json()
        assert set(body) == PAGE_KEYS
        assert ids(response) == [rows[0].id, rows[1].id]
        assert body["links"] == {
            "first": page_url(1, 2),
            "last": page_url(3, 2),
            "prev": None,
            "next": page_url(2, 2),
        }
        assert body["meta"] == {
            "current_page": 1,
            "from": 1,
            "last_page": 3,
            "path": BASE,
            "per_page": 2,
            "to": 2,
            "total": 5,
        }

    def test_middle_page_keeps_other_query_parameters_in_its_links(self, api):
        rows = LocationFactory.create_batch(5)

        response = api.get(LOCATIONS, {"page[size]": 2, "page[number]": 2, "sort": "id"})

        body = response.json()
        assert ids(response) == [rows[2].id, rows[3].id]
        assert body["links"] == {
            "first": page_url(1, 2, sort="id"),
            "last": page_url(3, 2, sort="id"),
            "prev": page_url(1, 2, sort="id"),
            "next": page_url(3, 2, sort="id"),
        }
        assert body["meta"] == {
            "current_page": 2,
            "from": 3,
            "last_page": 3,
            "path": BASE,
            "per_page": 2,
            "to": 4,
            "total": 5,
        }

    def test_last_page_is_partial_and_has_no_next(self, api):
        rows = LocationFactory.create_batch(5)

        response = api.get(LOCATIONS, {"page[size]": 2, "page[number]": 3})

        body = response.json()
        assert ids(response) == [rows[4].id]
        assert body["links"]["prev"] == page_url(2, 2)
        assert body["links"]["next"] is None
        assert body["meta"] == {
            "current_page": 3,
            "from": 5,
            "last_page": 3,
            "path": BASE,
            "per_page": 2,
            "to": 5,
            "total": 5,
        }

    def test_a_page_past_the_end_is_empty_not_an_error(self, api):
        LocationFactory.create_batch(3)

        response = api.get(LOCATIONS, {"page[size]": 2, "page[number]": 3})

        assert response.status_code == 200
        body = response.json()
        assert body["data"] == []
        assert body["links"]["next"] is None
        assert body["links"]["prev"] == page_url(2, 2)
        assert body["meta"]["from"] is None
        assert body["meta"]["to"] is None
        assert body["meta"]["total"] == 3
        assert body["meta"]["last_page"] == 2
        assert body["meta"]["current_page"] == 3

    def test_an_empty_collection_has_one_empty_page(self, api):
        response = api.get(LOCATIONS)

        assert response.status_code == 200
        assert response.json() == {
            "data": [],
            "links": {"first": page_url(1), "last": page_url(1), "prev": None, "next": None},
            "meta": {
                "current_page": 1,
                "from": None,
                "last_page": 1,
                "path": BASE,
                "per_page": 15,
                "to": None,
                "total": 0,
            },
        }

    def test_default_page_size_is_15(self, api):
        LocationFactory.create_batch(16)

        response = api.get(LOCATIONS)

        body = response.json()
        assert len(body["data"]) == 15
        assert body["meta"]["per_page"] == 15
        assert body["meta"]["last_page"] == 2
        assert body["links"]["next"] == page_url(2)

    def test_page_size_100_is_allowed(self, api):
        LocationFactory.create_batch(3)

        response = api.get(LOCATIONS, {"page[size]": 100})

        assert response.status_code == 200
        assert response.json()["meta"]["per_page"] == 100

    @pytest.mark.parametrize("size", ["101", "1000"])
    def test_page_size_over_100_is_422_on_page_size(self, api, size):
        response = api.get(LOCATIONS, {"page[size]": size})

        assert_error(response, 422, "validation_error", {"page[size]"})

    @pytest.mark.parametrize(("param", "value"), [("page[size]", "0"), ("page[size]", "x"), ("page[number]", "0")])
    def test_page_parameters_must_be_positive_whole_numbers(self, api, param, value):
        response = api.get(LOCATIONS, {param: value})

        assert_error(response, 422, "validation_error", {param})

    def test_single_resource_is_wrapped_in_data_only(self, api):
        location = LocationFactory()

        response = api.get(f"{LOCATIONS}/{location.id}")

        assert response.status_code == 200
        assert set(response.json()) == {"data"}
        assert response.json()["data"]["id"] == location.id

    def test_nested_hours_lists_are_not_paginated(self, api):
        location = LocationFactory()

        response = api.get(f"{LOCATIONS}/{location.id}/normal-hours", {"page[size]": 1})

        assert response.status_code == 200
        assert response.json() == {"data": []}


# --- filtering ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestFilters:
    @pytest.fixture
    def rows(self):
        return [LocationFactory(handle=f"h-{n}", name=f"Name {n}") for n in range(4)]

    def test_bare_filter_is_equality(self, api, rows):
        response = api.get(LOCATIONS, {"filter[id]": rows[1].id})

        assert ids(response) == [rows[1].id]

    @pytest.mark.parametrize(
        ("op", "pivot", "expected"),
        [
            ("eq", 1, [1]),
            ("ne", 1, [0, 2, 3]),
            ("gt", 1, [2, 3]),
            ("gte", 1, [1, 2, 3]),
            ("lt", 2, [0, 1]),
            ("lte", 2, [0, 1, 2]),
        ],
    )
    def test_number_operators(self, api, rows, op, pivot, expected):
        response = api.get(LOCATIONS, {f"filter[id][{op}]": rows[pivot].id})

        assert response.status_code == 200
        assert ids(response) == [rows[i].id for i in expected]

    def test_in_takes_a_comma_list_of_numbers(self, api, rows):
        response = api.get(LOCATIONS, {"filter[id][in]": f"{rows[0].id},{rows[3].id}"})

        assert ids(response) == [rows[0].id, rows[3].id]

    def test_in_and_ne_on_text(self, api, rows):
        assert ids(api.get(LOCATIONS, {"filter[handle][in]": "h-1,h-2"})) == [rows[1].id, rows[2].id]
        assert ids(api.get(LOCATIONS, {"filter[name][ne]": "Name 0"})) == [rows[1].id, rows[2].id, rows[3].id]

    def test_datetime_operators(self, api, rows):
        base = timezone.now().replace(microsecond=0) - timedelta(days=10)
        for n, row in enumerate(rows):
            Location.objects.filter(pk=row.pk).update(created_at=base + timedelta(days=n))
        pivot = (base + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")

        assert ids(api.get(LOCATIONS, {"filter[created_at][gte]": pivot})) == [rows[2].id, rows[3].id]
        assert ids(api.get(LOCATIONS, {"filter[created_at][lt]": pivot})) == [rows[0].id, rows[1].id]

    @pytest.mark.parametrize(("value", "published"), [("1", True), ("true", True), ("0", False), ("false", False)])
    def test_booleans_take_1_0_true_false(self, api, value, published):
        shown = LocationFactory(is_published=True)
        hidden = LocationFactory(is_published=False)

        response = api.get(LOCATIONS, {"filter[is_published]": value})

        assert response.status_code == 200
        assert ids(response) == [shown.id if published else hidden.id]

    def test_boolean_ne(self, api):
        LocationFactory(is_published=True)
        hidden = LocationFactory(is_published=False)

        assert ids(api.get(LOCATIONS, {"filter[is_published][ne]": "1"})) == [hidden.id]

    def test_a_boolean_that_is_not_1_0_true_false_is_422_on_that_parameter(self, api):
        response = api.get(LOCATIONS, {"filter[is_published]": "yes"})

        assert_error(response, 422, "validation_error", {"filter[is_published]"})

    def test_search_matches_text_fields(self, api):
        melbourne = LocationFactory(name="Melbourne CBD", handle="mel")
        LocationFactory(name="Sydney", handle="syd")

        assert ids(api.get(LOCATIONS, {"filter[search]": "bourne"})) == [melbourne.id]

    def test_filters_combine(self, api, rows):
        response = api.get(LOCATIONS, {"filter[id][gte]": rows[1].id, "filter[handle][in]": "h-0,h-1,h-3"})

        assert ids(response) == [rows[1].id, rows[3].id]

    @pytest.mark.parametrize(
        "param",
        [
            "filter[nope]",
            "filter[nope][eq]",
            "filter[name][gt]",
            "filter[id][like]",
            "filter[is_published][in]",
            "filter",
        ],
    )
    def test_unknown_filter_field_or_operator_is_422_on_filter(self, api, param):
        response = api.get(LOCATIONS, {param: "1"})

        assert_error(response, 422, "validation_error", {"filter"})

    @pytest.mark.parametrize(
        ("param", "value"),
        [
            ("filter[id]", "abc"),
            ("filter[id][in]", "1,abc"),
            ("filter[created_at][gte]", "yesterday"),
            ("filter[timezone]", "Mars/Olympus_Mons"),
            ("filter[timezone][in]", "Europe/London,Mars/Olympus_Mons"),
        ],
    )
    def test_a_badly_typed_value_is_422_on_its_parameter(self, api, param, value):
        response = api.get(LOCATIONS, {param: value})

        assert_error(response, 422, "validation_error", {param})


# --- sorting --------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestSort:
    def test_ascending_and_descending(self, api):
        b = LocationFactory(name="B")
        a = LocationFactory(name="A")
        c = LocationFactory(name="C")

        assert ids(api.get(LOCATIONS, {"sort": "name"})) == [a.id, b.id, c.id]
        assert ids(api.get(LOCATIONS, {"sort": "-name"})) == [c.id, b.id, a.id]

    def test_without_sort_lists_are_ordered_by_id(self, api):
        rows = [LocationFactory(name=name) for name in "CAB"]

        assert ids(api.get(LOCATIONS)) == [row.id for row in rows]

    def test_multiple_fields(self, api):
        mel_b = LocationFactory(timezone="Australia/Melbourne", name="B")
        ldn_a = LocationFactory(timezone="Europe/London", name="A")
        mel_a = LocationFactory(timezone="Australia/Melbourne", name="A")
        ldn_b = LocationFactory(timezone="Europe/London", name="B")

        assert ids(api.get(LOCATIONS, {"sort": "timezone,-name"})) == [mel_b.id, mel_a.id, ldn_b.id, ldn_a.id]
        assert ids(api.get(LOCATIONS, {"sort": "-timezone,name"})) == [ldn_a.id, ldn_b.id, mel_a.id, mel_b.id]

    @pytest.mark.parametrize("sort", ["name", "-name"])
    def test_ties_break_on_id_ascending(self, api, sort):
        rows = [LocationFactory(name="Same") for _ in range(3)]

        assert ids(api.get(LOCATIONS, {"sort": sort})) == [row.id for row in rows]

    def test_ties_stay_stable_across_pages(self, api):
        rows = [LocationFactory(name="Same") for _ in range(5)]

        seen = []
        for number in (1, 2, 3):
            seen += ids(api.get(LOCATIONS, {"sort": "-name", "page[size]": 2, "page[number]": number}))

        assert seen == [row.id for row in rows]

    @pytest.mark.parametrize("sort", ["bogus", "-bogus", "name,bogus", "phone"])
    def test_unknown_sort_field_is_422_on_sort(self, api, sort):
        response = api.get(LOCATIONS, {"sort": sort})

        assert_error(response, 422, "validation_error", {"sort"})


# --- routing and error bodies ---------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestRoutingAndErrorBodies:
    def test_trailing_slash_is_accepted(self, api):
        location = LocationFactory()

        listed = api.get(LOCATIONS + "/")
        one = api.get(f"{LOCATIONS}/{location.id}/")
        created = api.post(LOCATIONS + "/", {"handle": "slash", "name": "Slash", "timezone": "UTC"}, format="json")

        assert listed.status_code == 200
        assert ids(listed) == [location.id]
        assert one.status_code == 200
        assert one.json()["data"]["id"] == location.id
        assert created.status_code == 201

    @pytest.mark.parametrize(
        "url", ["/api/v3/does-not-exist", "/api/v3/locations/not-a-number", "/api/nothing", "/api/v3/profiles/12"]
    )
    def test_unknown_api_paths_are_404_with_a_json_body(self, api, url):
        body = assert_error(api.get(url), 404, "not_found", set())

        assert body["message"] == "Not found."

    def test_unknown_api_path_without_a_token_is_still_a_json_404(self, anon_client):
        assert_error(anon_client.post("/api/v3/nothing", {}, format="json"), 404, "not_found", set())

    def test_missing_row_is_404_with_a_json_body(self, api):
        assert_error(api.get(f"{LOCATIONS}/999999"), 404, "not_found", set())

    def test_pages_outside_the_api_are_left_alone(self, client):
        response = client.get("/no-such-page")

        assert response.status_code == 404
        assert not response["Content-Type"].startswith("application/json")

    @pytest.mark.parametrize(
        ("method", "url"),
        [("delete", LOCATIONS), ("put", LOCATIONS), ("post", "/api/v3/locations/{id}")],
    )
    def test_method_not_allowed_is_405_with_a_json_body(self, api, method, url):
        location = LocationFactory()

        response = getattr(api, method)(url.format(id=location.id), {}, format="json")

        assert_error(response, 405, "method_not_allowed", set())

    def test_405_on_the_token_collection(self, api):
        profile_url = "/api/v3/profiles/0f0f0f0f-0000-4000-8000-000000000000/tokens"

        assert_error(api.get(profile_url), 405, "method_not_allowed", set())

    def test_an_unhandled_error_in_a_view_is_a_json_500(self, api, monkeypatch):
        def boom(self, request, *args, **kwargs):
            raise RuntimeError("kaboom")

        monkeypatch.setattr(LocationViewSet, "list", boom)

        body = assert_error(api.get(LOCATIONS), 500, "server_error", set())

        assert "kaboom" not in body["message"]

    def test_a_500_outside_drf_under_api_is_json(self, api):
        with override_settings(ROOT_URLCONF=__name__):
            raised = api.get("/api/plain/raise")
            html = api.get("/api/plain/html-500")

        assert_error(raised, 500, "server_error", set())
        assert_error(html, 500, "server_error", set())

    def test_a_404_or_403_raised_by_a_plain_view_under_api_keeps_its_status(self, api):
        with override_settings(ROOT_URLCONF=__name__):
            missing = api.get("/api/plain/http404")
            denied = api.get("/api/plain/denied")
            fine = api.get("/api/plain/ok")

        assert_error(missing, 404, "not_found", set())
        assert_error(denied, 403, "forbidden", set())
        assert (fine.status_code, fine.content) == (200, b"ok")

    def test_malformed_json_is_a_json_400(self, api):
        response = api.post(LOCATIONS, "{not json", content_type="application/json")

        assert_error(response, 400, "bad_request", set())
        assert not Location.objects.exists()

    def test_a_non_json_body_is_a_json_415(self, api):
        response = api.post(LOCATIONS, "handle=x&name=X", content_type="application/x-www-form-urlencoded")

        assert_error(response, 415, "unsupported_media_type", set())

    def test_a_body_that_is_not_an_object_is_422(self, api):
        assert_error(api.post(LOCATIONS, [], format="json"), 422, "validation_error", {"non_field_errors"})

    def test_the_middleware_leaves_non_api_errors_alone(self):
        middleware = ApiJsonErrorsMiddleware(lambda request: HttpResponseServerError("<h1>oops</h1>"))
        request = RequestFactory().get("/admin/x")

        assert middleware(request).content == b"<h1>oops</h1>"
        assert middleware.process_exception(request, RuntimeError("x")) is None


def _raise(request):
    raise RuntimeError("plain view failure")


def _html_500(request):
    return HttpResponseServerError("<h1>Server Error</h1>")


def _ok(request):
    return HttpResponse("ok")


def _http404(request):
    raise Http404("no such thing")


def _denied(request):
    raise PermissionDenied


# Used by test_a_500_outside_drf_under_api_is_json through ROOT_URLCONF=__name__.
urlpatterns = [
    path("api/plain/raise", _raise),
    path("api/plain/html-500", _html_500),
    path("api/plain/ok", _ok),
    path("api/plain/http404", _http404),
    path("api/plain/denied", _denied),
    path("", include("config.urls")),
]


# --- authentication and scopes --------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestAuthentication:
    def test_no_token_is_401(self, anon_client):
        response = anon_client.get(LOCATIONS)

        assert_error(response, 401, "unauthenticated", set())
        assert response["WWW-Authenticate"] == "Bearer"

    @pytest.mark.parametrize(
        "header", ["Bearer not-a-real-token", "Bearer", "Bearer two parts", "Token abc", "Basic dXNlcjpwYXNz"]
    )
    def test_bad_or_malformed_token_is_401(self, db, header):
        client = BearerClient()
        client.credentials(HTTP_AUTHORIZATION=header)

        assert_error(client.get(LOCATIONS), 401, "unauthenticated", set())

    def test_revoked_token_is_401(self, api):
        assert api.get(LOCATIONS).status_code == 200
        token_revoke(api.token)

        assert_error(api.get(LOCATIONS), 401, "unauthenticated", set())

    def test_expired_token_is_401(self, make_integration_client):
        client = make_integration_client(expires_at=timezone.now() - timedelta(seconds=1))

        assert_error(client.get(LOCATIONS), 401, "unauthenticated", set())

    def test_token_that_has_not_expired_yet_works(self, make_integration_client):
        client = make_integration_client(expires_at=timezone.now() + timedelta(hours=1))

        assert client.get(LOCATIONS).status_code == 200

    def test_revoked_customer_token_is_401(self, customer):
        assert customer.get("/api/v3/profiles/me").status_code == 200
        token_revoke(customer.token)

        assert_error(customer.get("/api/v3/profiles/me"), 401, "unauthenticated", set())

    def test_staff_user_session_may_use_the_api(self, client):
        # What a session may do follows the user's role (directory/roles.py API_SCOPE_PERMISSIONS).
        user = get_user_model().objects.create_user("staff", password="pw", is_staff=True)
        user.groups.add(Group.objects.get(name=OPERATOR))
        client.force_login(user)

        response = client.get(LOCATIONS, HTTP_ACCEPT="application/json")

        assert response.status_code == 200
        assert set(response.json()) == PAGE_KEYS

    def test_non_staff_user_session_is_403(self, client):
        user = get_user_model().objects.create_user("plain", password="pw")
        client.force_login(user)

        assert_error(client.get(LOCATIONS, HTTP_ACCEPT="application/json"), 403, "forbidden", set())


@pytest.mark.django_db
class TestScopes:
    def test_token_lacking_the_scope_is_403(self, make_integration_client):
        client = make_integration_client(scopes=[Scope.APPOINTMENTS_READ])

        assert_error(client.get(LOCATIONS), 403, "forbidden", set())

    def test_token_without_scopes_is_403(self, make_integration_client):
        client = make_integration_client(scopes=[])

        assert_error(client.get(LOCATIONS), 403, "forbidden", set())

    def test_read_scope_reads_but_cannot_write(self, make_integration_client):
        location = LocationFactory()
        client = make_integration_client(scopes=[Scope.LOCATIONS_READ])

        assert client.get(LOCATIONS).status_code == 200
        assert client.get(f"{LOCATIONS}/{location.id}").status_code == 200
        assert client.get(f"{LOCATIONS}/{location.id}/normal-hours").status_code == 200
        body = {"handle": "x", "name": "X", "timezone": "UTC"}
        assert_error(client.post(LOCATIONS, body, format="json"), 403, "forbidden")
        assert_error(client.put(f"{LOCATIONS}/{location.id}", {"name": "Y"}, format="json"), 403, "forbidden")
        assert_error(client.delete(f"{LOCATIONS}/{location.id}"), 403, "forbidden")
        location.refresh_from_db()
        assert location.name != "Y"
        assert not Location.objects.filter(handle="x").exists()

    def test_write_scope_implies_read(self, make_integration_client):
        client = make_integration_client(scopes=[Scope.LOCATIONS_WRITE])

        created = client.post(LOCATIONS, {"handle": "x", "name": "X", "timezone": "UTC"}, format="json")

        assert created.status_code == 201
        assert client.get(LOCATIONS).status_code == 200

    def test_scopes_of_one_area_do_not_open_another(self, make_integration_client):
        client = make_integration_client(scopes=[Scope.LOCATIONS_WRITE])

        assert_error(client.get("/api/v3/profiles"), 403, "forbidden")

    def test_admin_scope_opens_everything(self, api):
        assert api.get(LOCATIONS).status_code == 200
        assert api.get("/api/v3/profiles").status_code == 200


# --- throttling -----------------------------------------------------------------------------------------------------


@pytest.fixture
def tiny_rate(monkeypatch):
    """Two requests a minute per caller. DRF reads the rates once at import, so the class attribute is patched."""
    with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "2/min"}}):
        monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "2/min"})
        cache.clear()
        yield
    cache.clear()


@pytest.mark.django_db
class TestThrottling:
    def test_over_the_rate_is_429_with_retry_after(self, api, tiny_rate):
        assert api.get(LOCATIONS).status_code == 200
        assert api.get(LOCATIONS).status_code == 200

        response = api.get(LOCATIONS)

        body = assert_error(response, 429, "throttled", set())
        assert body["message"] == "Too many requests."
        assert 1 <= int(response["Retry-After"]) <= 60

    def test_each_token_has_its_own_budget(self, api, make_integration_client, tiny_rate):
        other = make_integration_client()
        for _ in range(2):
            api.get(LOCATIONS)

        assert api.get(LOCATIONS).status_code == 429
        assert other.get(LOCATIONS).status_code == 200

    def test_customer_tokens_are_throttled_too(self, customer, tiny_rate):
        for _ in range(2):
            assert customer.get("/api/v3/profiles/me").status_code == 200

        assert_error(customer.get("/api/v3/profiles/me"), 429, "throttled", set())


# --- schema and docs ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestSchemaAndDocs:
    def test_schema_is_served(self, anon_client):
        response = anon_client.get("/api/schema/", {"format": "json"})

        assert response.status_code == 200
        schema = response.json()
        assert schema["openapi"].startswith("3.")
        paths = schema["paths"]
        for expected in (
            "/api/v3/locations",
            "/api/v3/locations/{id}",
            "/api/v3/locations/{location_id}/normal-hours",
            "/api/v3/locations/{location_id}/special-hours/{id}",
            "/api/v3/locations/{location_id}/profiles",
            "/api/v3/profiles",
            "/api/v3/profiles/{profile_id}",
            "/api/v3/profiles/{profile_id}/normal-hours",
            "/api/v3/profiles/{profile_id}/special-hours",
            "/api/v3/profiles/{profile_id}/tokens",
            "/api/v3/profiles/{profile_id}/tokens/{id}",
        ):
            assert expected in paths
        assert not [p for p in paths if p.endswith("/")]
        assert schema["components"]["securitySchemes"]["bearerAuth"] == {
            "type": "http",
            "scheme": "bearer",
            "description": "An integration or customer token.",
        }

    def test_schema_lists_the_filter_sort_and_page_parameters(self, anon_client):
        schema = anon_client.get("/api/schema/", {"format": "json"}).json()

        names = {p["name"] for p in schema["paths"]["/api/v3/locations"]["get"]["parameters"]}

        assert {"page[number]", "page[size]", "sort", "filter[name]", "filter[id][gte]", "filter[search]"} <= names

    def test_docs_are_served_without_a_cdn(self, anon_client):
        response = anon_client.get("/api/docs/")

        assert response.status_code == 200
        html = response.content.decode()
        assert "swagger-ui" in html
        assert not re.search(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", html, re.IGNORECASE), "external URL in docs"
        for marker in ("cdn", "unpkg", "jsdelivr", "cloudflare"):
            assert marker not in html.lower()
        assets = re.findall(r'(?:src|href)="/static/([^"]+)"', html)
        assert assets, "the docs page loads its assets from /static/"
        for asset in assets:
            assert finders.find(asset), f"{asset} is not shipped with the project"
