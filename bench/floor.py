"""What an API request costs before it does any work: the pooled single day against endpoints that do nothing.

Not a test; run `python bench/floor.py` (settings and database as bench/availability.py, whose scenario, HTTP
harness and medians it reuses; run the two one at a time). In one run it prints the pooled definition's single day
(selectors + engine, and over HTTP) and, over the same HTTP harness, four endpoints that return `{"data": []}`
without reading anything (bench/floor_urls.py): a bare WSGI app, a Django view behind the project's middleware, a
DRF view with no authentication, permission or throttle, and a DRF view with the project's defaults, which every
API endpoint has. Issue 20's target for the pooled day (HTTP at most 2x selectors + engine) is met only if the
last of those fits in that budget with room for the day's own work (docs/performance.md, sixth session).
"""

from __future__ import annotations

import importlib
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("BENCH_REPEAT", "301")  # sub-millisecond figures: more samples for a steady median

bench = importlib.import_module("bench.availability")  # sets up Django first, as bench/availability.py does

from django.conf import settings  # noqa: E402

from appointments import selectors  # noqa: E402
from directory.enums import Scope  # noqa: E402
from directory.services.tokens import token_issue  # noqa: E402

settings.ROOT_URLCONF = "bench.floor_urls"  # the project's URLs plus the empty endpoints


def bare_app(environ, start_response):
    environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", "11")])
    return [b'{"data":[]}']


def main() -> None:
    bench.reset_database()
    day = (datetime.now(UTC) + timedelta(days=1)).date()
    built = bench.build(day)
    pooled, location = built["pooled"], built["location"]
    _, token = token_issue(name="bench", scopes=[Scope.ADMIN])
    project, bare = bench.serve(), bench.serve(bare_app)
    port = project.server_address[1]

    def post(path: str, body: dict, at: int = port) -> float:
        return bench.median_ms(lambda: bench.http_post(at, token, path, body))

    own = bench.median_ms(lambda: selectors.range_slots(pooled, location.pk, day, day, now=datetime.now(UTC)))
    body = {"location_id": location.pk, "start_date": day.isoformat(), "end_date": day.isoformat()}
    http = post(f"/api/v3/appointment-definitions/{pooled.pk}/available-slots-range", body)
    empty = {
        "bare WSGI app": post("/", {}, bare.server_address[1]),
        "Django view, project middleware": post("/bench-floor/django", {}),
        "DRF view, no auth/permission/throttle": post("/bench-floor/drf-open", {}),
        "DRF view, the project's API defaults": post("/bench-floor/drf", {}),
    }
    project.shutdown()
    bare.shutdown()
    print(f"Database {bench.connection.vendor}, median of {bench.REPEAT} runs, ms")
    print(f"pooled single day: selectors + engine {own:.2f}, HTTP {http:.2f} ({http / own:.1f}x; target 2x)")
    print("endpoints that do nothing, over the same HTTP harness:")
    for label, ms in empty.items():
        print(f"  {label:<40}{ms:>6.2f}  ({ms / own:.1f}x the day's selectors + engine)")
    api = empty["DRF view, the project's API defaults"]
    print(f"the target allows {2 * own:.2f} ms for the whole request; an API endpoint doing nothing takes {api:.2f},")
    print(f"so the day over HTTP takes at least {api + own:.2f} ({(api + own) / own:.1f}x) before it parses its body")


if __name__ == "__main__":
    main()
