"""Booking benchmark: gunicorn on PostgreSQL, concurrent clients for 20 s, then a direct SQL check for overbooking.

Half of the clients book free slots spread over a month (a pooled definition, capacity 3); the other half fight
over the last places: a handful of capacity-1 slots and one staff member shared by two definitions. Prints
bookings per second, p50/p95 latency per kind of request, and the overbooked slots and staff conflicts found
afterwards (both must be 0). Not a test: run `python bench/booking.py` (PostgreSQL at BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/bench_booking, dropped and recreated).

Two modes, one after the other on a fresh database each (BENCH_MODES=bare,realistic by default):
- bare: definitions with no notification targets and no questionnaire;
- realistic: every definition has a webhook target for `created` and for the reminder (a day before), and a
  three-question booking questionnaire (a single select, a yes/no and a text) whose answers every booking sends:
  what a booking costs once its side effects (outbox rows, the pinned submission, the dispatcher nudge) are on it.
The last line compares the two.

BENCH_OPEN_DEFINITIONS=N (default 1) spreads the open half over N pooled definitions: with one, their bookings take
one (definition, location) lock in turn, so the figure is bounded by that lock as well as by CPU; with several, by
CPU alone (docs/performance.md, fourth session).
"""

from __future__ import annotations

import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_booking")
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "16"))
MODES = [mode.strip() for mode in os.environ.get("BENCH_MODES", "bare,realistic").split(",") if mode.strip()]
SECONDS = float(os.environ.get("BENCH_SECONDS", "20"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
OPEN_DEFINITIONS = int(os.environ.get("BENCH_OPEN_DEFINITIONS", "1"))
ENV = {
    **os.environ,
    "DATABASE_URL": URL,
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-secret",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "0",  # plain HTTP on the loopback: production settings otherwise redirect to HTTPS
    "DB_CONN_MAX_AGE": "600",
    "API_RATE_LIMIT": "100000000/min",
    "LOG_LEVEL": "ERROR",
}
os.environ.update(ENV)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def recreate_database() -> None:
    name = URL.rsplit("/", 1)[1]
    with psycopg.connect(URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_scenario(realistic: bool) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    connections.close_all()  # the database was just dropped and created again
    call_command("migrate", verbosity=0, interactive=False)
    from appointments.models import AppointmentDefinition, DefinitionLocation
    from directory.enums import Scope
    from directory.models import Location, Profile, StaffAssignment
    from directory.services.tokens import token_issue

    location = Location.objects.create(handle="bench", name="Bench", timezone="Australia/Melbourne")
    opens = [
        AppointmentDefinition.objects.create(
            handle="open" if n == 0 else f"open-{n + 1}", name="Open" if n == 0 else f"Open {n + 1}",
            duration_minutes=30, booking_type="instant", max_concurrent_bookings=3, is_published=True,
        )
        for n in range(OPEN_DEFINITIONS)
    ]  # fmt: skip
    scarce = AppointmentDefinition.objects.create(
        handle="scarce", name="Scarce", duration_minutes=30, booking_type="instant", is_published=True
    )
    staffed = [
        AppointmentDefinition.objects.create(
            handle=f"staffed-{n}",
            name=f"Staffed {n}",
            duration_minutes=30,
            booking_type="instant",
            requires_staff=True,
            is_published=True,
        )  # fmt: skip
        for n in (1, 2)
    ]
    for definition in (*opens, scarce, *staffed):
        DefinitionLocation.objects.create(definition=definition, location=location)
    answers = add_side_effects((*opens, scarce, *staffed)) if realistic else None
    stylist = Profile.objects.create(first_name="Only", last_name="Stylist")
    StaffAssignment.objects.create(location=location, profile=stylist, assignment_type="staff")
    customers = [str(p.pk) for p in Profile.objects.bulk_create(Profile(first_name=f"C{i}") for i in range(500))]
    _, token = token_issue(name="bench", scopes=[Scope.ADMIN])
    # No hours rows anywhere: every 30-minute grid point of the day is bookable.
    tz = location.timezone
    first = (datetime.now(UTC) + timedelta(days=2)).astimezone(tz).date()
    open_starts = [
        datetime.combine(first + timedelta(days=d), clock(h, m)).strftime("%Y-%m-%d %H:%M:%S")
        for d in range(30)
        for h in range(24)
        for m in (0, 30)
    ]
    contested = [datetime.combine(first, clock(9 + n)).strftime("%Y-%m-%d %H:%M:%S") for n in range(4)]
    return {
        "token": token,
        "location": location.pk,
        "open": [d.pk for d in opens],
        "scarce": scarce.pk,
        "staffed": [d.pk for d in staffed],
        "customers": customers,
        "open_starts": open_starts,
        "contested": contested,
        "answers": answers,
    }


def add_side_effects(definitions) -> list[dict]:
    """A created and a reminder webhook target and a three-question booking questionnaire on every definition;
    returns the answers a booking sends."""
    from notifications.models import Target
    from questionnaires.services.questionnaires import questionnaire_create
    from questionnaires.services.questions import question_create

    target = Target.objects.create(name="Bench hook", handle="bench-hook", channel="webhook",
                                   url="http://127.0.0.1:9/hook")  # fmt: skip
    size = question_create(handle="size", label="Your size?", type="single_select",
                           options=[{"value": "s", "label": "Small"}, {"value": "m", "label": "Medium"}])  # fmt: skip
    gift = question_create(handle="gift", label="Gift wrap?", type="boolean")
    note = question_create(handle="note", label="Anything else?", type="text")
    form = questionnaire_create(handle="bench-form", name="Bench form", purpose="booking", questions=[
        {"mapping_key": "size", "question_id": size.pk, "is_required": True},
        {"mapping_key": "gift", "question_id": gift.pk},
        {"mapping_key": "note", "question_id": note.pk},
    ])  # fmt: skip
    for definition in definitions:
        definition.created_target = target
        definition.reminder_target = target
        definition.notify_reminder_offset_days = 1
        definition.booking_questionnaire = form
        definition.save()
    slots = {slot.mapping_key: slot.pk for slot in form.current_version.slots.all()}
    values = {"size": "m", "gift": True, "note": "Parking at the back, please."}
    return [{"questionnaire_question_id": slots[key], "value": value} for key, value in values.items()]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "-w", str(WORKERS), "-b", f"127.0.0.1:{port}",
               "--log-level", "warning", "--preload"]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=ENV)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def warm_up(port: int, token: str) -> None:
    """Every worker imports Django on its first request; make that happen before the clock starts."""
    for _ in range(WORKERS * 4):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("GET", "/api/v3/appointment-definitions", headers={"Authorization": f"Bearer {token}"})
        conn.getresponse().read()
        conn.close()


def client(port: int, scenario: dict, contested: bool, stop_at: float, seed: int, results: list) -> None:
    rng = random.Random(seed)
    headers = {"Authorization": f"Bearer {scenario['token']}", "Content-Type": "application/json"}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.monotonic() < stop_at:
        if contested:
            definition = rng.choice([scenario["scarce"], *scenario["staffed"]])
            start = rng.choice(scenario["contested"])
        else:
            definition, start = rng.choice(scenario["open"]), rng.choice(scenario["open_starts"])
        body = {"appointment_definition_id": definition, "profile_id": rng.choice(scenario["customers"]),
                "location_id": scenario["location"], "scheduled_start_at": start, "timezone": "Australia/Melbourne"}  # fmt: skip
        if scenario["answers"]:
            body["answers"] = scenario["answers"]
        began = time.perf_counter()
        try:
            conn.request("POST", "/api/v3/appointments", json.dumps(body), headers)
            response = conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            status = 0
        results.append(("contested" if contested else "open", status, (time.perf_counter() - began) * 1000))
    conn.close()


OVERBOOKED = """
SELECT count(*) FROM appointments_appointment a
JOIN appointments_appointmentdefinition d ON d.id = a.definition_id
WHERE a.status IN ('requested', 'confirmed', 'arrived') AND NOT d.requires_staff
  AND (SELECT count(*) FROM appointments_appointment b
       WHERE b.definition_id = a.definition_id AND b.location_id = a.location_id
         AND b.status IN ('requested', 'confirmed', 'arrived')
         AND b.occupancy_start <= a.occupancy_start AND b.occupancy_end > a.occupancy_start
      ) > COALESCE(d.max_concurrent_bookings, 1)
"""
STAFF_CONFLICTS = """
SELECT count(*) FROM appointments_appointment a JOIN appointments_appointment b
  ON a.assigned_staff_id = b.assigned_staff_id AND a.id < b.id
 AND a.occupancy_start < b.occupancy_end AND b.occupancy_start < a.occupancy_end
WHERE a.status IN ('requested', 'confirmed', 'arrived') AND b.status IN ('requested', 'confirmed', 'arrived')
"""


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) >= 2 else (values[0] if values else 0.0)


def run(mode: str) -> dict:
    """One mode on a fresh database; prints its lines and returns its figures."""
    recreate_database()
    scenario = setup_scenario(realistic=mode == "realistic")
    port = free_port()
    server = start_server(port)
    results: list = []
    try:
        warm_up(port, scenario["token"])
        stop_at = time.monotonic() + SECONDS
        threads = [
            threading.Thread(target=client, args=(port, scenario, n % 2 == 1, stop_at, n, results))
            for n in range(CLIENTS)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    with psycopg.connect(URL) as conn:
        overbooked = conn.execute(OVERBOOKED).fetchone()[0]
        conflicts = conn.execute(STAFF_CONFLICTS).fetchone()[0]
        stored = conn.execute("SELECT count(*) FROM appointments_appointment").fetchone()[0]
        has_outbox = conn.execute("SELECT to_regclass('notifications_notification')").fetchone()[0]  # older code
        outbox = conn.execute("SELECT count(*) FROM notifications_notification").fetchone()[0] if has_outbox else 0
    statuses = Counter(status for _, status, _ in results)
    created = statuses.get(201, 0)
    spread = f", open ones over {OPEN_DEFINITIONS} definitions" if OPEN_DEFINITIONS > 1 else ""
    print(f"[{mode}] gunicorn {WORKERS} workers on PostgreSQL, {CLIENTS} clients ({CLIENTS // 2} on contested last "
          f"slots{spread}), {elapsed:.1f} s")  # fmt: skip
    print(
        f"requests: {len(results)} ({len(results) / elapsed:.0f}/s); responses by status: {dict(sorted(statuses.items()))}"
    )
    print(f"bookings: {created} ({created / elapsed:.0f}/s); appointments stored: {stored}; outbox rows: {outbox}")
    for kind in ("open", "contested"):
        latencies = [ms for k, _, ms in results if k == kind]
        if latencies:
            print(f"latency {kind:<9} p50 {percentile(latencies, 50):6.1f} ms  p95 {percentile(latencies, 95):6.1f} ms")
    errors = sum(n for s, n in statuses.items() if s >= 500 or s == 0)
    print(f"overbooked slots: {overbooked}; staff conflicts: {conflicts}; server errors (5xx or dropped): {errors}")
    return {"rate": created / elapsed}


def main() -> None:
    figures = {}
    for mode in MODES:
        figures[mode] = run(mode)
        print()
    if {"bare", "realistic"} <= figures.keys():
        ratio = figures["realistic"]["rate"] / figures["bare"]["rate"]
        print(f"realistic / bare bookings per second: {ratio:.0%} (target: at least 85%)")


if __name__ == "__main__":
    main()
