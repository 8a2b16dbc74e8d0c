"""`GET /api/v3/`: the resources (name -> absolute URL), the docs and the schema, without a token."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

EXPECTED = {
    "data": {
        "name": "Appointments back office API (Omneo v3 compatible)",
        "version": "3",
        "resources": {
            "appointment-definitions": "http://testserver/api/v3/appointment-definitions",
            "appointment-queues": "http://testserver/api/v3/appointment-queues",
            "appointment-waitlists": "http://testserver/api/v3/appointment-waitlists",
            "appointments": "http://testserver/api/v3/appointments",
            "locations": "http://testserver/api/v3/locations",
            "notifications": "http://testserver/api/v3/notifications",
            "profiles": "http://testserver/api/v3/profiles",
            "targets": "http://testserver/api/v3/targets",
            "visits": "http://testserver/api/v3/visits",
        },
        "docs": "http://testserver/api/docs/",
        "schema": "http://testserver/api/schema/",
    }
}


def assert_index(body: dict) -> None:
    """The index: exactly these keys; these resources at least (other apps add theirs), each a top-level route."""
    data = body["data"]
    assert {key: value for key, value in data.items() if key != "resources"} == {
        key: value for key, value in EXPECTED["data"].items() if key != "resources"
    }
    assert EXPECTED["data"]["resources"].items() <= data["resources"].items()
    assert list(data["resources"]) == sorted(data["resources"])
    for name, url in data["resources"].items():
        assert url == f"http://testserver/api/v3/{name}" and "/" not in name


@pytest.mark.parametrize("path", ["/api/v3/", "/api/v3"])
def test_index_lists_the_resources_without_a_token(path):
    response = APIClient().get(path)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert_index(response.json())


def test_a_bad_token_does_not_matter_here():
    response = APIClient().get("/api/v3/", HTTP_AUTHORIZATION="Bearer not-a-token")

    assert response.status_code == 200
    assert_index(response.json())


def test_every_listed_resource_answers_with_a_token(api):
    for url in APIClient().get("/api/v3/").json()["data"]["resources"].values():
        assert api.get(url).status_code in (200, 405), url  # 405: a collection that only takes POST
    assert APIClient().get(EXPECTED["data"]["schema"]).status_code == 200
    assert APIClient().get(EXPECTED["data"]["docs"]).status_code == 200


@pytest.mark.urls("tests.config.index_urls")
def test_a_new_apps_collection_appears_without_touching_the_index():
    with_widgets = APIClient().get("/api/v3/").json()["data"]["resources"]

    assert with_widgets.pop("widgets") == "http://testserver/api/v3/widgets"
    assert EXPECTED["data"]["resources"].items() <= with_widgets.items()


def test_the_index_is_in_the_schema_without_security():
    schema = APIClient().get("/api/schema/?format=json").json()

    operation = schema["paths"]["/api/v3"]["get"]
    assert operation["operationId"] == "api_index"
    assert "security" not in operation  # public: no token asked for
    assert "/api/v3/" not in schema["paths"]
