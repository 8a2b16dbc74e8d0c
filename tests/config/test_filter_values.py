"""Every list endpoint refuses filter values its filters cannot take (issue 19, finding 5).

The lists are found by walking the URL configuration, so a new list endpoint, filter or status is covered without
editing this file: a value outside a filter's choices, or of the wrong type, is a 422 naming that filter; a valid
choice still filters.
"""

from __future__ import annotations

import pytest
from django.urls import get_resolver
from django.urls.resolvers import URLResolver
from drf_spectacular.generators import SchemaGenerator

from core.api.filters import allowed_ops, model_choices
from tests.config.test_conventions import assert_error
from tests.factories import LocationFactory, ProfileFactory
from tests.questionnaires.factories import QuestionnaireFactory

pytestmark = pytest.mark.django_db

# A wrong value for each typed kind; text filters without choices take any string.
WRONG = {"number": ["abc", "1.5"], "uuid": ["not-a-uuid"], "datetime": ["yesterday"], "date": ["someday"],
         "bool": ["yes"]}  # fmt: skip
# What a path parameter of a list URL is filled with (the walker fails on one it does not know).
PATH_KINDS = ("location_id", "profile_id", "questionnaire_id")


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def list_endpoints() -> list[tuple[str, type]]:
    """(route, view class) of every API list, one route per view and nesting (no trailing-slash twins)."""
    found = {}
    for route, pattern in _walk(get_resolver().url_patterns):
        view = getattr(pattern.callback, "cls", None)
        actions = getattr(pattern.callback, "actions", None) or {}
        if route.startswith("api/") and actions.get("get") == "list" and getattr(view, "filter_fields", None):
            found.setdefault(route.rstrip("/"), view)
    return sorted(found.items())


def model_of(view) -> type:
    return view.serializer_class.Meta.model


def cases() -> tuple[list, list]:
    """(route, parameter, wrong value) and (route, parameter, a valid choice) for every filter of every list."""
    wrong, valid = [], []
    for route, view in list_endpoints():
        paths = getattr(view, "filter_paths", {})
        for field, kind in view.filter_fields.items():
            choices = model_choices(model_of(view), paths.get(field, field)) if kind == "text" else None
            values = ["bogus"] if choices else WRONG.get(kind, [])
            # gt/gte/lt/lte parse like eq; eq, ne and in cover the single value, the exclusion and the list.
            for op in (op for op in allowed_ops(kind) if op in ("eq", "ne", "in")):
                param = f"filter[{field}]" if op == "eq" else f"filter[{field}][{op}]"
                for value in values:
                    good = (choices or ["1"])[0]
                    wrong.append((route, param, f"{good},{value}" if op == "in" else value))
                if choices:
                    valid.append((route, param, choices[0]))
    return wrong, valid


WRONG_CASES, VALID_CASES = cases()


@pytest.fixture
def url():
    location, profile, questionnaire = LocationFactory(), ProfileFactory(), QuestionnaireFactory()
    values = {"location_id": location.pk, "profile_id": profile.pk, "questionnaire_id": questionnaire.pk}

    def fill(route: str) -> str:
        for name in PATH_KINDS:
            route = route.replace(f"<int:{name}>", str(values[name])).replace(f"<profile:{name}>", str(values[name]))
        assert "<" not in route, f"unknown path parameter in {route}: add it to PATH_KINDS"
        return "/" + route

    return fill


def test_the_walk_finds_every_list_and_its_choice_filters():
    routes = {route for route, _ in list_endpoints()}
    assert {"api/v3/appointments", "api/v3/profiles/<profile:profile_id>/appointments", "api/v3/visits",
            "api/v3/questionnaires/<int:questionnaire_id>/submissions", "api/v3/ratings", "api/v3/notifications",
            "api/v3/targets", "api/v3/locations/<int:location_id>/profiles"} <= routes, routes  # fmt: skip
    choice_params = {(route, param) for route, param, _ in VALID_CASES}
    for route, field in [("api/v3/appointments", "status"), ("api/v3/appointment-waitlists", "status"),
                         ("api/v3/appointment-queues", "status"), ("api/v3/notifications", "event"),
                         ("api/v3/visits", "source"), ("api/v3/locations/<int:location_id>/profiles",
                                                       "assignment_type")]:  # fmt: skip
        assert (route, f"filter[{field}]") in choice_params


@pytest.mark.parametrize(("route", "param", "value"), WRONG_CASES)
def test_a_value_a_filter_cannot_take_is_a_422_naming_it(api, url, route, param, value):
    response = api.get(url(route), {param: value})

    assert_error(response, 422, "validation_error", {param})


@pytest.mark.parametrize(("route", "param", "value"), VALID_CASES)
def test_a_valid_choice_still_filters(api, url, route, param, value):
    response = api.get(url(route), {param: value})

    assert response.status_code == 200, response.json()


def test_the_envelope_of_an_invalid_status(api):
    response = api.get("/api/v3/appointments", {"filter[status][in]": "confirmed,bogus"})

    message = "'bogus' is not a valid status. Allowed: requested, confirmed, cancelled, arrived, completed, no_show, rejected."
    assert response.status_code == 422
    assert response.json() == {
        "message": message,
        "code": "validation_error",
        "errors": {"filter[status][in]": [message]},
    }


def test_an_invalid_time_zone_does_not_list_every_zone(api):
    response = api.get("/api/v3/locations", {"filter[timezone]": "Mars/Olympus_Mons"})

    assert response.json()["errors"] == {"filter[timezone]": ["'Mars/Olympus_Mons' is not a valid timezone."]}


def test_the_schema_lists_the_choices_of_each_choice_filter():
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    appointments = {p["name"]: p["schema"] for p in paths["/api/v3/appointments"]["get"]["parameters"]}
    statuses = ["requested", "confirmed", "cancelled", "arrived", "completed", "no_show", "rejected"]
    assert appointments["filter[status]"] == {"type": "string", "enum": statuses}
    assert appointments["filter[status][ne]"] == {"type": "string", "enum": statuses}
    assert appointments["filter[status][in]"] == {"type": "string"}  # a comma list
    locations = {p["name"]: p["schema"] for p in paths["/api/v3/locations"]["get"]["parameters"]}
    assert locations["filter[timezone]"] == {"type": "string"}  # too many zones to list
