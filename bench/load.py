"""Sustained load benchmark: a mixed workload against gunicorn on PostgreSQL at a fixed request rate (issue 12).

Open loop: request n is due at start + n / rate whatever happened to the earlier ones, and its latency counts from
that due time, so a server that falls behind shows the queueing in the figures instead of slowing the client down
(no coordinated omission). The mix: availability (one day, and a week), bookings (integration and customer
tokens), cancellations, reads (appointment lists and details, locations, definitions, the queue board) and walk-in
queue moves (join, call, serve). Prints throughput, count and p50/p95/p99 per operation, 5xx and other unexpected
answers, and the RSS of the gunicorn master and workers after the warm-up and at the end, each beside its target.

Not a test: run `python bench/load.py [--seconds 60] [--rate 50]`. It drops and recreates its database
(BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/bench_load), migrates, seeds, starts gunicorn with
DEBUG off, warms up, measures, then stops gunicorn and drops the database (also on Ctrl-C). BENCH_CACHE_URL (a
Redis URL) shares the throttle counters as production does; without it each worker counts in its own memory.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import queue
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_P95_MS = 150.0
TARGET_MEMORY_GROWTH = 0.10
CONNECTIONS = 64  # client threads, each with one keep-alive connection
# Operation -> weight in the mix (out of 100).
MIX = {
    "availability": 18, "availability_week": 4, "book": 14, "cancel": 6, "appointment_list": 10,
    "appointment_detail": 10, "locations": 6, "definitions": 6, "queue_board": 5, "queue_join": 7,
    "queue_call": 7, "queue_serve": 7,
}  # fmt: skip
# Refusals that are a correct answer under load (someone else took the place), by operation.
EXPECTED_REFUSALS = {"book": {(409, "slot_unavailable"), (409, "lock_timeout"), (422, "fully_booked"),
                              (422, "staff_unavailable")}}  # fmt: skip
TIMEZONES = ("Australia/Melbourne", "Europe/London", "America/New_York")


def positive(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=positive, default=60.0, help="measured duration (default 60)")
    parser.add_argument("--rate", type=positive, default=50.0, help="requests per second, fixed (default 50)")
    parser.add_argument("--warmup", type=positive, default=10.0, help="seconds of unmeasured traffic first (10)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes (default 3)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (default 4)")
    parser.add_argument("--appointments", type=int, default=1500, help="appointments booked while seeding")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the workload")
    parser.add_argument("--keep-database", action="store_true", help="leave the database for inspection")
    return parser.parse_args(argv)


# Database and seed data -------------------------------------------------------------------------------------


def drop_database(url: str) -> None:
    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def recreate_database(url: str) -> None:
    drop_database(url)
    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')


def seed(appointments: int, rng: random.Random) -> dict:
    """Migrate, then three locations open 08:00-20:00 daily, ten staff, a pooled definition with notification
    targets, a staffed one, a walk-in queue, 400 customers (100 with tokens), an integration token, and
    `appointments` bookings made through the booking service."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", verbosity=0, interactive=False)
    from appointments.models import AppointmentDefinition, DefinitionLocation
    from appointments.services.booking import appointment_book, booking_request
    from core.errors import DomainError
    from directory.enums import DayOfWeek, Scope, TokenKind
    from directory.models import Location, LocationNormalHour, Profile, ProfileNormalHour, StaffAssignment
    from directory.services.tokens import token_issue
    from notifications.models import Target

    locations = [
        Location.objects.create(handle=f"store-{n}", name=f"Store {n}", timezone=tz, is_published=True)
        for n, tz in enumerate(TIMEZONES)
    ]
    LocationNormalHour.objects.bulk_create(
        LocationNormalHour(location=location, day_of_week=day, open_at=clock(8), close_at=clock(20))
        for location in locations
        for day in DayOfWeek
    )
    staff = Profile.objects.bulk_create(
        Profile(first_name=f"Staff{n}", last_name="Bench", email=f"staff{n}@example.com") for n in range(10)
    )
    for n, person in enumerate(staff):
        StaffAssignment.objects.create(location=locations[n % len(locations)], profile=person)
        if n % 2:  # half work weekdays 09-17, the others whenever the store is open
            ProfileNormalHour.objects.bulk_create(
                ProfileNormalHour(profile=person, day_of_week=day, available_from=clock(9), available_until=clock(17))
                for day in list(DayOfWeek)[:5]
            )
    hook = Target.objects.create(name="Bench hook", handle="bench-hook", channel="webhook",
                                 url="http://127.0.0.1:9/never-delivered")  # fmt: skip
    fitting = AppointmentDefinition.objects.create(
        handle="fitting", name="Fitting", duration_minutes=30, max_concurrent_bookings=3, is_published=True,
        max_advance_days=60, confirmed_target=hook, cancelled_target=hook, reminder_target=hook,
        notify_reminder_offset_days=1,
    )  # fmt: skip
    consult = AppointmentDefinition.objects.create(
        handle="consult", name="Consultation", duration_minutes=60, requires_staff=True, is_published=True,
        max_advance_days=60,
    )  # fmt: skip
    walk_in = AppointmentDefinition.objects.create(
        handle="repairs", name="Repairs", duration_minutes=15, allow_walk_in=True, allow_queue=True,
        is_published=True, max_concurrent_bookings=2, queue_code="R",
    )  # fmt: skip
    for definition in (fitting, consult, walk_in):
        for location in locations:
            DefinitionLocation.objects.create(definition=definition, location=location)
    customers = Profile.objects.bulk_create(
        Profile(first_name=f"Customer{n}", last_name="Bench", email=f"customer{n}@example.com") for n in range(400)
    )
    _, writer = token_issue(name="bench writer", scopes=[Scope.APPOINTMENTS_WRITE, Scope.LOCATIONS_READ])
    customer_tokens = {
        str(person.pk): token_issue(name="bench app", kind=TokenKind.CUSTOMER, profile=person)[1]
        for person in customers[:100]
    }
    scenario = {
        "writer": writer,
        "customer_tokens": customer_tokens,
        "customers": [str(p.pk) for p in customers],
        "locations": [{"id": loc.pk, "timezone": loc.timezone.key} for loc in locations],
        "bookable": [(fitting.pk, 30), (fitting.pk, 30), (consult.pk, 60)],
        "definitions": [fitting.pk, consult.pk, walk_in.pk],
        "walk_in": walk_in.pk,
        "booked": [],  # (appointment id, token that may see it)
    }
    booked = 0
    for _ in range(appointments):
        definition, location, start = random_slot(scenario, rng)
        profile = rng.choice(scenario["customers"])
        request = booking_request(definition, profile, location["id"], start, timezone=ZoneInfo(location["timezone"]))
        try:
            appointment = appointment_book(request, actor="bench:seed")
        except DomainError:
            continue
        booked += 1
        if len(scenario["booked"]) < 300:
            scenario["booked"].append((appointment.pk, customer_tokens.get(profile, writer)))
    scenario["seeded_appointments"] = booked
    connections.close_all()
    return scenario


def random_slot(scenario: dict, rng: random.Random) -> tuple[int, dict, datetime]:
    """A bookable definition, a location and a naive local start on the definition's grid (its duration) inside
    the opening hours, 2 to 28 days ahead."""
    location = rng.choice(scenario["locations"])
    day = datetime.now(UTC).date() + timedelta(days=rng.randint(2, 28))
    definition, minutes = rng.choice(scenario["bookable"])
    start = datetime.combine(day, clock(8)) + timedelta(minutes=minutes * rng.randrange(12 * 60 // minutes))
    return definition, location, start


# The server ------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:
    """Runs in the child before exec: gunicorn gets SIGTERM if this script dies without cleaning up."""
    ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def start_server(port: int, args: argparse.Namespace, env: dict) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--preload", "--worker-class", "gthread",
               "--workers", str(args.workers), "--threads", str(args.threads), "--bind", f"127.0.0.1:{port}",
               "--keep-alive", "30", "--log-level", "warning"]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True, preexec_fn=_die_with_parent)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start within 60 s")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _processes():
    """(pid, parent pid, command line, CPU seconds) of every process /proc lets us read."""
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        yield int(entry.name), int(fields[1]), command, (int(fields[11]) + int(fields[12])) / tick


def server_pids(master_pid: int) -> list[int]:
    return [master_pid] + [pid for pid, parent, _, _ in _processes() if parent == master_pid]


def cpu_seconds(master_pid: int, database: str) -> dict:
    """CPU time used so far by gunicorn (master and workers), by PostgreSQL's backends serving `database`, and by
    this script, in seconds. Persistent connections (DB_CONN_MAX_AGE) keep the same backends for the whole run."""
    gunicorn = postgres = 0.0
    for pid, parent, command, cpu in _processes():
        if pid == master_pid or parent == master_pid:
            gunicorn += cpu
        elif command.startswith("postgres:") and f" {database} " in command:
            postgres += cpu
    return {"gunicorn": gunicorn, "postgres": postgres, "client": time.process_time()}


def server_rss_mb(master_pid: int) -> tuple[float, int]:
    """Resident memory of the gunicorn master and its workers (from /proc), in MB, and the process count."""
    pids = server_pids(master_pid)
    total_kb = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except OSError:
            continue
    return total_kb / 1024, len(pids)


# The workload ----------------------------------------------------------------------------------------------


@dataclass
class Call:
    method: str
    path: str
    token: str
    body: dict | None = None
    on_success: object = None  # called with the answer's `data`


@dataclass
class Workload:
    """What the operations need to know about each other: booked appointments to cancel, walk-ins to move."""

    scenario: dict
    rng: random.Random
    booked: list = field(default_factory=list)  # (id, token that may see it) of holding appointments
    waiting: list = field(default_factory=list)  # queue entry ids
    called: list = field(default_factory=list)

    def __post_init__(self) -> None:
        self.lock = threading.Lock()  # the client threads share the lists and the random generator
        self.booked = list(self.scenario["booked"])
        self.writer = self.scenario["writer"]

    def customer(self) -> tuple[str, str]:
        """A customer with a token: (profile id, token)."""
        return self.rng.choice(list(self.scenario["customer_tokens"].items()))

    def anyone(self) -> str:
        return self.writer if self.rng.random() < 0.5 else self.customer()[1]

    def day(self, first: int, last: int) -> str:
        return (datetime.now(UTC).date() + timedelta(days=self.rng.randint(first, last))).isoformat()

    def location_id(self) -> int:
        return self.rng.choice(self.scenario["locations"])["id"]

    def call(self, op: str) -> tuple[str, Call]:
        """The operation actually run (a move with nothing to move falls back to the step before) and its call."""
        if op == "cancel" and not self.booked:
            op = "book"
        if op == "queue_serve" and not self.called:
            op = "queue_call"
        if op == "queue_call" and not self.waiting:
            op = "queue_join"
        return op, getattr(self, op)()

    def availability(self) -> Call:
        definition = self.rng.choice(self.scenario["definitions"][:2])
        body = {"location_id": self.location_id(), "date": self.day(1, 14)}
        return Call("POST", f"/appointment-definitions/{definition}/available-slots", self.anyone(), body)

    def availability_week(self) -> Call:
        definition = self.rng.choice(self.scenario["definitions"][:2])
        first = self.day(1, 14)
        last = (datetime.fromisoformat(first) + timedelta(days=6)).date().isoformat()
        body = {"location_id": self.location_id(), "start_date": first, "end_date": last}
        return Call("POST", f"/appointment-definitions/{definition}/available-slots-range", self.anyone(), body)

    def book(self) -> Call:
        definition, location, start = random_slot(self.scenario, self.rng)
        body = {"appointment_definition_id": definition, "location_id": location["id"],
                "scheduled_start_at": start.strftime("%Y-%m-%d %H:%M:%S"), "timezone": location["timezone"]}  # fmt: skip
        if self.rng.random() < 0.5:
            profile, token = self.customer()
            path = f"/profiles/{profile}/appointments"
        else:
            token, path = self.writer, "/appointments"
            body["profile_id"] = self.rng.choice(self.scenario["customers"])
        return Call("POST", path, token, body, lambda data: self.booked.append((data["id"], token)))

    def cancel(self) -> Call:
        appointment, token = self.booked.pop(self.rng.randrange(len(self.booked)))
        return Call("PUT", f"/appointments/{appointment}", token, {"status": "cancelled", "reason": "Load test"})

    def appointment_list(self) -> Call:
        if self.rng.random() < 0.5:
            profile, token = self.customer()
            return Call("GET", f"/profiles/{profile}/appointments?sort=-scheduled_start_at", token)
        query = (f"filter[location_id]={self.location_id()}&filter[scheduled_start_at][gte]={self.day(2, 28)}"
                 "&filter[status][in]=confirmed,requested&sort=scheduled_start_at&page[size]=25")  # fmt: skip
        return Call("GET", f"/appointments?{query}", self.writer)

    def appointment_detail(self) -> Call:
        appointment, token = self.rng.choice(self.booked or self.scenario["booked"])
        return Call("GET", f"/appointments/{appointment}", token)

    def locations(self) -> Call:
        return Call("GET", "/locations?sort=name", self.writer)

    def definitions(self) -> Call:
        return Call("GET", "/appointment-definitions", self.anyone())

    def queue_board(self) -> Call:
        query = f"filter[location_id]={self.location_id()}&filter[status]=waiting&sort=created_at&page[size]=50"
        return Call("GET", f"/appointment-queues?{query}", self.writer)

    def queue_join(self) -> Call:
        body = {"appointment_definition_id": self.scenario["walk_in"], "location_id": self.location_id()}
        if self.rng.random() < 0.5:
            body["profile_id"] = self.rng.choice(self.scenario["customers"])
        return Call("POST", "/appointment-queues", self.writer, body, lambda data: self.waiting.append(data["id"]))

    def queue_call(self) -> Call:
        entry = self.waiting.pop(0)
        return Call("PUT", f"/appointment-queues/{entry}", self.writer, {"status": "called"},
                    lambda data: self.called.append(data["id"]))  # fmt: skip

    def queue_serve(self) -> Call:
        entry = self.called.pop(0)
        return Call("PUT", f"/appointment-queues/{entry}", self.writer, {"status": "served"})


@dataclass
class Result:
    op: str
    status: int
    code: str
    latency_ms: float  # from the due time
    start_lag_ms: float  # how long it waited in the client before being sent


def send(client: httpx.Client, workload: Workload, op: str, due: float) -> Result:
    with workload.lock:
        op, call = workload.call(op)
    sent = time.monotonic()
    code = ""
    try:
        headers = {"Authorization": f"Bearer {call.token}"}
        response = client.request(call.method, call.path, headers=headers, json=call.body)
        status = response.status_code
        if status < 300 and call.on_success is not None:
            with workload.lock:
                call.on_success(response.json()["data"])
        elif status >= 400:
            try:
                code = response.json().get("code", "")
            except ValueError:
                code = "not_json"
    except httpx.HTTPError as error:
        status, code = 0, type(error).__name__
    return Result(op, status, code, (time.monotonic() - due) * 1000, (sent - due) * 1000)


def drive(base_url: str, workload: Workload, seconds: float, rate: float, results: list) -> float:
    """Send round(seconds * rate) requests at fixed times; returns the wall time until the last answer.

    The main thread only keeps the schedule: it queues each request at its due time. CONNECTIONS threads, each with
    its own keep-alive connection, take them in order; when all are busy the queue grows, and the wait counts in
    the latency because latency is measured from the due time.
    """
    ops, weights = list(MIX), list(MIX.values())
    jobs: queue.SimpleQueue = queue.SimpleQueue()

    def worker() -> None:
        headers = {"X-Forwarded-Proto": "https"}  # as the TLS-terminating proxy would say
        with httpx.Client(base_url=base_url, timeout=30, headers=headers) as client:
            while (job := jobs.get()) is not None:
                results.append(send(client, workload, *job))

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    schedule = random.Random(workload.rng.random())
    began = time.monotonic() + 0.05
    for n in range(round(seconds * rate)):
        due = began + n / rate
        if due > time.monotonic():
            time.sleep(due - time.monotonic())
        jobs.put((schedule.choices(ops, weights)[0], due))
    for _ in threads:
        jobs.put(None)
    for thread in threads:
        thread.join()
    return time.monotonic() - began


# Report ----------------------------------------------------------------------------------------------------


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) >= 2 else values[0]


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def report(results: list[Result], elapsed: float, args, memory: dict, seeded: int, cpu: dict) -> bool:
    by_op = defaultdict(list)
    for r in results:
        by_op[r.op].append(r)
    server_errors = [r for r in results if r.status >= 500 or r.status == 0]
    unexpected = [
        r for r in results
        if 400 <= r.status < 500 and (r.status, r.code) not in EXPECTED_REFUSALS.get(r.op, set())
    ]  # fmt: skip
    print(f"\ngunicorn gthread {args.workers} workers x {args.threads} threads on PostgreSQL, DEBUG off; "
          f"{seeded} appointments seeded; cache: {'Redis' if os.environ.get('BENCH_CACHE_URL') else 'per-process'}")  # fmt: skip
    print(f"offered {args.rate:g} req/s for {args.seconds:g} s; {len(results)} answered in {elapsed:.1f} s = "
          f"{len(results) / elapsed:.1f} req/s; queued in the client "
          f"p99 {percentile([r.start_lag_ms for r in results], 99):.1f} ms (all {CONNECTIONS} connections busy, or "
          "the client slow; counted in the latency)")  # fmt: skip
    server_ms = cpu["gunicorn"] + cpu["postgres"]
    print(f"CPU per request: gunicorn {cpu['gunicorn']:.1f} ms, PostgreSQL {cpu['postgres']:.1f} ms, this client "
          f"{cpu['client']:.1f} ms: {os.cpu_count()} idle cores would serve about "
          f"{os.cpu_count() * 1000 / (server_ms + cpu['client']):.0f} req/s with this client beside the server, "
          f"{os.cpu_count() * 1000 / server_ms:.0f} req/s without it")  # fmt: skip
    print(f"\n{'operation':<20}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}  statuses"
          f"   target p95 < {TARGET_P95_MS:g} ms")  # fmt: skip
    all_fast = True
    for op in MIX:
        rows = by_op.get(op, [])
        if not rows:
            print(f"{op:<20}{0:>7}")
            continue
        ms = [r.latency_ms for r in rows]
        p95 = percentile(ms, 95)
        all_fast &= p95 < TARGET_P95_MS
        statuses = Counter(f"{r.status}{':' + r.code if r.code else ''}" for r in rows)
        print(f"{op:<20}{len(rows):>7}{percentile(ms, 50):>9.1f}{p95:>9.1f}{percentile(ms, 99):>9.1f}{max(ms):>9.1f}  "
              f"{dict(sorted(statuses.items()))}  {verdict(p95 < TARGET_P95_MS)}")  # fmt: skip
    growth = (memory["end"] - memory["start"]) / memory["start"]
    print(f"\n5xx or dropped: {len(server_errors)} (target 0) {verdict(not server_errors)}")
    print(f"unexpected 4xx: {len(unexpected)} {dict(Counter((r.op, r.status, r.code) for r in unexpected))} "
          f"(target 0) {verdict(not unexpected)}")  # fmt: skip
    print(f"p95 under {TARGET_P95_MS:g} ms for every operation: {verdict(all_fast)}")
    print(f"server RSS ({memory['processes']} processes): {memory['start']:.1f} MB after warm-up, "
          f"{memory['end']:.1f} MB at the end ({growth:+.1%}; target within {TARGET_MEMORY_GROWTH:.0%}) "
          f"{verdict(abs(growth) <= TARGET_MEMORY_GROWTH)}")  # fmt: skip
    return not server_errors and not unexpected and all_fast and abs(growth) <= TARGET_MEMORY_GROWTH


def interrupted(signum, frame) -> None:
    raise KeyboardInterrupt  # SIGTERM cleans up like Ctrl-C


def main(argv=None) -> int:
    args = parse_args(argv)
    url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_load")
    var_dir = tempfile.mkdtemp(prefix="bench-load-")
    env = {
        **os.environ, "DATABASE_URL": url, "DEBUG": "0", "SECRET_KEY": "bench-load-only-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost", "DB_CONN_MAX_AGE": "600", "API_RATE_LIMIT": "100000000/min",
        "LOG_LEVEL": "ERROR", "ENV_FILE": "", "VAR_DIR": var_dir, "CELERY_BROKER_URL": "filesystem://",
        "CACHE_URL": os.environ.get("BENCH_CACHE_URL", ""), "SECURE_SSL_REDIRECT": "0",
    }  # fmt: skip
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    signal.signal(signal.SIGTERM, interrupted)
    server = None
    try:
        recreate_database(url)
        started = time.monotonic()
        scenario = seed(args.appointments, random.Random(args.seed))
        print(f"seeded in {time.monotonic() - started:.1f} s", flush=True)
        port = free_port()
        server = start_server(port, args, env)
        base_url = f"http://127.0.0.1:{port}/api/v3"
        workload = Workload(scenario, random.Random(args.seed))
        warm: list[Result] = []
        drive(base_url, workload, args.warmup, args.rate, warm)
        print(f"warm-up: {len(warm)} requests, {sum(r.status >= 500 or r.status == 0 for r in warm)} 5xx or dropped; "
              f"gunicorn on 127.0.0.1:{port}, processes {server_pids(server.pid)}", flush=True)  # fmt: skip
        memory = {}
        memory["start"], memory["processes"] = server_rss_mb(server.pid)
        database = url.rsplit("/", 1)[1]
        cpu_before = cpu_seconds(server.pid, database)
        results: list[Result] = []
        elapsed = drive(base_url, workload, args.seconds, args.rate, results)
        cpu_after = cpu_seconds(server.pid, database)
        memory["end"], _ = server_rss_mb(server.pid)
        cpu = {part: (cpu_after[part] - cpu_before[part]) * 1000 / len(results) for part in cpu_before}
        ok = report(results, elapsed, args, memory, scenario["seeded_appointments"], cpu)
        print("(on a machine shared with other work the figures are noisy; compare on an idle one)")
        return 0 if ok else 1
    except KeyboardInterrupt:
        print("interrupted; cleaning up", file=sys.stderr)
        return 130
    finally:
        if server is not None:
            stop_server(server)
        shutil.rmtree(var_dir, ignore_errors=True)
        if not args.keep_database:
            drop_database(url)


if __name__ == "__main__":
    sys.exit(main())
