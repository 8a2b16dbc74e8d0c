"""NPS report benchmark: prints median wall times and query counts (not a test; run `python bench/questionnaires.py`).

Scenario (issue 9 "Performance"): 200,000 NPS ratings at one Melbourne location over one year (plus 50,000 at
another location and 20,000 CSAT ratings that the report must skip), then the NPS report for that location and
year by week: the report function alone, and the HTTP endpoint (`GET /api/v3/reports/nps`) through a real server
on loopback. Target: under 100 ms on PostgreSQL with a fixed number of queries (served by the
(location, scale, rated_at, score) index).

Runs on a fresh SQLite file under var/ unless BENCH_DATABASE_URL names a PostgreSQL database, which it drops and
creates again (e.g. postgres://postgres@127.0.0.1:5432/bench_questionnaires).
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
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = ROOT / "var" / "bench-questionnaires.sqlite3"
os.environ.setdefault("DEBUG", "1")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{BENCH_DB}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("API_RATE_LIMIT", "1000000/min")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from directory.enums import Scope  # noqa: E402
from directory.models import Location  # noqa: E402
from directory.services.tokens import token_issue  # noqa: E402
from questionnaires.models import Rating  # noqa: E402
from questionnaires.models.submission import local_date  # noqa: E402
from questionnaires.reports import rating_report  # noqa: E402

RATINGS = int(os.environ.get("BENCH_RATINGS", "200000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))
START = date(2025, 1, 1)
END = date(2025, 12, 31)


def reset_database() -> None:
    if connection.vendor == "postgresql":
        import psycopg

        url = os.environ["BENCH_DATABASE_URL"]
        base, name = url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
    else:
        BENCH_DB.parent.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{BENCH_DB}{suffix}").unlink(missing_ok=True)
    call_command("migrate", verbosity=0, interactive=False)


def build() -> Location:
    rng = random.Random(9)
    location = Location.objects.create(handle="bench", name="Bench", timezone="Australia/Melbourne")
    other = Location.objects.create(handle="other", name="Other", timezone="Europe/London")
    first = datetime(2024, 12, 31, 13, 0, tzinfo=UTC)  # local midnight of 2025-01-01 in Melbourne
    seconds = 365 * 86400

    def rows(n, where, scale, low, high):
        for _ in range(n):
            rated_at = first + timedelta(seconds=rng.randrange(seconds))
            yield Rating(location=where, scale=scale, score=rng.randint(low, high), rated_at=rated_at,
                         rated_on=local_date(rated_at, where))  # fmt: skip

    for where, scale, n, low, high in ((location, "nps", RATINGS, 0, 10), (other, "nps", RATINGS // 4, 0, 10),
                                       (location, "csat", RATINGS // 10, 1, 5)):  # fmt: skip
        batch = list(rows(n, where, scale, low, high))
        for index in range(0, len(batch), 5000):
            Rating.objects.bulk_create(batch[index : index + 5000])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE questionnaires_rating")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return location


def timed(call) -> tuple[float, int]:
    """Median milliseconds over REPEAT runs (after one warm-up) and the query count of one run."""
    call()
    with CaptureQueriesContext(connection) as captured:
        call()
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), len(captured)


def serve():
    server = ThreadedWSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    server.set_app(get_wsgi_application())
    WSGIRequestHandler.log_message = lambda *args: None
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    reset_database()
    started = time.perf_counter()
    location = build()
    print(f"database: {connection.vendor}; {Rating.objects.count():,} ratings built in "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip

    report = rating_report("nps", location=location, start=START, end=END, interval="week")
    print(f"check: {report['total']:,} NPS ratings in {len(report['series'])} weeks, NPS {report['score']}")
    for interval in ("week", None, "day"):
        ms, queries = timed(
            lambda i=interval: rating_report("nps", location=location, start=START, end=END, interval=i)
        )
        print(f"report function, interval={interval or 'none'}: median {ms:.1f} ms, {queries} query")

    _, raw = token_issue(name="bench", scopes=[Scope.ADMIN])
    server = serve()
    host, port = server.server_address
    path = f"/api/v3/reports/nps?location_id={location.pk}&start_date={START}&end_date={END}&interval=week"

    def get():
        conn = http.client.HTTPConnection(host, port)
        conn.request("GET", path, headers={"Authorization": f"Bearer {raw}"})
        response = conn.getresponse()
        body = json.loads(response.read())
        assert response.status == 200, body
        conn.close()

    get()
    times = []
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        get()
        times.append((time.perf_counter() - t0) * 1000)
    print(f"HTTP GET /reports/nps by week for a year: median {statistics.median(times):.1f} ms")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "EXPLAIN SELECT date_trunc('week', rated_on), score, count(*) FROM questionnaires_rating "
                "WHERE location_id = %s AND scale = 'nps' AND rated_on BETWEEN %s AND %s GROUP BY 1, 2",
                [location.pk, START, END],
            )
            plan = " | ".join(row[0].strip() for row in cursor.fetchall()[:3])
        print(f"plan: {plan}")
    server.shutdown()


if __name__ == "__main__":
    main()
