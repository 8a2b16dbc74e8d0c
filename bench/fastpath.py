"""The booking fast path's prebuilt SQL against the ORM doing the same read: prints microseconds per call.

Not a test; run `python bench/fastpath.py`. Every booking reads the schedule token, locks the (definition,
location) link and a staff member, and looks for the staff member's clashes (appointments/selectors/fastpath.py).
Those reads use prebuilt SQL (core.reads.Select) only where this benchmark shows the gain; the comments beside them
quote its figures. On PostgreSQL it also times two choices of core/db/postgresql: the health check of a reused
connection (a poll of the idle socket) against Django's `SELECT 1`, and a bulk insert of N rows written as VALUES
rows against Django's UNNEST arrays, which decides its SMALL_BATCH threshold. Last, one read's time after a gap of
other work, the round trip a request pays that a loop of queries does not.

Runs on a fresh SQLite file under var/ unless BENCH_DATABASE_URL names a PostgreSQL database, which it drops and
creates again (e.g. postgres://postgres@127.0.0.1:5432/bench_fastpath).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = ROOT / "var" / "bench-fastpath.sqlite3"
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{BENCH_DB}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from appointments.enums import (  # noqa: E402
    HOLDING_STATUSES,
    AppointmentStatus,
    OfferStatus,  # noqa: E402
)
from appointments.models import (  # noqa: E402
    Appointment,
    AppointmentDefinition,
    DefinitionLocation,
    ScheduleVersion,
    WaitlistOffer,
)
from appointments.models.schedule import ROW_ID  # noqa: E402
from appointments.selectors import fastpath  # noqa: E402
from core.db.postgresql import compiler  # noqa: E402
from directory.models import AuditRecord, Location, Profile  # noqa: E402

CALLS = int(os.environ.get("BENCH_CALLS", "3000"))


def reset_database() -> None:
    if connection.vendor == "postgresql":
        import psycopg

        base, name = os.environ["BENCH_DATABASE_URL"].rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
    else:
        BENCH_DB.parent.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{BENCH_DB}{suffix}").unlink(missing_ok=True)
    call_command("migrate", verbosity=0, interactive=False)


def per_call_us(read) -> float:
    """Median of five rounds of CALLS calls, in one transaction each (the locks need one), in microseconds."""
    rounds = []
    for _ in range(5):
        with transaction.atomic():
            began = time.perf_counter()
            for _ in range(CALLS):
                read()
            rounds.append((time.perf_counter() - began) / CALLS * 1e6)
    return statistics.median(rounds)


def main() -> None:
    reset_database()
    location = Location.objects.create(handle="bench", name="Bench", timezone="Australia/Melbourne")
    definition = AppointmentDefinition.objects.create(
        handle="bench", name="Bench", duration_minutes=30, booking_type="instant", requires_staff=True
    )
    DefinitionLocation.objects.create(definition=definition, location=location)
    staff = Profile.objects.create(first_name="Staff")
    customer = Profile.objects.create(first_name="Customer")
    start = datetime(2030, 1, 7, 9, tzinfo=UTC)
    Appointment.objects.bulk_create(
        Appointment(definition=definition, location=location, profile=customer, assigned_staff=staff,
                    status=AppointmentStatus.CONFIRMED, scheduled_start_at=start + timedelta(hours=n),
                    scheduled_end_at=start + timedelta(hours=n, minutes=30),
                    occupancy_start=start + timedelta(hours=n), occupancy_end=start + timedelta(hours=n, minutes=30),
                    timezone="UTC")
        for n in range(200)
    )  # fmt: skip
    fastpath.schedule_changed()
    low, high = start + timedelta(hours=50), start + timedelta(hours=50, minutes=30)
    staff_id = str(staff.pk)
    far = start + timedelta(days=30)

    cases = [
        ("schedule token", lambda: fastpath.current_schedule_token(),
         lambda: ScheduleVersion.objects.filter(pk=ROW_ID).values_list("token", flat=True).first()),
        ("lock the link", lambda: fastpath.lock_link(definition.pk, location.pk),
         lambda: list(DefinitionLocation.objects.select_for_update()
                      .filter(definition_id=definition.pk, location_id=location.pk).values_list("pk", "is_active"))),
        ("lock a staff member", lambda: fastpath.lock_staff(staff_id),
         lambda: list(Profile.objects.select_for_update().filter(pk=staff_id).values_list("pk", flat=True))),
        ("staff clashes", lambda: fastpath.staff_clashes(staff_id, low, high),
         lambda: list(Appointment.objects.filter(assigned_staff_id=staff_id, status__in=HOLDING_STATUSES,
                                                 occupancy_start__lt=high, occupancy_end__gt=low)
                      .values_list("pk", flat=True))),
        ("occupancy, 200 rows", lambda: fastpath.union_rows(
            (fastpath.STAFF_OCCUPANCY, ([staff_id], HOLDING_STATUSES, far, start)),
            (fastpath.STAFF_HOLDS, ([staff_id], OfferStatus.OPEN, far, start))),
         lambda: list(Appointment.objects.filter(assigned_staff_id__in=[staff_id], status__in=HOLDING_STATUSES,
                                                 occupancy_start__lt=far, occupancy_end__gt=start)
                      .values_list("assigned_staff_id", "occupancy_start", "occupancy_end").order_by()
                      .union(WaitlistOffer.objects.filter(staff_id__in=[staff_id], status=OfferStatus.OPEN,
                                                          occupancy_start__lt=far, occupancy_end__gt=start)
                             .values_list("staff_id", "occupancy_start", "occupancy_end").order_by(), all=True))),
    ]  # fmt: skip
    if connection.vendor == "postgresql":  # core/db/postgresql: a poll of the idle socket instead of `SELECT 1`
        from django.db.backends.postgresql.base import DatabaseWrapper as DjangoWrapper

        cases.append(("connection health check", connection.is_usable, lambda: DjangoWrapper.is_usable(connection)))
    print(f"database: {connection.vendor}, {CALLS} calls per round, median of 5 rounds")
    for name, prebuilt, orm in cases:  # the same answer (in each side's own types)
        with transaction.atomic():
            print(f"  {name}: prebuilt {str(prebuilt())[:40]}, ORM {str(orm())[:40]}")
    print(f"{'read':22} {'prebuilt us':>12} {'ORM us':>10} {'ORM / prebuilt':>15}")
    for name, prebuilt, orm in cases:
        fast, slow = per_call_us(prebuilt), per_call_us(orm)
        print(f"{name:22} {fast:12.0f} {slow:10.0f} {slow / fast:14.2f}x")
    bulk_inserts()
    gaps()


def insert_us(rows: int, small_batch: int) -> float:
    """Median microseconds of one bulk_create of `rows` audit records (what a booking writes for its links), each in
    a transaction rolled back, with `small_batch` as the VALUES threshold (0: always UNNEST)."""
    saved, compiler.SMALL_BATCH = compiler.SMALL_BATCH, small_batch
    now = datetime.now(UTC)
    timings = []
    try:
        for _ in range(max(50, CALLS // rows // 2)):
            records = [AuditRecord(action="customer_link.issue", actor="system", subject_type="appointment",
                                   subject_id="12345", at=now, data={"purpose": "view", "link_id": n})
                       for n in range(rows)]  # fmt: skip
            with transaction.atomic():
                began = time.perf_counter()
                AuditRecord.objects.bulk_create(records)
                timings.append((time.perf_counter() - began) * 1e6)
                transaction.set_rollback(True)
    finally:
        compiler.SMALL_BATCH = saved
    return statistics.median(timings)


def bulk_inserts() -> None:
    if connection.vendor != "postgresql":
        print("bulk inserts: PostgreSQL only (set BENCH_DATABASE_URL)")
        return
    header = f"bulk insert (SMALL_BATCH = {compiler.SMALL_BATCH})"
    print(f"{header:33} {'VALUES us':>10} {'UNNEST us':>10} {'UNNEST / VALUES':>16}")
    for rows in (2, 4, 8, 16, 64):
        values = statistics.median(insert_us(rows, 10**6) for _ in range(3))
        unnest = statistics.median(insert_us(rows, 0) for _ in range(3))
        print(f"{rows:>4} rows {'':23} {values:10.0f} {unnest:10.0f} {unnest / values:15.2f}x")


def read_after_gap_us(gap_us: int) -> float:
    """Median microseconds of the schedule token read when `gap_us` of other Python work precede it, as in a request
    (authentication, validation and the engine run between its queries)."""
    timings = []
    for _ in range(CALLS // 3):
        until = time.perf_counter() + gap_us / 1e6
        while time.perf_counter() < until:  # busy, like the request's own Python work: not a sleep
            pass
        began = time.perf_counter()
        fastpath.current_schedule_token()
        timings.append((time.perf_counter() - began) * 1e6)
    return statistics.median(timings)


def gaps() -> None:
    """Why a query costs more inside a request than in a loop of queries (docs/performance.md, fifth session): on
    this machine the database server's process is slow to answer once it has been idle for a fraction of a
    millisecond, so the selectors + engine figure (queries back to back) pays less per query than the HTTP one."""
    print(f"{'one read after other work':33} {'read us':>10}")
    for gap in (0, 100, 250, 500, 1000, 2000):
        print(f"{gap:>6} us of other work first {'':6} {read_after_gap_us(gap):10.0f}")


if __name__ == "__main__":
    main()
