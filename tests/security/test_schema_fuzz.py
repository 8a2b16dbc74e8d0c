"""Schema fuzzing: schemathesis generates requests for every operation of /api/schema/ and checks the answers.

Every response must not be a 5xx, must use a status code the operation documents, must have the documented
content type and must match the documented body schema. Three cases in four name the seeded records
(tests/security/fuzz_support.py) instead of generated ids; a quarter call as the seeded customer, the rest as an
admin integration. Each case runs in a savepoint that is rolled back, so every case sees the same seeded data.
docs/api.md "Schema fuzzing" has the rules and the knobs for a deeper local run (FUZZ_MAX_EXAMPLES, FUZZ_COVERAGE,
FUZZ_RANDOM, FUZZ_ALLOW_NUL).
"""

from __future__ import annotations

import os
from contextlib import contextmanager

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, connection, transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.security.fuzz_support import seed, seeded_path_parameters

pytestmark = pytest.mark.postgres
if connection.vendor != "postgresql" and not os.environ.get("REQUIRE_SERVICES"):
    # Loading the schema and building 159 tests costs seconds; the marker would skip every one anyway.
    pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://...", allow_module_level=True)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "20"))

# NUL in strings is fuzzed too: the body parser and the query-string middleware refuse it with a 422 (docs/api.md
# "Limits"); FUZZ_ALLOW_NUL=0 leaves it out.
ALLOW_NUL = os.environ.get("FUZZ_ALLOW_NUL") != "0"
PHASES = {"coverage": {"enabled": os.environ.get("FUZZ_COVERAGE") == "1"}, "stateful": {"enabled": False}}
schema = schemathesis.openapi.from_wsgi(
    "/api/schema/",
    get_wsgi_application(),
    config=schemathesis.Config.from_dict({"phases": PHASES, "generation": {"allow-x00": ALLOW_NUL}}),
)

SEEDS: dict[str, object] = {}
SECRETS: dict[str, str] = {}
CALLERS = ["admin", "admin", "admin", "customer"]


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    """Three cases in four name the seeded records, so existing objects are read, changed and deleted; the rest
    keep the generated parameters (mostly a 404)."""
    if not path_parameters:
        return st.just(path_parameters)
    path = context.operation.path
    return st.sampled_from([True, True, True, False]).map(
        # The examples phase draws at collection time, before anything is seeded.
        lambda use_seeds: seeded_path_parameters(path, SEEDS) if use_seeds and SEEDS else path_parameters
    )


@schema.hook
def flatmap_case(context, case):
    """Three cases in four call as the admin integration, one as the seeded customer."""

    def authorize(caller):
        return authorized(case, caller) if SECRETS else case  # drawn at collection time: nothing seeded yet

    return st.sampled_from(CALLERS).map(authorize)


def authorized(case, caller: str):
    headers = {name: value for name, value in (case.headers or {}).items() if name.lower() != "authorization"}
    case.headers = {**headers, "Authorization": f"Bearer {SECRETS[caller]}"}
    return case


@pytest.fixture(scope="module")
def seeded_once(django_db_setup, django_db_blocker):
    """Seeded once for the module, in a transaction rolled back at its end; each test's `db` transaction nests
    inside it as a savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():
        seeds, secrets = seed()
        SEEDS.update(seeds)
        SECRETS.update(secrets)
        yield
        SEEDS.clear()
        SECRETS.clear()
        transaction.set_rollback(True)


@pytest.fixture
def seeded(seeded_once, db):
    pass


@contextmanager
def rolled_back_request():
    """The request runs in a savepoint that is rolled back; the WSGI handler must not close the connection of
    the test's transaction at the end of the request (Django's test client disconnects the same handler)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        with transaction.atomic():
            yield
            transaction.set_rollback(True)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    database=None,
    deadline=None,
    derandomize=os.environ.get("FUZZ_RANDOM") != "1",
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_operation_answers_as_documented(case, seeded):
    if (case.headers or {}).get("Authorization") not in {f"Bearer {secret}" for secret in SECRETS.values()}:
        authorized(case, "admin")  # the examples and coverage phases do not run flatmap_case
    cache.clear()  # throttle counters: the fuzzer is one caller sending far more than a real one would
    with rolled_back_request():
        case.call_and_validate(checks=CHECKS)
