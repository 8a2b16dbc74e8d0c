"""Every operation of the OpenAPI schema, called by nine principals; the expected status of each pair is the table
MATRIX below (docs/api.md "Authorization").

Each operation is one test that plants the world (tests/security/matrix_setup.py) and calls the operation once per
principal, rolling back after each call so that a DELETE by one does not change what the next one gets. Path
parameters always name customer B's records (and the shared location, definition, questionnaire...): customer A
must get a 404 wherever B gets through, and nothing customer A is ever shown may contain B's ids, email or notes.
Every error body is the error envelope. Writes send `{}` (known invalid: 422 where the caller gets past
authorization) unless BODIES gives a known-valid body.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import transaction
from drf_spectacular.generators import SchemaGenerator

from appointments.selectors.fastpath import clear_schedule_cache
from tests.security.matrix_setup import DAY, PRINCIPALS, plant

pytestmark = pytest.mark.django_db


def schema_operations() -> dict[str, tuple[str, str]]:
    """operationId -> (METHOD, path template), from the same generator /api/schema/ serves."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        operation["operationId"]: (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    }


OPERATIONS = schema_operations()

# Columns: anon expired revoked cust_a cust_b read write operator manager. "a|b": either status, when the outcome
# legitimately depends on the state (none today; keep it that way where possible).
# Conventions: 401 without a usable token; 403 when the caller's scopes or role do not allow the operation; 404 for
# a customer addressing anything that is not theirs (or not published); 422 for a known-invalid body that got past
# authorization.
# fmt: off
MATRIX: dict[str, str] = {
    # The index reveals nothing and ignores the Authorization header (core/api/index.py).
    "api_index": "200 200 200 200 200 200 200 200 200",
    "appointment_definitions_available_slots_create": "401 401 401 200 200 200 200 200 200",
    "appointment_definitions_available_slots_range_create": "401 401 401 200 200 200 200 200 200",
    # 422 for everyone who gets through: the planted definition does not require staff.
    "appointment_definitions_available_staff_create": "401 401 401 422 422 422 422 422 422",
    "appointment_definitions_create": "401 401 401 403 403 403 422 403 422",
    "appointment_definitions_destroy": "401 401 401 403 403 403 409 403 409",
    "appointment_definitions_list": "401 401 401 200 200 200 200 200 200",
    "appointment_definitions_locations_create": "401 401 401 403 403 403 422 403 422",
    "appointment_definitions_locations_destroy": "401 401 401 403 403 403 204 403 204",
    "appointment_definitions_locations_list": "401 401 401 200 200 200 200 200 200",
    "appointment_definitions_locations_partial_update": "401 401 401 403 403 403 422 403 422",
    "appointment_definitions_locations_retrieve": "401 401 401 200 200 200 200 200 200",
    "appointment_definitions_locations_update": "401 401 401 403 403 403 422 403 422",
    "appointment_definitions_normal_hours_create": "401 401 401 403 403 403 422 403 422",
    "appointment_definitions_normal_hours_destroy": "401 401 401 403 403 403 204 403 204",
    "appointment_definitions_normal_hours_list": "401 401 401 200 200 200 200 200 200",
    "appointment_definitions_normal_hours_partial_update": "401 401 401 403 403 403 200 403 200",
    "appointment_definitions_normal_hours_retrieve": "401 401 401 200 200 200 200 200 200",
    "appointment_definitions_normal_hours_update": "401 401 401 403 403 403 200 403 200",
    "appointment_definitions_partial_update": "401 401 401 403 403 403 200 403 200",
    "appointment_definitions_questions_retrieve": "401 401 401 200 200 200 200 200 200",
    "appointment_definitions_retrieve": "401 401 401 200 200 200 200 200 200",
    "appointment_definitions_special_hours_create": "401 401 401 403 403 403 422 403 422",
    "appointment_definitions_special_hours_destroy": "401 401 401 403 403 403 204 403 204",
    "appointment_definitions_special_hours_list": "401 401 401 200 200 200 200 200 200",
    "appointment_definitions_special_hours_partial_update": "401 401 401 403 403 403 200 403 200",
    "appointment_definitions_special_hours_retrieve": "401 401 401 200 200 200 200 200 200",
    "appointment_definitions_special_hours_update": "401 401 401 403 403 403 200 403 200",
    "appointment_definitions_staff_create": "401 401 401 403 403 403 422 403 422",
    "appointment_definitions_staff_destroy": "401 401 401 403 403 403 204 403 204",
    "appointment_definitions_staff_list": "401 401 401 200 200 200 200 200 200",
    "appointment_definitions_staff_partial_update": "401 401 401 403 403 403 200 403 200",
    "appointment_definitions_staff_retrieve": "401 401 401 200 200 200 200 200 200",
    "appointment_definitions_staff_update": "401 401 401 403 403 403 200 403 200",
    "appointment_definitions_update": "401 401 401 403 403 403 200 403 200",
    "appointment_queues_convert_create": "401 401 401 403 403 403 422 403 422",
    "appointment_queues_create": "401 401 401 403 201 403 201 403 201",
    "appointment_queues_destroy": "401 401 401 403 403 403 204 403 204",
    "appointment_queues_list": "401 401 401 200 200 200 200 200 200",
    "appointment_queues_partial_update": "401 401 401 404 200 403 200 403 200",
    "appointment_queues_retrieve": "401 401 401 404 200 200 200 200 200",
    "appointment_queues_update": "401 401 401 404 200 403 200 403 200",
    "appointment_waitlists_claim_create": "401 401 401 404 409 403 409 403 409",
    "appointment_waitlists_create": "401 401 401 403 201 403 201 403 201",
    "appointment_waitlists_decline_create": "401 401 401 404 409 403 409 403 409",
    "appointment_waitlists_destroy": "401 401 401 403 403 403 204 403 204",
    "appointment_waitlists_list": "401 401 401 200 200 200 200 200 200",
    "appointment_waitlists_partial_update": "401 401 401 404 200 403 200 403 200",
    "appointment_waitlists_retrieve": "401 401 401 404 200 200 200 200 200",
    "appointment_waitlists_update": "401 401 401 404 200 403 200 403 200",
    "appointments_create": "401 401 401 403 201 403 201 403 201",
    "appointments_destroy": "401 401 401 403 403 403 204 403 204",
    "appointments_events_retrieve": "401 401 401 404 200 200 200 200 200",
    "appointments_link_create": "401 401 401 403 403 403 422 403 422",
    "appointments_list": "401 401 401 200 200 200 200 200 200",
    "appointments_partial_update": "401 401 401 404 200 403 200 403 200",
    "appointments_retrieve": "401 401 401 404 200 200 200 200 200",
    "appointments_unlink_create": "401 401 401 403 403 403 422 403 422",
    "appointments_update": "401 401 401 404 200 403 200 403 200",
    "locations_create": "401 401 401 403 403 403 422 403 422",
    "locations_destroy": "401 401 401 403 403 403 409 403 409",
    "locations_list": "401 401 401 200 200 200 200 200 200",
    "locations_normal_hours_create": "401 401 401 403 403 403 422 403 422",
    "locations_normal_hours_destroy": "401 401 401 403 403 403 204 403 204",
    "locations_normal_hours_list": "401 401 401 200 200 200 200 200 200",
    "locations_normal_hours_partial_update": "401 401 401 403 403 403 200 403 200",
    "locations_normal_hours_retrieve": "401 401 401 200 200 200 200 200 200",
    "locations_normal_hours_update": "401 401 401 403 403 403 200 403 200",
    "locations_partial_update": "401 401 401 403 403 403 200 403 200",
    "locations_profiles_create": "401 401 401 403 403 403 422 403 422",
    "locations_profiles_destroy": "401 401 401 403 403 403 204 403 204",
    "locations_profiles_list": "401 401 401 403 403 200 200 200 200",
    "locations_profiles_partial_update": "401 401 401 403 403 403 200 403 200",
    "locations_profiles_retrieve": "401 401 401 403 403 200 200 200 200",
    "locations_profiles_update": "401 401 401 403 403 403 200 403 200",
    "locations_retrieve": "401 401 401 200 200 200 200 200 200",
    "locations_special_hours_create": "401 401 401 403 403 403 422 403 422",
    "locations_special_hours_destroy": "401 401 401 403 403 403 204 403 204",
    "locations_special_hours_list": "401 401 401 200 200 200 200 200 200",
    "locations_special_hours_partial_update": "401 401 401 403 403 403 200 403 200",
    "locations_special_hours_retrieve": "401 401 401 200 200 200 200 200 200",
    "locations_special_hours_update": "401 401 401 403 403 403 200 403 200",
    "locations_update": "401 401 401 403 403 403 200 403 200",
    "notifications_list": "401 401 401 403 403 403 403 403 200",
    "notifications_retrieve": "401 401 401 403 403 403 403 403 200",
    "profiles_appointment_definitions_visibility_list": "401 401 401 404 200 200 200 200 200",
    "profiles_appointment_waitlists_create": "401 401 401 404 201 403 201 403 201",
    "profiles_appointment_waitlists_destroy": "401 401 401 403 403 403 204 403 204",
    "profiles_appointment_waitlists_list": "401 401 401 404 200 200 200 200 200",
    "profiles_appointment_waitlists_partial_update": "401 401 401 404 200 403 200 403 200",
    "profiles_appointment_waitlists_retrieve": "401 401 401 404 200 200 200 200 200",
    "profiles_appointment_waitlists_update": "401 401 401 404 200 403 200 403 200",
    "profiles_appointments_create": "401 401 401 404 201 403 201 403 201",
    "profiles_appointments_destroy": "401 401 401 403 403 403 204 403 204",
    "profiles_appointments_events_retrieve": "401 401 401 404 200 200 200 200 200",
    "profiles_appointments_link_create": "401 401 401 403 403 403 422 403 422",
    "profiles_appointments_list": "401 401 401 404 200 200 200 200 200",
    "profiles_appointments_partial_update": "401 401 401 404 200 403 200 403 200",
    "profiles_appointments_retrieve": "401 401 401 404 200 200 200 200 200",
    "profiles_appointments_unlink_create": "401 401 401 403 403 403 422 403 422",
    "profiles_appointments_update": "401 401 401 404 200 403 200 403 200",
    "profiles_create": "401 401 401 403 403 403 201 403 201",
    "profiles_destroy": "401 401 401 403 403 403 409 403 409",
    "profiles_list": "401 401 401 403 403 200 200 200 200",
    "profiles_normal_hours_create": "401 401 401 403 403 403 422 403 422",
    "profiles_normal_hours_destroy": "401 401 401 403 403 403 204 403 204",
    "profiles_normal_hours_list": "401 401 401 403 403 200 200 200 200",
    "profiles_normal_hours_partial_update": "401 401 401 403 403 403 200 403 200",
    "profiles_normal_hours_retrieve": "401 401 401 403 403 200 200 200 200",
    "profiles_normal_hours_update": "401 401 401 403 403 403 200 403 200",
    "profiles_partial_update": "401 401 401 404 200 403 200 403 200",
    "profiles_retrieve": "401 401 401 404 200 200 200 200 200",
    "profiles_special_hours_create": "401 401 401 403 403 403 422 403 422",
    "profiles_special_hours_destroy": "401 401 401 403 403 403 204 403 204",
    "profiles_special_hours_list": "401 401 401 403 403 200 200 200 200",
    "profiles_special_hours_partial_update": "401 401 401 403 403 403 200 403 200",
    "profiles_special_hours_retrieve": "401 401 401 403 403 200 200 200 200",
    "profiles_special_hours_update": "401 401 401 403 403 403 200 403 200",
    "profiles_tokens_create": "401 401 401 403 403 403 201 403 201",
    "profiles_tokens_destroy": "401 401 401 403 403 403 204 403 204",
    "profiles_update": "401 401 401 404 200 403 200 403 200",
    "profiles_visits_create": "401 401 401 403 403 403 422 403 422",
    "profiles_visits_destroy": "401 401 401 403 403 403 204 403 204",
    "profiles_visits_list": "401 401 401 404 200 200 200 200 200",
    "profiles_visits_partial_update": "401 401 401 403 403 403 200 403 200",
    "profiles_visits_retrieve": "401 401 401 404 200 200 200 200 200",
    "profiles_visits_update": "401 401 401 403 403 403 200 403 200",
    "questionnaires_create": "401 401 401 403 403 403 422 403 422",
    "questionnaires_list": "401 401 401 200 200 200 200 200 200",
    "questionnaires_partial_update": "401 401 401 403 403 403 200 403 200",
    "questionnaires_retrieve": "401 401 401 200 200 200 200 200 200",
    "questionnaires_submissions_create": "401 401 401 403 201 403 201 403 201",
    "questionnaires_submissions_list": "401 401 401 200 200 200 200 200 200",
    "questionnaires_update": "401 401 401 403 403 403 200 403 200",
    "questionnaires_versions_retrieve": "401 401 401 403 403 200 200 200 200",
    "questions_create": "401 401 401 403 403 403 422 403 422",
    "questions_list": "401 401 401 403 403 200 200 200 200",
    "questions_partial_update": "401 401 401 403 403 403 200 403 200",
    "questions_retrieve": "401 401 401 403 403 200 200 200 200",
    "questions_update": "401 401 401 403 403 403 200 403 200",
    "questions_versions_retrieve": "401 401 401 403 403 200 200 200 200",
    "ratings_list": "401 401 401 200 200 200 200 200 200",
    "reports_appointments_retrieve": "401 401 401 403 403 200 200 200 200",
    "reports_csat_retrieve": "401 401 401 403 403 200 200 200 200",
    "reports_footfall_retrieve": "401 401 401 403 403 200 200 200 200",
    "reports_nps_retrieve": "401 401 401 403 403 200 200 200 200",
    "submissions_retrieve": "401 401 401 404 200 200 200 200 200",
    "targets_create": "401 401 401 403 403 403 403 403 422",
    "targets_destroy": "401 401 401 403 403 403 403 403 409",
    "targets_list": "401 401 401 403 403 403 403 403 200",
    "targets_partial_update": "401 401 401 403 403 403 403 403 200",
    "targets_retrieve": "401 401 401 403 403 403 403 403 200",
    "targets_update": "401 401 401 403 403 403 403 403 200",
    "visits_create": "401 401 401 403 403 403 422 403 422",
    "visits_destroy": "401 401 401 403 403 403 204 403 204",
    "visits_list": "401 401 401 200 200 200 200 200 200",
    "visits_partial_update": "401 401 401 403 403 403 200 403 200",
    "visits_retrieve": "401 401 401 404 200 200 200 200 200",
    "visits_update": "401 401 401 403 403 403 200 403 200",
}
# fmt: on


def path_for(template: str, world, method: str = "GET") -> str:
    """Fill each {placeholder} with a planted record, chosen by the path segment(s) before it."""
    if method in ("PUT", "PATCH") and template.endswith(
        "/appointment-definitions/{definition_id}/locations/{location_id}"
    ):
        # GET and DELETE take the link row's id, PUT and PATCH the location's, as Omneo does (DefinitionLocationViewSet).
        return f"/api/v3/appointment-definitions/{world.definition.pk}/locations/{world.location.pk}"
    parts = template.strip("/").split("/")
    out = []
    for index, part in enumerate(parts):
        if not part.startswith("{"):
            out.append(part)
            continue
        owner = parts[index - 1]
        parent = parts[2] if index > 3 else ""  # /api/v3/<parent>/{...}/<owner>/{id}
        out.append(str(world.records[RECORD_OF[(parent, owner)]]))
    return "/" + "/".join(out)


RECORD_OF = {
    ("", "appointment-definitions"): "definition",
    ("appointment-definitions", "locations"): "definition_location",
    ("appointment-definitions", "normal-hours"): "definition_normal_hour",
    ("appointment-definitions", "special-hours"): "definition_special_hour",
    ("appointment-definitions", "staff"): "definition_staff",
    ("", "appointment-queues"): "queue",
    ("", "appointment-waitlists"): "waitlist",
    ("", "appointments"): "appointment",
    ("", "locations"): "location",
    ("locations", "normal-hours"): "location_normal_hour",
    ("locations", "special-hours"): "location_special_hour",
    ("locations", "profiles"): "staff_assignment",
    ("", "notifications"): "notification",
    ("", "profiles"): "profile",
    ("profiles", "appointment-waitlists"): "waitlist",
    ("profiles", "appointments"): "appointment",
    ("profiles", "normal-hours"): "profile_normal_hour",
    ("profiles", "special-hours"): "profile_special_hour",
    ("profiles", "tokens"): "token",
    ("profiles", "visits"): "visit",
    ("", "questionnaires"): "questionnaire",
    ("", "questions"): "question",
    ("", "submissions"): "submission",
    ("", "targets"): "target",
    ("", "visits"): "visit",
}

REPORT_QUERY = {"start_date": DAY.isoformat(), "end_date": (DAY + timedelta(days=6)).isoformat()}
# GET query strings (the location id is added by query_for).
QUERIES = {
    "reports_appointments_retrieve": REPORT_QUERY,
    "reports_csat_retrieve": REPORT_QUERY,
    "reports_footfall_retrieve": REPORT_QUERY,
    "reports_nps_retrieve": REPORT_QUERY,
}


def query_for(operation_id: str, world) -> dict:
    query = QUERIES.get(operation_id)
    return {"location_id": world.location.pk, **query} if query else {}


def body_for(operation_id: str, world) -> dict:
    """A known-valid body for the operations below (so that the owner and staff get a 2xx and a customer acting for
    somebody else is refused for that reason alone); `{}`, known invalid, for every other write."""
    records, day = world.records, DAY.isoformat()
    place = {"appointment_definition_id": records["definition"], "location_id": records["location"]}
    booking = {**place, "scheduled_start_at": f"{day} 11:00:00", "timezone": "Australia/Melbourne"}
    for_b = {"profile_id": records["profile"]}
    bodies = {
        "appointment_definitions_available_slots_create": {"location_id": records["location"], "date": day},
        "appointment_definitions_available_staff_create": {"location_id": records["location"], "date": day},
        "appointment_definitions_available_slots_range_create": {
            "location_id": records["location"],
            "start_date": day,
            "end_date": (DAY + timedelta(days=6)).isoformat(),
        },
        "appointments_create": {**booking, **for_b},
        "profiles_appointments_create": booking,
        "appointment_waitlists_create": {**place, **for_b},
        "profiles_appointment_waitlists_create": place,
        "appointment_queues_create": {**place, **for_b},
        "questionnaires_submissions_create": {
            **for_b,
            "answers": [{"questionnaire_question_id": records["questionnaire_question"], "value": "Yes"}],
        },
    }
    return bodies.get(operation_id, {})


def call(client, method: str, path: str, query: dict, body):
    if method == "GET":
        return client.get(path, query, HTTP_ACCEPT="application/json")
    if method == "DELETE":
        return client.delete(path, HTTP_ACCEPT="application/json")
    return client.generic(
        method, path, json.dumps(body), content_type="application/json", HTTP_ACCEPT="application/json"
    )


def observe(operation_id: str, world) -> tuple[list[int], list[str]]:
    """Call the operation as every principal; the statuses in PRINCIPALS order and what went wrong on the way."""
    method, template = OPERATIONS[operation_id]
    path = path_for(template, world, method)
    query, body = query_for(operation_id, world), body_for(operation_id, world)
    statuses, problems = [], []
    for name in PRINCIPALS:
        with transaction.atomic():
            response = call(world.clients[name], method, path, query, body)
            transaction.set_rollback(True)
        cache.clear()  # the schedule cache and throttles must not remember a rolled-back write
        clear_schedule_cache()
        statuses.append(response.status_code)
        problems += [f"{name}: {problem}" for problem in check_response(response)]
        if name == "cust_a":
            leaks = world.b_leaks(response.content)
            if leaks:
                problems.append(f"cust_a: response {response.status_code} shows customer B's {leaks}")
    return statuses, problems


ENVELOPE_KEYS = {"message", "code", "errors"}


def check_response(response) -> list[str]:
    if response.status_code >= 500:
        return [f"server error {response.status_code}: {response.content[:300]!r}"]
    if response.status_code < 400:
        return []
    try:
        body = response.json()
    except ValueError:
        return [f"{response.status_code} is not JSON: {response.content[:200]!r}"]
    if not (
        isinstance(body, dict)
        and set(body) == ENVELOPE_KEYS
        and isinstance(body["message"], str)
        and body["message"]
        and isinstance(body["code"], str)
        and re.fullmatch(r"[a-z_]+", body["code"])
        and isinstance(body["errors"], dict)
    ):
        return [f"{response.status_code} is not the error envelope: {body!r}"]
    return []


def matches(expected: str, statuses: list[int]) -> bool:
    cells = expected.split()
    return len(cells) == len(statuses) and all(
        str(status) in cell.split("|") for cell, status in zip(cells, statuses, strict=True)
    )


def row(statuses: list[int]) -> str:
    return " ".join(str(status) for status in statuses)


def test_every_schema_operation_has_a_row_and_every_row_an_operation():
    missing = sorted(set(OPERATIONS) - set(MATRIX))
    stale = sorted(set(MATRIX) - set(OPERATIONS))
    assert not missing, f"operations in the schema without a row in MATRIX: {missing}"
    assert not stale, f"rows in MATRIX for operations no longer in the schema: {stale}"


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_operation(operation_id):
    expected = MATRIX.get(operation_id)
    assert expected is not None, f"{operation_id} ({' '.join(OPERATIONS[operation_id])}) has no row in MATRIX"
    world = plant()

    statuses, problems = observe(operation_id, world)

    assert matches(expected, statuses), (
        f"{operation_id}: expected  {expected}\n{' ' * len(operation_id)}  got       {row(statuses)}\n"
        f"(columns: {' '.join(PRINCIPALS)})"
    )
    assert not problems, "\n".join(problems)
