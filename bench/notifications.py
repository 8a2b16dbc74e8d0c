"""Notification delivery benchmark: prints figures (not a test; run `python bench/notifications.py`).

Scenario (issue "Notifications"): 10,000 due webhook rows on PostgreSQL, delivered to a local receiver by two
competing dispatcher processes (`dispatch_due`, the same code the Celery task runs). Prints deliveries per second,
lateness after due_at (p50/p95/max, from the recorded `sent_at`), duplicates seen by the receiver (an
X-Notification-Id received more than once) and rows left behind (not `sent`, or never received).

Needs PostgreSQL: BENCH_DATABASE_URL names a database that is dropped and created again
(e.g. postgres://postgres@127.0.0.1:5432/bench_notifications). BENCH_ROWS, BENCH_DISPATCHERS, BENCH_BATCH and
BENCH_THREADS change the scenario.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DEBUG", "1")
if not os.environ.get("BENCH_DATABASE_URL", "").startswith("postgres"):
    sys.exit("Set BENCH_DATABASE_URL=postgres://.../bench_notifications (the database is dropped and recreated).")
os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("NOTIFICATIONS_BATCH_SIZE", os.environ.get("BENCH_BATCH", "200"))
os.environ.setdefault("NOTIFICATIONS_SEND_THREADS", os.environ.get("BENCH_THREADS", "16"))
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from notifications.models import Notification, Target  # noqa: E402
from notifications.services.dispatch import dispatch_due  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "10000"))
DISPATCHERS = int(os.environ.get("BENCH_DISPATCHERS", "2"))


def dispatcher(start_at: float) -> None:
    """A child process: wait for the common start, then deliver until nothing is due."""
    time.sleep(max(0.0, start_at - time.time()))
    result = dispatch_due()
    print(f"  dispatcher {os.getpid()}: claimed {result.claimed}, sent {result.sent}, retrying {result.retrying}")


def reset_database() -> None:
    import psycopg

    base, name = os.environ["BENCH_DATABASE_URL"].rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0, interactive=False)


def receiver() -> tuple[ThreadingHTTPServer, Counter]:
    seen: Counter = Counter()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a real receiver would

        def do_POST(self):  # noqa: N802
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with lock:
                seen[self.headers["X-Notification-Id"]] += 1
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, seen


def main() -> None:
    reset_database()
    server, seen = receiver()
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    target = Target.objects.create(name="Bench", handle="bench", channel="webhook", url=url, secret="bench-secret")
    due = timezone.now()
    context = {"appointment": {"id": 1, "status": "confirmed", "scheduled_start_at": "2030-01-01T00:00:00Z"},
               "profile": {"first_name": "Bench", "email": "bench@example.com"}}  # fmt: skip
    Notification.objects.bulk_create(
        (
            Notification(key=f"bench:{i}:confirmed:{target.pk}", subject_type="bench", subject_id=str(i),
                         event="confirmed", target=target, due_at=due, next_attempt_at=due, context=context)
            for i in range(ROWS)
        ),
        batch_size=2000,
    )  # fmt: skip
    connection.close()
    print(f"{ROWS} due rows, {DISPATCHERS} dispatcher processes, batch {os.environ['NOTIFICATIONS_BATCH_SIZE']}, "
          f"{os.environ['NOTIFICATIONS_SEND_THREADS']} send threads each, PostgreSQL")  # fmt: skip

    start_at = time.time() + 2  # both processes start together, after their Django setup
    children = [
        subprocess.Popen([sys.executable, __file__, "--dispatcher", str(start_at)], env=os.environ.copy())
        for _ in range(DISPATCHERS)
    ]
    for child in children:
        child.wait()
    elapsed = time.time() - start_at
    server.shutdown()

    sent = list(Notification.objects.filter(status="sent").values_list("due_at", "sent_at"))
    # `due_at` was set before the start; lateness counts from the start (the backlog) and from due_at.
    lateness = sorted((sent_at - due_at).total_seconds() for due_at, sent_at in sent)
    last_sent = max(sent_at for _, sent_at in sent) if sent else due
    drain = max((last_sent.timestamp() - start_at), 1e-9)
    duplicates = sum(count - 1 for count in seen.values() if count > 1)
    never_received = ROWS - len(seen)
    left = Notification.objects.exclude(status="sent").count()
    print(f"delivered {len(sent)} in {drain:.2f} s: {len(sent) / drain:.0f} deliveries/s "
          f"(processes ran {elapsed:.2f} s)")  # fmt: skip
    if lateness:
        p95 = lateness[min(len(lateness) - 1, int(len(lateness) * 0.95))]
        since_start = [value - (start_at - due.timestamp()) for value in lateness]
        p95_start = since_start[min(len(since_start) - 1, int(len(since_start) * 0.95))]
        print(f"lateness after due_at: p50 {statistics.median(lateness):.2f} s, p95 {p95:.2f} s, "
              f"max {lateness[-1]:.2f} s (of which {start_at - due.timestamp():.2f} s before the dispatchers "
              f"started; p95 from their start {p95_start:.2f} s)")  # fmt: skip
    print(f"duplicates: {duplicates}; rows left behind: {left} not sent, {never_received} never received")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--dispatcher":
        dispatcher(float(sys.argv[2]))
    else:
        main()
