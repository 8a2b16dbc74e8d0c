"""The OpenAPI schema (/api/schema/): valid, with the error responses every operation can give, and describing the
key operations exactly as they answer: real responses are validated against the schema with jsonschema, strictly
(an undocumented field fails too).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time

import pytest
import time_machine
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator
from jsonschema import Draft202012Validator
from rest_framework.test import APIClient

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

NOW = datetime(2025, 6, 9, 0, 0, tzinfo=UTC)  # Monday 10:00 in Melbourne
WEEK = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
ERROR_REF = {"$ref": "#/components/schemas/ErrorEnvelope"}


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def test_schema_validates_without_a_single_warning(tmp_path):
    target = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    assert target.read_text().startswith("openapi: 3.0.3")


# Conversion of OpenAPI 3.0 schemas to JSON Schema, strict about unknown fields -------------------------------------

DROPPED = {"nullable", "example", "readOnly", "writeOnly", "discriminator", "xml", "externalDocs", "deprecated"}


def strict(node):
    if isinstance(node, list):
        return [strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "properties":
            out[key] = {name: strict(sub) for name, sub in value.items()}
        elif key not in DROPPED:
            out[key] = strict(value)
    if "properties" in out and "additionalProperties" not in out:
        out["additionalProperties"] = False
    if node.get("nullable"):
        out = {"anyOf": [out, {"type": "null"}]}
    return out


def validator(schema: dict, node: dict) -> Draft202012Validator:
    root = {"components": strict(schema["components"]), **strict(node)}
    return Draft202012Validator(root, format_checker=Draft202012Validator.FORMAT_CHECKER)


def operation(schema: dict, method: str, path: str) -> dict:
    return schema["paths"][path][method.lower()]


def body_schema(schema: dict, method: str, path: str, status: int) -> dict:
    return operation(schema, method, path)["responses"][str(status)]["content"]["application/json"]["schema"]


def assert_documented(schema: dict, method: str, path: str, response) -> None:
    """The real response validates against what the schema documents for that operation and status."""
    node = body_schema(schema, method, path, response.status_code)
    errors = sorted(validator(schema, node).iter_errors(response.json()), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def component(schema: dict, name: str) -> dict:
    return schema["components"]["schemas"][name]


# What the schema says ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "statuses"),
    [
        ("GET", "/api/v3", ["200", "400", "422", "429"]),
        ("GET", "/api/v3/appointments", ["200", "400", "401", "403", "422", "429"]),
        ("POST", "/api/v3/appointments", ["201", "400", "401", "403", "409", "413", "422", "429"]),
        ("GET", "/api/v3/appointments/{id}", ["200", "400", "401", "403", "404", "422", "429"]),
        ("PUT", "/api/v3/appointments/{id}", ["200", "400", "401", "403", "404", "409", "413", "422", "429"]),
        ("DELETE", "/api/v3/appointments/{id}", ["204", "400", "401", "403", "404", "409", "422", "429"]),
        ("POST", "/api/v3/appointment-definitions/{id}/available-slots",
         ["200", "400", "401", "403", "404", "413", "422", "429"]),
        ("GET", "/api/v3/locations/{location_id}/normal-hours", ["200", "400", "401", "403", "404", "422", "429"]),
        # Found by the schema fuzzer: a report's bad query parameters are a 422 too.
        ("GET", "/api/v3/reports/appointments", ["200", "400", "401", "403", "422", "429"]),
        ("GET", "/api/v3/reports/footfall", ["200", "400", "401", "403", "422", "429"]),
    ],
)  # fmt: skip
def test_operations_list_the_errors_they_can_give(schema, method, path, statuses):
    responses = operation(schema, method, path)["responses"]

    assert sorted(responses) == statuses
    for status in statuses:
        if status >= "400":
            assert responses[status]["content"] == {"application/json": {"schema": ERROR_REF}}


def test_every_operation_documents_its_errors_with_the_envelope(schema):
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            errors = {code: r for code, r in op["responses"].items() if code >= "400"}
            assert "429" in errors, (method, path)
            assert ("401" in errors) == (path != "/api/v3"), (method, path)
            assert "404" in errors or "{" not in path, (method, path)  # views may add a 404 of their own
            for response in errors.values():
                ref = response["content"]["application/json"]["schema"]["$ref"]
                envelope = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
                assert set(envelope["properties"]) == {"message", "code", "errors"}, (method, path)


def test_wall_times_are_described_by_a_pattern_not_the_rfc3339_time_format(schema):
    # Found by the schema fuzzer: JSON Schema's "time" format needs an offset, so "09:00:00" failed it.
    open_at = component(schema, "LocationNormalHour")["properties"]["open_at"]
    pattern = re.compile(open_at["pattern"])

    assert "format" not in open_at
    assert [bool(pattern.match(value)) for value in ("09:00:00", "09:00", "23:59:59.5", "24:00", "09:00:00Z")] == [
        True, True, True, False, False,
    ]  # fmt: skip
    for name, node in schema["components"]["schemas"].items():
        for field, prop in node.get("properties", {}).items():
            assert prop.get("format") != "time", (name, field)


def test_the_error_envelope_component(schema):
    assert component(schema, "ErrorEnvelope")["required"] == ["message", "code", "errors"]
    assert component(schema, "ErrorEnvelope")["properties"]["errors"]["additionalProperties"] == {
        "type": "array",
        "items": {"type": "string"},
    }


def test_the_booking_body_is_the_create_input(schema):
    request = operation(schema, "POST", "/api/v3/appointments")["requestBody"]["content"]["application/json"]
    body = component(schema, "AppointmentCreateInputRequest")

    assert request["schema"] == {"$ref": "#/components/schemas/AppointmentCreateInputRequest"}
    assert body["required"] == ["appointment_definition_id", "location_id", "profile_id", "scheduled_start_at"]
    assert "location_id" in body["properties"]
    assert not {"location", "profile"} & set(body["properties"])
    assert set(request["examples"]) == {"BookASlot", "BookAChosenStaffMemberInUTC"}
    scoped = operation(schema, "POST", "/api/v3/profiles/{profile_id}/appointments")["requestBody"]
    assert scoped["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ProfileAppointmentCreateInputRequest"
    }
    assert "profile_id" not in component(schema, "ProfileAppointmentCreateInputRequest")["required"]


def test_updates_take_partial_bodies(schema):
    for method in ("PUT", "PATCH"):
        body = operation(schema, method, "/api/v3/locations/{id}")["requestBody"]["content"]["application/json"]
        assert body["schema"] == {"$ref": "#/components/schemas/PatchedLocationInputRequest"}
    assert "required" not in component(schema, "PatchedLocationInputRequest")


@pytest.mark.parametrize(
    ("path", "request_name", "response_name"),
    [
        ("available-slots", "SlotsInputRequest", "DaySlotsResponse"),
        ("available-slots-range", "SlotsRangeInputRequest", "RangeSlotsResponse"),
        ("available-staff", "StaffInputRequest", "AvailableStaffResponse"),
    ],
)
def test_availability_operations_have_their_own_bodies(schema, path, request_name, response_name):
    op = operation(schema, "POST", f"/api/v3/appointment-definitions/{{id}}/{path}")

    assert op["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": f"#/components/schemas/{request_name}"
    }
    assert op["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": f"#/components/schemas/{response_name}"
    }
    assert set(component(schema, response_name)["properties"]) == {"data", "meta"}
    assert op["requestBody"]["content"]["application/json"]["examples"]
    assert op["responses"]["200"]["content"]["application/json"]["examples"]


def test_examples_match_their_schemas(schema):
    checked = 0
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            bodies = [op.get("requestBody", {})] + list(op["responses"].values())
            for body in bodies:
                media = body.get("content", {}).get("application/json", {})
                for name, example in media.get("examples", {}).items():
                    errors = list(validator(schema, media["schema"]).iter_errors(example["value"]))
                    assert not errors, (method, path, name, errors[0].message)
                    checked += 1
    assert checked >= 15


# Real responses against the schema -----------------------------------------------------------------------------------


@pytest.fixture
def pinned_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(db, pinned_now):
    location = LocationFactory(phone="")
    for day in WEEK:
        LocationNormalHourFactory(location=location, day_of_week=day, open_at=time(9), close_at=time(17))
    pooled = DefinitionFactory()
    staffed = DefinitionFactory(requires_staff=True, use_staff_from_location=True)
    for definition in (pooled, staffed):
        DefinitionNormalHourFactory(definition=definition, day_of_week="MON", available_from=time(10),
                                    available_until=time(12))  # fmt: skip
        DefinitionLocationFactory(definition=definition, location=location)
    staff = StaffAssignmentFactory(location=location, profile=ProfileFactory()).profile
    appointment = AppointmentFactory(definition=pooled, location=location, scheduled_start_at=NOW, notes="")
    return {"location": location, "pooled": pooled, "staffed": staffed, "staff": staff, "appointment": appointment}


A = "/api/v3/appointments"
D = "/api/v3/appointment-definitions"


def test_list_and_detail_responses_match(schema, api, world):
    AppointmentFactory(definition=world["pooled"], location=world["location"], assigned_staff=world["staff"])
    pk = world["appointment"].pk

    for method, path, url in [
        ("GET", A, A),
        ("GET", A + "/{id}", f"{A}/{pk}"),
        ("GET", A + "/{id}/events", f"{A}/{pk}/events"),
        ("GET", "/api/v3/locations", "/api/v3/locations"),
        ("GET", "/api/v3/locations/{id}", f"/api/v3/locations/{world['location'].pk}"),
        ("GET", "/api/v3/locations/{location_id}/normal-hours", f"/api/v3/locations/{world['location'].pk}/normal-hours"),
        ("GET", "/api/v3/profiles", "/api/v3/profiles"),
        ("GET", D, D),
        ("GET", D + "/{id}", f"{D}/{world['pooled'].pk}"),
        ("GET", D + "/{id}/questions", f"{D}/{world['pooled'].pk}/questions"),
        ("GET", "/api/v3", "/api/v3"),
    ]:  # fmt: skip
        response = api.get(url)
        assert response.status_code == 200, url
        assert_documented(schema, method, path, response)


def test_booking_and_moves_match(schema, api, world):
    body = {"appointment_definition_id": world["pooled"].pk, "profile_id": str(ProfileFactory().pk),
            "location_id": world["location"].pk, "scheduled_start_at": "2025-06-16 10:30:00",
            "timezone": "Australia/Melbourne"}  # fmt: skip

    request_schema = operation(schema, "POST", A)["requestBody"]["content"]["application/json"]["schema"]
    assert not list(validator(schema, request_schema).iter_errors(body))
    booked = api.post(A, body, format="json")
    assert booked.status_code == 201, booked.json()
    assert_documented(schema, "POST", A, booked)

    cancelled = api.put(f"{A}/{booked.json()['data']['id']}", {"status": "cancelled"}, format="json")
    assert cancelled.status_code == 200
    assert_documented(schema, "PUT", A + "/{id}", cancelled)

    linked = api.post(f"{A}/{booked.json()['data']['id']}/link", {"type": "list", "id": "L-1"}, format="json")
    assert linked.status_code == 200, linked.json()
    assert_documented(schema, "POST", A + "/{id}/link", linked)

    token = api.post(f"/api/v3/profiles/{body['profile_id']}/tokens", {}, format="json")
    assert token.status_code == 201
    assert_documented(schema, "POST", "/api/v3/profiles/{profile_id}/tokens", token)


def test_availability_responses_match(schema, api, world):
    pooled, staffed, location = world["pooled"], world["staffed"], world["location"]
    day = {"location_id": location.pk, "date": "2025-06-16"}

    for definition, path, data in [
        (pooled, "available-slots", day),
        (pooled, "available-slots", {**day, "date": "2025-06-17"}),  # closed: a reason in meta
        (staffed, "available-slots", {**day, "staff_id": str(world["staff"].pk)}),
        (pooled, "available-slots-range", {"location_id": location.pk, "start_date": "2025-06-15",
                                           "end_date": "2025-06-17"}),
        (staffed, "available-staff", day),
    ]:  # fmt: skip
        response = api.post(f"{D}/{definition.pk}/{path}", data, format="json")
        assert response.status_code == 200, response.json()
        assert_documented(schema, "POST", f"{D}/{{id}}/{path}", response)


def test_error_responses_match(schema, api, world, make_integration_client):
    slots = f"{D}/{{id}}/available-slots"
    url = f"{D}/{world['pooled'].pk}/available-slots"
    reader = make_integration_client(scopes=("locations:read",))
    taken = {"appointment_definition_id": world["pooled"].pk, "profile_id": str(ProfileFactory().pk),
             "location_id": world["location"].pk, "scheduled_start_at": "2025-06-09 10:00:00"}  # fmt: skip

    cases = [
        ("POST", slots, APIClient().post(url, {}, format="json"), 401),
        ("POST", slots, reader.post(url, {}, format="json"), 403),
        ("POST", slots, api.post(f"{D}/999999/available-slots", {}, format="json"), 404),
        ("POST", slots, api.post(url, {"date": "soon"}, format="json"), 422),
        ("POST", slots, api.post(url, "{not json", content_type="application/json"), 400),
        ("POST", A, api.post(A, taken, format="json"), 422),
        ("DELETE", "/api/v3/locations/{id}", api.delete(f"/api/v3/locations/{world['location'].pk}"), 409),
        ("GET", A, api.get(A, {"filter[nope]": "1"}), 422),
    ]
    for method, path, response, status in cases:
        assert response.status_code == status, (path, response.json())
        assert_documented(schema, method, path, response)


def test_the_strict_validation_catches_undocumented_and_missing_fields(schema):
    error = body_schema(schema, "POST", A, 422)
    ok = {"message": "m", "code": "validation_error", "errors": {"x": ["m"]}}

    assert not list(validator(schema, error).iter_errors(ok))
    assert list(validator(schema, error).iter_errors({**ok, "extra": 1}))
    assert list(validator(schema, error).iter_errors({"message": "m", "errors": {}}))
    slots = body_schema(schema, "POST", f"{D}/{{id}}/available-slots", 200)
    assert list(validator(schema, slots).iter_errors({"data": None, "meta": {}}))
