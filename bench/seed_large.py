"""The large demo and the operations commands over it: `seed_demo --size large`, `audit_capacity`,
`export_appointments`.

Loads the large demo into a fresh PostgreSQL database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/bench_seed_large, dropped and recreated) and prints how long each step took and
how much it wrote. The budget for the load is one minute. Not a test: run `python bench/seed_large.py`.
"""

from __future__ import annotations

import io
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_seed_large")
os.environ.update({"DATABASE_URL": URL, "DEBUG": "1", "LOG_LEVEL": "ERROR"})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def recreate_database() -> None:
    name = URL.rsplit("/", 1)[1]
    with psycopg.connect(URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def timed(label: str, action) -> None:
    began = time.perf_counter()
    action()
    print(f"{label:<44}{time.perf_counter() - began:7.1f} s")


def main() -> None:
    recreate_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from appointments.models import Appointment

    timed("migrate", lambda: call_command("migrate", verbosity=0, interactive=False))
    timed("seed_demo --size large", lambda: call_command("seed_demo", "--size", "large", stdout=io.StringIO()))
    total = Appointment.objects.count()
    print(f"{'appointments loaded':<44}{total:7d}")
    timed("audit_capacity (all)", lambda: call_command("audit_capacity", stdout=io.StringIO()))
    today = timezone.now().date()
    month = ["--from", str(today - timedelta(days=30)), "--to", str(today)]
    timed(
        "export_appointments, last 30 days, csv",
        lambda: call_command("export_appointments", *month, stdout=io.StringIO()),
    )
    timed(
        "seed_demo --size large again (no-op)",
        lambda: call_command("seed_demo", "--size", "large", stdout=io.StringIO()),
    )


if __name__ == "__main__":
    main()
