"""Input limits (API.md "Limits"): bad input anywhere in the API is a clear 4xx with the error envelope, never a
500, and nothing is written.

The tests walk the OpenAPI schema rather than hand-picked endpoints: every write operation with a body, every string
field of every request body, every list with `page[...]` and date filters, every operation that takes a date range
or a local wall time. A new endpoint or field is covered without editing this file; a new date-range or local-time
operation without a row in the tables below fails `test_*_tables_cover_the_schema`.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.apps import apps
from drf_spectacular.generators import SchemaGenerator

from config.api.parsers import MAX_JSON_DEPTH, NUL_MESSAGE, SURROGATE_MESSAGE
from tests.appointments.factories import QueueEntryFactory, WaitlistEntryFactory
from tests.factories import (
    AppointmentFactory,
    DefinitionFactory,
    DefinitionLocationFactory,
    DefinitionNormalHourFactory,
    DefinitionSpecialHourFactory,
    DefinitionStaffFactory,
    LocationFactory,
    LocationNormalHourFactory,
    LocationSpecialHourFactory,
    ProfileFactory,
    ProfileNormalHourFactory,
    ProfileSpecialHourFactory,
    StaffAssignmentFactory,
)
from tests.notifications.factories import TargetFactory
from tests.questionnaires.factories import QuestionFactory, QuestionnaireFactory
from tests.visits.factories import VisitFactory

NOW = datetime(2026, 9, 1, 0, 0, tzinfo=UTC)
WRITE_METHODS = ("post", "put", "patch")
OUR_APPS = {"config", "directory", "questionnaires", "notifications", "visits", "appointments"}
# Dates a client may send that datetime cannot hold, or that overflow once a zone's offset is applied.
BAD_DATES = ["0000-01-01", "10000-01-01", "9999-12-31", "0001-01-01", "1899-12-31", "3000-01-01"]
BAD_INSTANTS = [
    "0000-01-01T00:00:00Z",
    "10000-01-01T00:00:00Z",
    "9999-12-31T23:59:59-05:00",
    "0001-01-01T00:00:00+05:00",
    "9999-12-31 23:59:59",
    "1899-12-31T23:59:59Z",
]


# The schema and a world in which every path of it names a real record ---------------------------------------------


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema: dict, methods=("get", "post", "put", "patch", "delete")):
    for path, item in schema["paths"].items():
        for method, op in item.items():
            if method in methods:
                yield method, path, op


def resolved(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def body_properties(schema: dict, op: dict) -> dict[str, dict]:
    body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    return {name: resolved(schema, sub) for name, sub in resolved(schema, body or {}).get("properties", {}).items()}


def write_operations(schema: dict):
    for method, path, op in operations(schema, WRITE_METHODS):
        if body_properties(schema, op):
            yield method, path, op


@pytest.fixture
def world(db, api):
    """One record of every kind, linked, so that every path of the schema can name a real one."""
    with time_machine.travel(NOW, tick=False):
        location = LocationFactory(timezone="Australia/Melbourne")
        LocationNormalHourFactory(location=location)
        LocationSpecialHourFactory(location=location, start_at=date(2026, 12, 25))
        staff = ProfileFactory()
        StaffAssignmentFactory(location=location, profile=staff)
        definition = DefinitionFactory(allow_waitlist=True, allow_walk_in=True, allow_queue=True)
        DefinitionLocationFactory(definition=definition, location=location)
        DefinitionNormalHourFactory(definition=definition)
        DefinitionSpecialHourFactory(definition=definition, start_at=date(2026, 12, 25))
        DefinitionStaffFactory(definition=definition, staff=staff)
        profile = ProfileFactory()
        ProfileNormalHourFactory(profile=profile)
        ProfileSpecialHourFactory(profile=profile, start_at=date(2026, 12, 25))
        AppointmentFactory(definition=definition, location=location, profile=profile,
                           scheduled_start_at=datetime(2026, 9, 7, 0, tzinfo=UTC))  # fmt: skip
        WaitlistEntryFactory(definition=definition, location=location, profile=profile)
        QueueEntryFactory(definition=definition, location=location)
        VisitFactory(location=location, profile=profile)
        question = QuestionFactory()
        questionnaire = QuestionnaireFactory(questions=[{"mapping_key": "q", "question_id": question.pk}])
        TargetFactory()
    return {
        "location_id": location.pk,
        "definition_id": definition.pk,
        "profile_id": str(profile.pk),
        "questionnaire_id": questionnaire.pk,
        "location": location,
        "definition": definition,
        "profile": profile,
    }


def concrete(path: str, world: dict, api) -> str:
    """The path with its parameters filled in; `{id}` is the first record the collection before it lists."""
    head, marker, tail = path.partition("/{id}")
    for name in ("location_id", "definition_id", "profile_id", "questionnaire_id"):
        head = head.replace(f"{{{name}}}", str(world[name]))
    if not marker:
        return head
    listing = api.get(head)
    assert listing.status_code == 200, (head, listing.content)
    items = listing.json()["data"]
    assert items, f"the world has nothing under {head}"
    return f"{head}/{items[0]['id']}{tail}"


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in OUR_APPS and not model._meta.proxy
    }


def send(api, method: str, url: str, raw: bytes | str, **extra):
    return getattr(api, method)(url, data=raw, content_type="application/json", **extra)


def assert_envelope(response, status: int, code: str, errors: dict | None = None, message: str | None = None):
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"message", "code", "errors"}
    assert body["code"] == code, body
    if errors is not None:
        assert body["errors"] == errors, body
    if message is not None:
        assert body["message"] == message, body
    return body


# Bodies: size, encoding, nesting, NUL and half surrogate pairs, on every write operation ----------------------------


def first_string_field(properties: dict) -> str:
    return next((name for name, prop in properties.items() if prop.get("type") == "string"), next(iter(properties)))


def test_every_write_operation_refuses_a_body_over_the_limit_with_413(schema, api, world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    for method, path, op in write_operations(schema):
        url = concrete(path, world, api)
        before = row_counts()
        field = first_string_field(body_properties(schema, op))
        response = send(api, method, url, json.dumps({field: "x" * 2100}))
        assert_envelope(response, 413, "payload_too_large", {}, "The request body is larger than 2048 bytes.")
        assert row_counts() == before, (method, path)


def test_a_body_just_under_the_limit_is_read(api, world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    url = f"/api/v3/profiles/{world['profile_id']}"
    note = "x" * (2048 - len(json.dumps({"first_name": ""})))

    response = send(api, "patch", url, json.dumps({"first_name": note[:100], "attributes": {"n": note[:1900]}}))

    assert response.status_code == 200, response.content
    assert response.json()["data"]["attributes"] == {"n": note[:1900]}


def test_the_parser_enforces_the_limit_when_the_declared_length_lies(api, world, settings):
    """Django checks CONTENT_LENGTH; the parser reads no more than the limit whatever the header says."""
    from io import BytesIO

    from config.api.parsers import GuardedJSONParser, PayloadTooLarge

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64

    class Request:
        META = {"CONTENT_LENGTH": "10"}

    with pytest.raises(PayloadTooLarge):
        GuardedJSONParser().parse(BytesIO(b'{"a": "' + b"x" * 100 + b'"}'), None, {"request": Request()})
    assert GuardedJSONParser().parse(BytesIO(b'{"a": "x"}'), None, {"request": Request()}) == {"a": "x"}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'{"name": "caf\xe9"}', "The request body is not valid utf-8."),
        (b'{"name": "\xff\xfe"}', "The request body is not valid utf-8."),
        (b'{"name": NaN}', None),
        (b'{"name": "x"', None),
        (b"[" * 100_000 + b"]" * 100_000, f"JSON may be nested at most {MAX_JSON_DEPTH} levels deep."),
    ],
    ids=["latin-1", "bad-bytes", "nan", "truncated", "100000-deep"],
)
def test_every_write_operation_refuses_undecodable_bodies_with_400(schema, api, world, raw, message):
    for method, path, _op in write_operations(schema):
        url = concrete(path, world, api)
        before = row_counts()
        body = assert_envelope(send(api, method, url, raw), 400, "bad_request", {}, message)
        assert body["message"], (method, path)
        assert row_counts() == before, (method, path)


def nested(depth: int, leaf="x"):
    value = leaf
    for _ in range(depth):
        value = {"a": value}
    return value


def test_every_write_operation_refuses_json_nested_too_deep(schema, api, world):
    for method, path, op in write_operations(schema):
        url = concrete(path, world, api)
        before = row_counts()
        field = next(iter(body_properties(schema, op)))
        body = {field: nested(MAX_JSON_DEPTH)}  # the body object itself is one level
        response = send(api, method, url, json.dumps(body))
        assert_envelope(response, 400, "bad_request", {}, f"JSON may be nested at most {MAX_JSON_DEPTH} levels deep.")
        assert row_counts() == before, (method, path)


def test_meta_nested_to_the_limit_is_kept(api, world):
    """The depth limit refuses only what goes beyond it: meta at the deepest allowed level round-trips."""
    appointment = world["profile"].appointments.get()
    meta = nested(MAX_JSON_DEPTH - 2, leaf="deep")  # body -> meta -> 14 more objects

    response = send(api, "put", f"/api/v3/appointments/{appointment.pk}", json.dumps({"meta": meta}))

    assert response.status_code == 200, response.content
    assert response.json()["data"]["meta"] == meta


@pytest.mark.parametrize(
    ("char", "message"), [("\x00", NUL_MESSAGE), ("\ud800", SURROGATE_MESSAGE)], ids=["nul", "surrogate"]
)
def test_every_string_field_of_every_write_operation_refuses_nul_and_half_surrogates(schema, api, world, char, message):
    checked = 0
    for method, path, op in write_operations(schema):
        url = concrete(path, world, api)
        before = row_counts()
        for field in body_properties(schema, op):
            raw = json.dumps({field: f"a{char}b"})  # \u0000 and \ud800 escapes: valid JSON text
            assert_envelope(send(api, method, url, raw), 422, "validation_error", {field: [message]}, message)
            checked += 1
        assert row_counts() == before, (method, path)
    assert checked > 300


@pytest.mark.parametrize(
    ("char", "message"), [("\x00", NUL_MESSAGE), ("\ud800", SURROGATE_MESSAGE)], ids=["nul", "surrogate"]
)
def test_nul_inside_free_form_json_and_in_keys_is_named_by_its_place(schema, api, world, char, message):
    """meta, attributes, answers, context, options...: anything that takes objects or arrays."""
    checked = 0
    for method, path, op in write_operations(schema):
        url = concrete(path, world, api)
        before = row_counts()
        for field, prop in body_properties(schema, op).items():
            if prop.get("type") not in (None, "object", "array"):
                continue
            for value, where in (
                ([{"k": [1, f"a{char}"]}], f"{field}.0.k.1"),
                ({f"k{char}": 1}, f"{field}.k\ufffd"),  # the key is named with U+FFFD in place of the character
            ):
                response = send(api, method, url, json.dumps({field: value}))
                assert_envelope(response, 422, "validation_error", {where: [message]}, message)
                checked += 1
        assert row_counts() == before, (method, path)
    assert checked > 40
