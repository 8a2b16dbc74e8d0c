"""Scaling benchmark: how availability and booking cost grow with the data (not a test; `python bench/scaling.py`).

One Melbourne location open 08:00-20:00, a window of 31 days from tomorrow holding the same 10,000 appointments
in every round (as bench/availability.py), and three definitions: staff-required with 25 staff, staff-required with
100 staff (their own staff lists), and pooled with capacity 5. Each round adds appointments OUTSIDE the window
(other months at this location, for the same staff and definitions, and the window's months at another location)
until the table holds 10k, 100k and 1M rows, runs ANALYZE, then measures through the API in this process (Django's
WSGI handler, no socket; one persistent database connection, as a gunicorn worker has):

- availability: `available-slots-range` for 1, 7 and 31 days, per definition;
- booking: `POST /appointments` of a free slot, rolled back (so every round books the same slot), per definition.

Each figure is the median of BENCH_REPEAT runs (default 9) with its SQL query count. The cost of a request should
not grow with rows outside its window, and should grow no faster than linearly with staff x days. The last lines
compare 1M with 10k (target: within 1.5x).

PostgreSQL at BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/bench_scaling), dropped and created
again. BENCH_ROWS=10000,100000 for a shorter run.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_scaling")
os.environ.update(DEBUG="1", DATABASE_URL=URL, DB_CONN_MAX_AGE="600", API_RATE_LIMIT="100000000/min")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
ROWS = [int(n) for n in os.environ.get("BENCH_ROWS", "10000,100000,1000000").split(",")]
REPEAT = int(os.environ.get("BENCH_REPEAT", "9"))
WINDOW_APPOINTMENTS = 10_000
DAYS = 31


def recreate_database() -> None:
    import psycopg

    base, name = URL.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


recreate_database()

import django  # noqa: E402

django.setup()

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.signals import request_finished, request_started  # noqa: E402
from django.db import close_old_connections, connection, reset_queries, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from appointments.models import Appointment, AppointmentDefinition, DefinitionLocation, DefinitionStaff  # noqa: E402
from directory.enums import DayOfWeek, Scope  # noqa: E402
from directory.models import Location, LocationNormalHour, Profile, ProfileNormalHour  # noqa: E402
from directory.services.tokens import token_issue  # noqa: E402

MELBOURNE = "Australia/Melbourne"


def build(first_day) -> dict:
    """The location, the three definitions, 100 staff with varied shifts, and the window's 10,000 appointments."""
    location = Location.objects.create(handle="bench", name="Bench", timezone=MELBOURNE)
    elsewhere = Location.objects.create(handle="elsewhere", name="Elsewhere", timezone="America/New_York")
    LocationNormalHour.objects.bulk_create(
        LocationNormalHour(location=location, day_of_week=day, open_at=clock(8), close_at=clock(20))
        for day in DayOfWeek
    )
    staff = Profile.objects.bulk_create(Profile(first_name=f"Staff{i}", email=f"s{i}@bench.test") for i in range(100))
    customer = Profile.objects.create(first_name="Customer")
    ProfileNormalHour.objects.bulk_create(
        ProfileNormalHour(profile=person, day_of_week=day, available_from=clock(8 + i % 4),
                          available_until=clock(16 + i % 4))
        for i, person in enumerate(staff)
        for day in list(DayOfWeek)[: 5 + i % 3]
    )  # fmt: skip
    definitions = {}
    for handle, count in (("staff-25", 25), ("staff-100", 100)):
        definition = AppointmentDefinition.objects.create(
            handle=handle, name=handle, duration_minutes=30, slot_interval_minutes=15, booking_type="instant",
            requires_staff=True, use_staff_from_location=False, buffer_after_minutes=5, is_published=True,
        )  # fmt: skip
        DefinitionStaff.objects.bulk_create(
            DefinitionStaff(definition=definition, staff=person, sort_order=i) for i, person in enumerate(staff[:count])
        )
        definitions[handle] = definition
    definitions["pooled"] = AppointmentDefinition.objects.create(
        handle="pooled", name="pooled", duration_minutes=30, booking_type="instant", max_concurrent_bookings=5,
        is_published=True,
    )  # fmt: skip
    for definition in definitions.values():
        DefinitionLocation.objects.create(definition=definition, location=location)
        DefinitionLocation.objects.create(definition=definition, location=elsewhere)
    tz = location.timezone
    rows, per_staff_day = [], {}
    for n in range(WINDOW_APPOINTMENTS):
        if n % 5:  # staffed: each of the first 25 staff members' appointments of a day 45 minutes apart
            person, definition = staff[n % 25], definitions["staff-25" if n % 2 else "staff-100"]
            day = first_day + timedelta(days=(n // 25) % DAYS)
            k = per_staff_day[person.pk, day] = per_staff_day.get((person.pk, day), -1) + 1
            local = datetime.combine(day, clock(8), tzinfo=tz) + timedelta(minutes=45 * k)
        else:
            person, definition = None, definitions["pooled"]
            day = first_day + timedelta(days=n % DAYS)
            local = datetime.combine(day, clock(8), tzinfo=tz) + timedelta(minutes=15 * (n % 44))
        start = local.astimezone(UTC)
        end = start + timedelta(minutes=30)
        rows.append(
            Appointment(
                definition=definition, profile=customer, location=location, assigned_staff=person,
                status="confirmed", scheduled_start_at=start, scheduled_end_at=end, timezone=tz,
                occupancy_start=start, occupancy_end=end + timedelta(minutes=definition.buffer_after_minutes),
            )
        )  # fmt: skip
    Appointment.objects.bulk_create(rows, batch_size=2000)
    return {"location": location, "elsewhere": elsewhere, "definitions": definitions, "staff": staff,
            "customer": customer}  # fmt: skip


# Extra rows are copies of one window row with new times, written by PostgreSQL itself (generate_series), so that a
# million rows take seconds. Three kinds, in turn: the same 100 staff in the months after the window (45 minutes
# apart per staff member, as the exclusion constraint demands), pooled ones at this location in the months before
# the window, and pooled ones at the other location inside the window's dates.
EXTRA = """
INSERT INTO appointments_appointment ({columns})
SELECT {values}
FROM appointments_appointment AS t, generate_series(%(first)s, %(last)s) AS g
WHERE t.id = %(template)s
"""


def add_outside_rows(built: dict, first_day, count: int, offset: int) -> None:
    """`count` more appointments, none of which can touch the window at the bench location."""
    if count <= 0:
        return
    template = Appointment.objects.filter(assigned_staff__isnull=True).order_by("id").first()
    fields = [f.column for f in Appointment._meta.concrete_fields if f.column != "id"]
    after = datetime.combine(first_day + timedelta(days=DAYS + 7), clock(0), tzinfo=UTC)
    before = datetime.combine(first_day - timedelta(days=7), clock(0), tzinfo=UTC)
    staff_ids = [p.pk for p in built["staff"]]
    definitions = built["definitions"]
    kinds = {
        # the same staff, in later months: the staff occupancy query must skip them by time
        "staff": {
            "definition_id": f"CASE WHEN mod(g, 2) = 0 THEN {definitions['staff-25'].pk} ELSE {definitions['staff-100'].pk} END",
            "assigned_staff_id": "(ARRAY[{}]::uuid[])[mod(g, 100) + 1]".format(",".join(f"'{i}'" for i in staff_ids)),
            "location_id": str(built["location"].pk),
            "start": f"TIMESTAMPTZ '{after.isoformat()}' + (g / 100) * INTERVAL '45 minutes'",
        },
        # pooled, in earlier months at the same location: skipped by time
        "earlier": {
            "definition_id": str(definitions["pooled"].pk),
            "assigned_staff_id": "NULL",
            "location_id": str(built["location"].pk),
            "start": f"TIMESTAMPTZ '{before.isoformat()}' - (g / 5) * INTERVAL '15 minutes'",
        },
        # pooled, in the window's dates at the other location: skipped by location
        "elsewhere": {
            "definition_id": str(definitions["pooled"].pk),
            "assigned_staff_id": "NULL",
            "location_id": str(built["elsewhere"].pk),
            "start": f"TIMESTAMPTZ '{first_day.isoformat()}T12:00:00+00:00' + mod(g, 31 * 48) * INTERVAL '30 minutes'",
        },
    }
    share = count // 3
    parts = [("staff", share), ("earlier", share), ("elsewhere", count - 2 * share)]
    with connection.cursor() as cursor:
        for kind, n in parts:
            spec = kinds[kind]
            start = spec["start"]
            values = []
            for column in fields:
                values.append(
                    {
                        "definition_id": spec["definition_id"],
                        "assigned_staff_id": spec["assigned_staff_id"],
                        "location_id": spec["location_id"],
                        "scheduled_start_at": start,
                        "scheduled_end_at": f"({start}) + INTERVAL '30 minutes'",
                        "occupancy_start": start,
                        "occupancy_end": f"({start}) + INTERVAL '35 minutes'",
                    }.get(column, f"t.{connection.ops.quote_name(column)}")
                )
            quoted = ", ".join(connection.ops.quote_name(column) for column in fields)
            sql = EXTRA.format(columns=quoted, values=", ".join(values))
            cursor.execute(sql, {"first": offset, "last": offset + n - 1, "template": template.pk})
            offset += n
        cursor.execute("ANALYZE appointments_appointment")


class Api:
    """Requests through Django's WSGI handler in this thread: the whole stack but the socket, with query counts."""

    def __init__(self, token: str):
        self.handler = WSGIHandler()
        self.token = token
        # As Django's test client does: a booking is rolled back inside an outer transaction, which the handler's
        # connection check at each request's start and end would take for a broken connection and close.
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        raw = json.dumps(body).encode() if body is not None else b""
        environ = {
            "REQUEST_METHOD": method, "PATH_INFO": path, "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80",
            "HTTP_HOST": "127.0.0.1", "wsgi.url_scheme": "http", "wsgi.input": BytesIO(raw), "wsgi.errors": sys.stderr,
            "CONTENT_LENGTH": str(len(raw)), "CONTENT_TYPE": "application/json",
            "HTTP_AUTHORIZATION": f"Bearer {self.token}",
        }  # fmt: skip
        status: list[str] = []
        payload = b"".join(self.handler(environ, lambda s, headers, *exc: status.append(s)))
        return int(status[0].split()[0]), (json.loads(payload) if payload else {})

    def measure(self, method: str, path: str, body: dict, expect: int, *, rollback: bool = False) -> tuple[float, int]:
        """(median ms, queries) of REPEAT requests that must answer `expect`."""

        def once() -> None:
            if rollback:
                with transaction.atomic():
                    code, payload = self.call(method, path, body)
                    transaction.set_rollback(True)
            else:
                code, payload = self.call(method, path, body)
            if code != expect:
                raise RuntimeError(f"{method} {path}: {code} {payload}")

        once()  # warm up (per-process caches, the connection)
        reset_queries()  # DEBUG's query log is capped (9,000): a full one would count nothing
        with CaptureQueriesContext(connection) as captured:
            once()
        samples = []
        for _ in range(REPEAT):
            started = time.perf_counter()
            once()
            samples.append((time.perf_counter() - started) * 1000)
        return statistics.median(samples), len(captured.captured_queries)


def free_slot(api: Api, definition, location, day) -> str:
    """The local start of a free slot on `day` (the first of its afternoon), for the booking figures."""
    path = f"/api/v3/appointment-definitions/{definition.pk}/available-slots-range"
    code, payload = api.call("POST", path, {"location_id": location.pk, "start_date": day.isoformat(),
                                             "end_date": day.isoformat()})  # fmt: skip
    if code != 200:
        raise RuntimeError(f"{path}: {code} {payload}")
    slots = payload["data"]
    if not slots:
        raise RuntimeError(f"no free slot for {definition.handle} on {day}")
    return slots[len(slots) // 2]["local_start_at"]


def measure_round(api: Api, built: dict, first_day) -> dict:
    location = built["location"]
    figures = {}
    for handle, definition in built["definitions"].items():
        path = f"/api/v3/appointment-definitions/{definition.pk}/available-slots-range"
        for days in (1, 7, 31):
            end = first_day + timedelta(days=days - 1)
            body = {"location_id": location.pk, "start_date": first_day.isoformat(), "end_date": end.isoformat()}
            figures[handle, f"availability {days:>2} d"] = api.measure("POST", path, body, 200)
        start = free_slot(api, definition, location, first_day + timedelta(days=3))
        body = {"appointment_definition_id": definition.pk, "profile_id": str(built["customer"].pk),
                "location_id": location.pk, "scheduled_start_at": start, "timezone": MELBOURNE}  # fmt: skip
        figures[handle, "booking"] = api.measure("POST", "/api/v3/appointments", body, 201, rollback=True)
    return figures


def main() -> None:
    call_command("migrate", verbosity=0, interactive=False)
    first_day = (datetime.now(UTC) + timedelta(days=1)).date()
    built = build(first_day)
    _, token = token_issue(name="bench", scopes=[Scope.ADMIN])
    api = Api(token)
    rounds = {}
    added = 0
    for total in ROWS:
        started = time.perf_counter()
        add_outside_rows(built, first_day, total - Appointment.objects.count(), offset=added)
        added = Appointment.objects.count()
        print(f"{added:,} appointments ({WINDOW_APPOINTMENTS:,} in the window), loaded in "
              f"{time.perf_counter() - started:.0f} s", flush=True)  # fmt: skip
        rounds[total] = measure_round(api, built, first_day)
    keys = list(rounds[ROWS[0]])
    header = "".join(f"{f'{n:,} rows':>20}" for n in ROWS)
    print(f"\nmedian ms (queries), {REPEAT} runs, PostgreSQL, through the WSGI handler")
    print(f"{'case':<34}{header}")
    for key in keys:
        cells = "".join(f"{f'{rounds[n][key][0]:.1f} ({rounds[n][key][1]})':>20}" for n in ROWS)
        print(f"{key[0] + ', ' + key[1]:<34}{cells}")
    if len(ROWS) > 1:
        low, high = ROWS[0], ROWS[-1]
        ratios = [rounds[high][key][0] / rounds[low][key][0] for key in keys]
        worst = max(zip(ratios, keys, strict=True))
        print(f"\n{high:,} rows / {low:,} rows: median ratio {statistics.median(ratios):.2f}, worst "
              f"{worst[0]:.2f} ({worst[1][0]}, {worst[1][1]}); target: every ratio at most 1.5")  # fmt: skip
    staff = [
        rounds[ROWS[-1]]["staff-100", "availability 31 d"][0],
        rounds[ROWS[-1]]["staff-25", "availability 31 d"][0],
    ]
    print(
        f"staff x days: 100 staff / 25 staff over 31 days at {ROWS[-1]:,} rows: {staff[0] / staff[1]:.2f}x "
        "(linear would be 4x)"
    )


if __name__ == "__main__":
    main()
