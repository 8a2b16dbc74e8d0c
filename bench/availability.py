"""Availability benchmark: prints median wall times and query counts (not a test; run `python bench/availability.py`).

Scenario (issue "Appointment definitions and the availability engine"): one location, a staff-required definition
with 25 staff on varied hours and 10,000 holding appointments over 31 days, and a pooled definition with
capacity 5. Figures: the engine alone, selectors + engine, the HTTP endpoint (a real server on loopback), and the
SQL query count, for the 31-day range and for a single day.

Runs on a fresh SQLite file under var/ unless BENCH_DATABASE_URL names a PostgreSQL database, which it drops and
creates again (e.g. postgres://postgres@127.0.0.1:5432/bench_availability).
"""

from __future__ import annotations

import http.client
import json
import os
import random
import statistics
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = ROOT / "var" / "bench-availability.sqlite3"
os.environ.setdefault("DEBUG", "1")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{BENCH_DB}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("API_RATE_LIMIT", "1000000/min")
# As a gunicorn worker runs in production: one process answering one request at a time on a persistent database
# connection (a thread per request would open a new connection per request, ~6 ms that production never pays).
os.environ.setdefault("DB_CONN_MAX_AGE", "600")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from appointments import selectors  # noqa: E402
from appointments.availability import slots_for_range  # noqa: E402
from appointments.enums import AppointmentStatus  # noqa: E402
from appointments.models import Appointment, AppointmentDefinition, DefinitionLocation, DefinitionNormalHour  # noqa: E402
from directory.enums import DayOfWeek, Scope  # noqa: E402
from directory.models import Location, LocationNormalHour, Profile, ProfileNormalHour, StaffAssignment  # noqa: E402
from directory.services.tokens import token_issue  # noqa: E402

STAFF = 25
APPOINTMENTS = 10_000
DAYS = 31
REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))


def reset_database() -> None:
    """A fresh database: the SQLite file is deleted, a PostgreSQL database dropped and created again."""
    if connection.vendor == "postgresql":
        import psycopg

        url = os.environ["BENCH_DATABASE_URL"]
        base, name = url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{BENCH_DB}{suffix}").unlink(missing_ok=True)
    call_command("migrate", verbosity=0, interactive=False)


def build(first_day) -> dict:
    rng = random.Random(42)
    location = Location.objects.create(handle="bench", name="Bench", timezone="Australia/Melbourne")
    LocationNormalHour.objects.bulk_create(
        LocationNormalHour(location=location, day_of_week=day, open_at=clock(8), close_at=clock(20))
        for day in DayOfWeek
    )
    staffed = AppointmentDefinition.objects.create(
        handle="staffed", name="Staffed", duration_minutes=30, slot_interval_minutes=15, booking_type="instant",
        requires_staff=True, buffer_after_minutes=5, is_published=True,
    )  # fmt: skip
    pooled = AppointmentDefinition.objects.create(
        handle="pooled", name="Pooled", duration_minutes=30, booking_type="instant", max_concurrent_bookings=5,
        is_published=True,
    )  # fmt: skip
    for definition in (staffed, pooled):
        DefinitionLocation.objects.create(definition=definition, location=location)
        DefinitionNormalHour.objects.bulk_create(
            DefinitionNormalHour(definition=definition, day_of_week=day, available_from=clock(9),
                                 available_until=clock(18))
            for day in DayOfWeek
        )  # fmt: skip
    staff = Profile.objects.bulk_create(Profile(first_name=f"Staff{i}", email=f"s{i}@bench.test") for i in range(STAFF))
    customer = Profile.objects.create(first_name="Customer")
    StaffAssignment.objects.bulk_create(
        StaffAssignment(location=location, profile=p, assignment_type="staff", sort_order=i)
        for i, p in enumerate(staff)
    )
    hours = []
    for i, person in enumerate(staff):
        start = 8 + i % 4  # varied shifts: 08-16, 09-17, 10-18, 11-19
        for day in list(DayOfWeek)[: 5 + i % 3]:
            hours.append(ProfileNormalHour(profile=person, day_of_week=day, available_from=clock(start),
                                           available_until=clock(start + 8)))  # fmt: skip
    ProfileNormalHour.objects.bulk_create(hours)
    tz = location.timezone
    rows = []
    per_staff_day: dict = {}
    for n in range(APPOINTMENTS):
        staffed_row = n % 5 != 0
        definition = staffed if staffed_row else pooled
        if staffed_row:
            # Each staff member's appointments of a day follow each other 45 minutes apart: never overlapping,
            # as the database's exclusion constraint demands.
            person = staff[n % STAFF]
            day = first_day + timedelta(days=(n // STAFF) % DAYS)
            k = per_staff_day[person.pk, day] = per_staff_day.get((person.pk, day), -1) + 1
            local = datetime.combine(day, clock(8), tzinfo=tz) + timedelta(minutes=45 * k)
        else:
            person = None
            day = first_day + timedelta(days=n % DAYS)
            local = datetime.combine(day, clock(8), tzinfo=tz) + timedelta(minutes=15 * rng.randrange(0, 44))
        start = local.astimezone(UTC)
        end = start + timedelta(minutes=30)
        rows.append(
            Appointment(
                definition=definition, profile=customer, location=location, assigned_staff=person,
                status=AppointmentStatus.CONFIRMED, scheduled_start_at=start, scheduled_end_at=end, timezone=tz,
                occupancy_start=start, occupancy_end=end + timedelta(minutes=definition.buffer_after_minutes),
            )
        )  # fmt: skip
    Appointment.objects.bulk_create(rows, batch_size=1000)
    return {"location": location, "staffed": staffed, "pooled": pooled}


def median_ms(fn) -> float:
    fn()  # warm up
    samples = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def query_count(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured.captured_queries)


def serve(app=None):
    """A server thread on a free loopback port for `app` (the project's WSGI application by default)."""
    server = WSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    server.set_app(app or get_wsgi_application())
    WSGIRequestHandler.log_message = lambda *args: None
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def http_post(port: int, token: str, path: str, body: dict) -> bytes:
    """The answer's bytes, once all have arrived. Decoding them is the client's work (about 2.5 ms for the month's
    250 kB, in this same process), so it is left out of the HTTP figure; main() checks one decoded answer."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(
        "POST", path, json.dumps(body), {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    )
    response = conn.getresponse()
    payload = response.read()
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"{path}: {response.status} {payload[:500]!r}")
    return payload


def main() -> None:
    reset_database()
    now = datetime.now(UTC)
    first_day = (now + timedelta(days=1)).date()
    last_day = first_day + timedelta(days=DAYS - 1)
    built = build(first_day)
    location = built["location"]
    _, raw_token = token_issue(name="bench", scopes=[Scope.ADMIN])
    server = serve()
    port = server.server_address[1]
    print(f"Scenario: {STAFF} staff, {Appointment.objects.count()} holding appointments over {DAYS} days, "
          f"database {connection.vendor}, median of {REPEAT} runs")  # fmt: skip
    print(f"{'case':<34}{'engine ms':>11}{'sel+engine ms':>15}{'HTTP ms':>10}{'queries':>9}{'slots':>7}")
    for label, definition in (
        ("staff-required (25 staff)", built["staffed"]),
        ("pooled (capacity 5)", built["pooled"]),
    ):
        for span, end in (("31-day range", last_day), ("single day", first_day)):
            loaded = selectors.load_availability(definition, location, first_day, end)
            slots = slots_for_range(loaded.context, first_day, end, now=now)
            engine = median_ms(lambda: slots_for_range(loaded.context, first_day, end, now=now))  # noqa: B023
            full = median_ms(lambda: selectors.range_slots(definition, location.pk, first_day, end, now=now))  # noqa: B023
            queries = query_count(lambda: selectors.range_slots(definition, location.pk, first_day, end, now=now))  # noqa: B023
            path = f"/api/v3/appointment-definitions/{definition.pk}/available-slots-range"
            body = {"location_id": location.pk, "start_date": first_day.isoformat(), "end_date": end.isoformat()}
            answered = json.loads(http_post(port, raw_token, path, body))
            if len(answered["data"]) != len(slots):
                raise RuntimeError(f"{path}: {len(answered['data'])} slots over HTTP, {len(slots)} from the engine")
            http_ms = median_ms(lambda: http_post(port, raw_token, path, body))  # noqa: B023
            print(f"{label + ', ' + span:<34}{engine:>11.1f}{full:>15.1f}{http_ms:>10.1f}{queries:>9}{len(slots):>7}")
    server.shutdown()
    print("Targets (25-staff scenario): range <150 ms selectors+engine, <250 ms HTTP; single day <20 ms; <=10 queries.")


if __name__ == "__main__":
    main()
