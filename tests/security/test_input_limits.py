"""Input limits (API.md "Limits"): bad input anywhere in the API is a clear 4xx with the error envelope, never a
500, and nothing is written.

The tests walk the OpenAPI schema rather than hand-picked endpoints: every write operation with a body, every string
field of every request body, every list with `page[...]` and date filters, every operation that takes a date range
or a local wall time. A new endpoint or field is covered without editing this file; a new date-range or local-time
operation without a row in the tables below fails `test_*_tables_cover_the_schema`.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.apps import apps
from django.urls import resolve
from drf_spectacular.generators import SchemaGenerator

from core.api.fields import OUT_OF_RANGE
from core.api.parsers import MAX_JSON_DEPTH, NUL_MESSAGE, SURROGATE_MESSAGE
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
from tests.notifications.factories import NotificationFactory, TargetFactory
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
        NotificationFactory(target=TargetFactory())
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
    if listing.status_code in (404, 405):  # no list (tokens, submissions): a record that does not exist
        return f"{head}/0{tail}"
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

    from core.api.parsers import GuardedJSONParser, PayloadTooLarge

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


# Query strings: encoding and NUL, on every operation -----------------------------------------------------------------


def test_every_operation_refuses_a_query_string_that_is_not_utf8_with_400(schema, api, world):
    for method, path, _op in operations(schema):
        url = concrete(path, world, api)
        before = row_counts()
        for query in ("filter%5Bsearch%5D=caf%E9", "sort=%FF", "%C3%28=1"):
            response = getattr(api, method)(f"{url}?{query}")
            message = "The query string is not valid UTF-8."
            assert_envelope(response, 400, "bad_request", {"query": [message]}, message)
        assert row_counts() == before, (method, path)


def test_every_operation_refuses_nul_in_a_query_parameter_with_422(schema, api, world):
    for method, path, _op in operations(schema):
        url = concrete(path, world, api)
        before = row_counts()
        for query, param in (("filter%5Bsearch%5D=a%00b", "filter[search]"), ("page%5Bsize%5D=%00", "page[size]"),
                             ("x%00y=1", "xy")):  # fmt: skip
            response = getattr(api, method)(f"{url}?{query}")
            assert_envelope(response, 422, "validation_error", {param: [NUL_MESSAGE]}, NUL_MESSAGE)
        assert row_counts() == before, (method, path)


def test_a_plain_utf8_query_string_still_filters(api, world):
    world["profile"].first_name = "Zoë"
    world["profile"].save()

    response = api.get("/api/v3/profiles?filter%5Bsearch%5D=Zo%C3%AB")

    assert response.status_code == 200, response.content
    assert [row["id"] for row in response.json()["data"]] == [world["profile_id"]]


# Pagination: page[size] and page[number] on every paginated list ------------------------------------------------------


def paginated_lists(schema: dict):
    for _method, path, op in operations(schema, ("get",)):
        if any(param["name"] == "page[size]" for param in op.get("parameters", [])):
            yield path


BAD_PAGE_VALUES = ["0", "-1", "abc", "1.5", "1e3", " 5", "+5", "1_0", "\u0665", "9" * 19]


def test_every_list_refuses_a_bad_page_value_with_422(schema, api, world):
    """Refused rather than clamped, so that the client learns its mistake (API.md "Pagination")."""
    lists = list(paginated_lists(schema))
    assert len(lists) >= 15
    for path in lists:
        url = concrete(path, world, api)
        for param in ("page[size]", "page[number]"):
            for value in BAD_PAGE_VALUES:
                message = f"{param} must be a whole number of at least 1."
                assert_envelope(api.get(url, {param: value}), 422, "validation_error", {param: [message]}, message)


def test_every_list_refuses_a_page_size_over_100_and_takes_100(schema, api, world):
    for path in paginated_lists(schema):
        url = concrete(path, world, api)
        too_big = api.get(url, {"page[size]": "101"})
        assert_envelope(too_big, 422, "validation_error", {"page[size]": ["page[size] may be at most 100."]})
        huge = api.get(url, {"page[size]": "1" + "0" * 17})
        assert_envelope(huge, 422, "validation_error", {"page[size]": ["page[size] may be at most 100."]})
        assert api.get(url, {"page[size]": "100"}).json()["meta"]["per_page"] == 100


def test_a_page_far_past_the_last_is_empty_not_an_error(schema, api, world):
    for path in paginated_lists(schema):
        response = api.get(concrete(path, world, api), {"page[number]": "9" * 18})
        assert response.status_code == 200, (path, response.content)
        assert response.json()["data"] == []
        assert response.json()["meta"]["current_page"] == int("9" * 18)


# Dates: filters, date ranges, single dates, every date field of every body ---------------------------------------------


def date_filters(schema: dict, world: dict, api):
    """(url, parameter) for every ordered date or datetime filter of every list, read from its view."""
    for path in paginated_lists(schema):
        url = concrete(path, world, api)
        view = resolve(url).func.cls
        for field, kind in getattr(view, "filter_fields", {}).items():
            if kind in ("date", "datetime"):
                yield url, f"filter[{field}][gte]", kind


def test_every_date_filter_refuses_dates_outside_the_window(schema, api, world):
    checked = 0
    for url, param, kind in date_filters(schema, world, api):
        for value in BAD_INSTANTS if kind == "datetime" else BAD_DATES:
            body = assert_envelope(api.get(url, {param: value}), 422, "validation_error")
            assert list(body["errors"]) == [param], (url, value, body)
            checked += 1
        assert api.get(url, {param: "2026-01-01" if kind == "date" else "2026-01-01T00:00:00Z"}).status_code == 200
    assert checked > 60


def test_a_filter_at_the_edges_of_the_window_is_taken(api, world):
    for value in ("1900-01-01T00:00:00Z", "2999-12-31T23:59:59Z"):
        response = api.get("/api/v3/appointments", {"filter[scheduled_start_at][gte]": value})
        assert response.status_code == 200, response.content
    response = api.get(
        "/api/v3/appointments", {"filter[scheduled_start_at][in]": "2026-09-07T00:00:00Z,0001-01-01T00:00:00+05:00"}
    )
    assert_envelope(response, 422, "validation_error", {"filter[scheduled_start_at][in]": [OUT_OF_RANGE]})


# (method, path) -> the most days it may cover, inclusively.
RANGE_OPERATIONS = {
    ("post", "/api/v3/appointment-definitions/{id}/available-slots-range"): 31,
    ("get", "/api/v3/reports/appointments"): 366,
    ("get", "/api/v3/reports/footfall"): 366,
    ("get", "/api/v3/reports/nps"): 367,
    ("get", "/api/v3/reports/csat"): 367,
}


def takes(schema: dict, op: dict, name: str) -> bool:
    params = {param["name"] for param in op.get("parameters", [])}
    return name in params or name in body_properties(schema, op)


def test_range_tables_cover_the_schema(schema):
    ranged = {
        (m, p) for m, p, op in operations(schema) if takes(schema, op, "start_date") and takes(schema, op, "end_date")
    }
    assert ranged == set(RANGE_OPERATIONS)


def ask_range(api, method: str, url: str, world: dict, start: str, end: str):
    args = {"location_id": world["location_id"], "start_date": start, "end_date": end}
    if method == "get":
        return api.get(url, args)
    return api.post(url, args, format="json")


def test_every_range_operation_takes_its_longest_range_and_refuses_one_day_more(api, world):
    start = date(2026, 9, 1)
    with time_machine.travel(NOW, tick=False):
        for (method, path), days in RANGE_OPERATIONS.items():
            url = concrete(path, world, api)
            longest = ask_range(api, method, url, world, start.isoformat(), (start + timedelta(days - 1)).isoformat())
            assert longest.status_code == 200, (path, longest.content)
            too_long = ask_range(api, method, url, world, start.isoformat(), (start + timedelta(days)).isoformat())
            body = assert_envelope(too_long, 422, "validation_error")
            assert list(body["errors"]) == ["end_date"], (path, body)
            backwards = ask_range(api, method, url, world, start.isoformat(), (start - timedelta(1)).isoformat())
            body = assert_envelope(backwards, 422, "validation_error")
            assert list(body["errors"]) == ["end_date"], (path, body)


@pytest.mark.parametrize("bad", BAD_DATES)
def test_every_range_operation_refuses_dates_outside_the_window(api, world, bad):
    for (method, path), _days in RANGE_OPERATIONS.items():
        url = concrete(path, world, api)
        for start, end, field in ((bad, bad, "start_date"), ("2026-09-01", bad, "end_date")):
            body = assert_envelope(ask_range(api, method, url, world, start, end), 422, "validation_error")
            assert field in body["errors"], (path, bad, body)


def test_every_date_and_datetime_field_of_every_body_refuses_impossible_dates(schema, api, world):
    """Special hours, availability days, staff assignment periods, token expiry...: never a 500."""
    checked = 0
    for method, path, op in write_operations(schema):
        url = concrete(path, world, api)
        before = row_counts()
        for field, prop in body_properties(schema, op).items():
            if prop.get("format") not in ("date", "date-time"):
                continue
            for value in BAD_DATES if prop["format"] == "date" else BAD_INSTANTS:
                response = send(api, method, url, json.dumps({field: value}))
                body = assert_envelope(response, 422, "validation_error")
                assert field in body["errors"], (method, path, field, value, body)
                checked += 1
        assert row_counts() == before, (method, path)
    assert checked > 80


# Local wall times: daylight-saving gaps and overlaps, and instants that overflow, wherever the API takes one ----------

GAP = "2026-10-04 02:30:00"  # Melbourne skips 02:00-03:00 on Sunday 4 October 2026
OVERLAP = "2027-04-04 02:30:00"  # ...and repeats 02:00-03:00 on Sunday 4 April 2027 (AEDT +11, then AEST +10)
OVERLAP_FIRST = "2027-04-03T15:30:00Z"


def local_time_fields(schema: dict):
    """(method, path, field) for every body field documented as a local wall time (core.api.fields)."""
    for method, path, op in write_operations(schema):
        for field, prop in body_properties(schema, op).items():
            if prop.get("description", "").startswith("'YYYY-MM-DD HH:MM:SS' local to"):
                yield method, path, field


def local_time_body(method: str, path: str, field: str, value: str, world: dict) -> dict:
    """The smallest body that reaches the conversion of `field`: everything else valid."""
    body = {field: value, "timezone": "Australia/Melbourne"}
    if field == "scheduled_end_at":  # the start is fine; the end (start + 30 minutes) is the wall time under test
        start = datetime.fromisoformat(value) - timedelta(minutes=30) if "T" not in value else None
        body["scheduled_start_at"] = f"{start:%Y-%m-%d %H:%M:%S}" if start else value
    if method == "post":
        body |= {"location_id": world["location_id"], "profile_id": world["profile_id"]}
        if "visits" not in path:
            body["appointment_definition_id"] = world["definition_id"]
    if "/appointments" in path:
        body["override_availability"] = True
    return body


LOCAL_TIME_OUTPUT = {"scheduled_start_at": "scheduled_start_at", "scheduled_end_at": "scheduled_end_at",
                     "desired_start_at": "desired_start_at", "visited_at": "visited_at"}  # fmt: skip


def test_local_time_tables_cover_the_schema(schema):
    fields = {field for _m, _p, field in local_time_fields(schema)}
    assert fields == set(LOCAL_TIME_OUTPUT)
    assert len(list(local_time_fields(schema))) >= 20


def test_every_local_time_in_a_daylight_saving_gap_is_a_422_on_its_field(schema, api, world):
    with time_machine.travel(NOW, tick=False):
        for method, path, field in local_time_fields(schema):
            url = concrete(path, world, api)
            before = row_counts()
            value = "2026-10-04 02:15:00" if field == "scheduled_end_at" else GAP
            response = send(api, method, url, json.dumps(local_time_body(method, path, field, value, world)))
            message = f"{value} does not exist in Australia/Melbourne (daylight-saving gap)."
            assert_envelope(response, 422, "validation_error", {field: [message]}, message)
            assert row_counts() == before, (method, path, field)


def test_every_local_time_in_a_repeated_hour_means_its_first_occurrence(schema, api, world):
    """DOMAIN.md "Time": the repeated hour is read as its first occurrence (fold=0), the same everywhere."""
    world["definition"].max_advance_days = 1000
    world["definition"].max_concurrent_bookings = 10
    world["definition"].save()
    with time_machine.travel(NOW, tick=False):
        for method, path, field in local_time_fields(schema):
            if field == "scheduled_end_at":
                continue  # only ever checked against start + duration; the start carries the rule
            url = concrete(path, world, api)
            body = local_time_body(method, path, field, OVERLAP, world)
            response = send(api, method, url, json.dumps(body))
            assert response.status_code in (200, 201), (method, path, response.content)
            assert response.json()["data"][LOCAL_TIME_OUTPUT[field]] == OVERLAP_FIRST, (method, path)


@pytest.mark.parametrize(
    "value",
    ["9999-12-31 23:59:59", "9999-12-31T23:59:59-05:00", "0001-01-01 00:00:00", "0000-01-01 00:00:00",
     "10000-01-01 00:00:00", "3000-01-01 00:00:00", "2026-02-30 10:00:00", "2026-10-04 24:00:00"],
)  # fmt: skip
def test_every_local_time_outside_the_window_or_impossible_is_a_422_on_its_field(schema, api, world, value):
    with time_machine.travel(NOW, tick=False):
        for method, path, field in local_time_fields(schema):
            url = concrete(path, world, api)
            before = row_counts()
            body = {field: value, "timezone": "America/New_York"}
            response = send(api, method, url, json.dumps(body))
            errors = assert_envelope(response, 422, "validation_error")["errors"]
            assert field in errors, (method, path, value, errors)
            assert row_counts() == before, (method, path, field)


def test_the_local_time_conversion_itself_refuses_overflow():
    """The last guard, for callers that bypass the API's window (the console, imports)."""
    from zoneinfo import ZoneInfo

    from core.errors import ValidationFailed
    from core.localtime import localize

    wall_times = (("9999-12-31 23:00:00", "America/New_York"), ("0001-01-01 01:00:00", "Asia/Tokyo"))
    for text, zone in wall_times:
        value = datetime.fromisoformat(text)  # naive: a wall time in `zone`
        with pytest.raises(ValidationFailed) as refused:
            localize(value, ZoneInfo(zone), "start")
        assert refused.value.errors == {"start": [f"{value:%Y-%m-%d %H:%M:%S} is out of range."]}


@pytest.mark.parametrize(
    ("question_type", "value"),
    [("datetime", "0001-01-01T00:00:00+05:00"), ("datetime", "9999-12-31T23:59:59-05:00"),
     ("datetime", "10000-01-01T00:00:00Z"), ("date", "0000-01-01"), ("date", "10000-01-01")],
)  # fmt: skip
def test_questionnaire_answers_with_impossible_dates_are_a_422_on_the_answer(api, world, question_type, value):
    question = QuestionFactory(type=question_type)
    form = QuestionnaireFactory(questions=[{"mapping_key": "when", "question_id": question.pk}])
    slot = form.current_version.slots.get(mapping_key="when").pk
    before = row_counts()

    response = api.post(f"/api/v3/questionnaires/{form.pk}/submissions",
                        {"answers": [{"questionnaire_question_id": slot, "value": value}]}, format="json")  # fmt: skip

    message = {"datetime": "Must be an ISO 8601 date and time with an offset.", "date": "Must be a date as YYYY-MM-DD."}
    assert_envelope(response, 422, "validation_error", {"answers.when": [message[question_type]]})
    assert row_counts() == before


# Numbers beyond what the database holds ------------------------------------------------------------------------------


def test_ids_beyond_a_bigint_in_paths_are_not_found(schema, api, world):
    huge = "9" * 25
    numeric = ("id", "location_id", "definition_id", "questionnaire_id")
    for method, path, _op in operations(schema):
        if not any(f"{{{name}}}" in path for name in numeric):
            continue
        url = path
        for name in numeric:
            url = url.replace(f"{{{name}}}", huge)
        url = url.replace("{profile_id}", world["profile_id"])
        before = row_counts()
        if method in WRITE_METHODS:  # an empty body may be refused before the lookup (availability asks first)
            response = send(api, method, url, "{}")
            assert response.status_code in (404, 422), (method, path, response.content)
        else:
            assert_envelope(getattr(api, method)(url), 404, "not_found")
        assert row_counts() == before, (method, path)


def test_integer_fields_beyond_a_bigint_in_bodies_are_refused(schema, api, world):
    """A 422 (on the field, or on the fields the body lacks when the id is only looked up after them), or a 404 for an
    id that names the record to act on: never a 500 from the database."""
    checked = 0
    for method, path, op in write_operations(schema):
        url = concrete(path, world, api)
        before = row_counts()
        for field, prop in body_properties(schema, op).items():
            if prop.get("type") != "integer":
                continue
            response = send(api, method, url, json.dumps({field: 10**30}))
            assert response.status_code in (404, 422), (method, path, field, response.content)
            assert set(response.json()) == {"message", "code", "errors"}
            checked += 1
        assert row_counts() == before, (method, path)
    assert checked > 50
