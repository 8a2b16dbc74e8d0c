"""Footfall benchmark: prints median wall times and query counts (not a test; run `python bench/visits.py`).

Scenario (issue 11): 1,000,000 visits spread over 20 locations and 90 days, every source; the footfall report of
one location over 31 days, through the selector and through the HTTP endpoint (in-process client). Target: under
100 ms with a constant query count.

Runs on PostgreSQL at BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/bench_waitlists_visits),
which it drops and creates again. The rows are written by one INSERT ... SELECT over generate_series.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_waitlists_visits")
os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("API_RATE_LIMIT", "1000000/min")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from directory.models import Location  # noqa: E402
from directory.services.tokens import token_issue  # noqa: E402
from visits.selectors import footfall  # noqa: E402

VISITS = int(os.environ.get("BENCH_VISITS", "1000000"))
LOCATIONS = 20
SPAN_DAYS = 90
REPORT_DAYS = 31
REPEAT = int(os.environ.get("BENCH_REPEAT", "21"))
FIRST_DAY = date(2025, 1, 1)
TIMEZONES = ("Australia/Melbourne", "Europe/London", "America/New_York", "Asia/Tokyo")


def reset_database() -> None:
    import psycopg

    base, name = os.environ["BENCH_DATABASE_URL"].rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0, interactive=False)


def build() -> list[Location]:
    locations = Location.objects.bulk_create(
        Location(handle=f"bench-{n}", name=f"Bench {n}", timezone=TIMEZONES[n % len(TIMEZONES)])
        for n in range(LOCATIONS)
    )
    ids = [location.pk for location in locations]
    seconds = SPAN_DAYS * 86400
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO visits_visit (location_id, visited_at, timezone, source, external_id, tags, type, notes,
                                      created_at, updated_at)
            SELECT (%s::bigint[])[1 + (n %% %s)],
                   %s::timestamptz + make_interval(secs => (n::bigint * 7919) %% %s),
                   'UTC',
                   (ARRAY['manual', 'appointment', 'queue', 'import'])[1 + (n %% 4)],
                   '', '[]'::jsonb, '', '', now(), now()
            FROM generate_series(1, %s) AS n
            """,
            [ids, LOCATIONS, f"{FIRST_DAY.isoformat()}T00:00:00Z", seconds, VISITS],
        )
    with connection.cursor() as cursor:  # autocommit: VACUUM cannot run in a transaction
        # As autovacuum would: the visibility map lets the report read the covering index alone.
        cursor.execute("VACUUM ANALYZE visits_visit")
    return locations


def median_ms(call) -> tuple[float, int]:
    call()  # warm
    times = []
    queries = 0
    for _ in range(REPEAT):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            call()
            times.append((time.perf_counter() - started) * 1000)
        queries = len(captured.captured_queries)
    return statistics.median(times), queries


def main() -> None:
    if connection.vendor != "postgresql":
        raise SystemExit("bench/visits.py needs PostgreSQL (BENCH_DATABASE_URL).")
    if os.environ.get("BENCH_REUSE"):  # measure again on the database a previous run built
        locations = list(Location.objects.filter(handle__startswith="bench-").order_by("id"))
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE visits_visit")
    else:
        reset_database()
        started = time.perf_counter()
        locations = build()
        print(
            f"built {VISITS:,} visits at {LOCATIONS} locations over {SPAN_DAYS} days in {time.perf_counter() - started:.1f} s"
        )
    location = locations[0]
    start = FIRST_DAY + timedelta(days=30)
    end = start + timedelta(days=REPORT_DAYS - 1)
    rows = footfall(location, start, end)
    print(
        f"report: {len(rows)} days, {sum(r['total'] for r in rows):,} visits at {location.handle} ({location.timezone})"
    )

    ms, queries = median_ms(lambda: footfall(location, start, end))
    print(f"footfall selector, {REPORT_DAYS} days: median {ms:.1f} ms, {queries} queries")
    ms_week, queries_week = median_ms(lambda: footfall(location, start, start + timedelta(days=6)))
    print(f"footfall selector, 7 days:  median {ms_week:.1f} ms, {queries_week} queries")

    _, raw = token_issue(name="bench", scopes=["admin"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    url = f"/api/v3/reports/footfall?location_id={location.pk}&start_date={start}&end_date={end}"
    assert client.get(url).status_code == 200
    ms_http, queries_http = median_ms(lambda: client.get(url))
    print(f"GET /reports/footfall, {REPORT_DAYS} days: median {ms_http:.1f} ms, {queries_http} queries")


if __name__ == "__main__":
    main()
