"""The schedule cache across real connections (PostgreSQL, committed transactions, one thread per connection).

The cache lives in this process and every thread shares it, like the requests of one gunicorn worker over time;
what must hold is that a committed change reaches the next booking on any connection, that an uncommitted or
rolled-back change never does, and that two editors queue on the version row instead of deadlocking.
"""

from __future__ import annotations

import threading
import time as clock
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from datetime import time as walltime

import pytest
from django.db import connection, transaction

from appointments.models import DefinitionNormalHour
from appointments.selectors import fastpath
from directory.enums import DayOfWeek
from directory.services.tokens import token_issue
from tests.appointments.test_concurrency import bodies_for, pooled, start_in_two_days
from tests.conftest import BearerClient
from tests.factories import DefinitionNormalHourFactory, ProfileFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WAIT = 30


def in_own_connection(work):
    """Run `work()` in another thread, on that thread's own database connection; its result."""

    def run():
        try:
            return work()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result(timeout=WAIT)


class Booker:
    """POSTs bookings of one definition at one location, each from a fresh connection."""

    def __init__(self, definition, location):
        _, self.raw = token_issue(name="schedule cache test", scopes=["admin"])
        self.definition, self.location = definition, location

    def post(self, start: datetime):
        body = bodies_for(self.definition, self.location, start, [ProfileFactory()])[0]
        return in_own_connection(lambda: BearerClient(self.raw).post("/api/v3/appointments", body, format="json"))


def weekday_of(start: datetime, location) -> str:
    return list(DayOfWeek)[start.astimezone(location.timezone).weekday()].value


def test_a_committed_hours_change_reaches_the_next_booking_on_another_connection():
    definition, location = pooled(5)
    start = start_in_two_days(location)  # 10:00 local
    booker = Booker(definition, location)
    assert booker.post(start).status_code == 201  # warms the caches
    assert fastpath._schedules.keys()

    DefinitionNormalHourFactory(definition=definition, day_of_week=weekday_of(start, location),
                                available_from=walltime(9), available_until=walltime(10, 30))  # fmt: skip

    refused = booker.post(start + timedelta(hours=1))
    day = start.astimezone(location.timezone).date()
    message = (
        f"That time is outside this service's hours here: on {day} they are 09:00-10:30 ({location.timezone.key})."
    )
    assert refused.status_code == 422
    assert refused.json() == {"message": message, "code": "outside_hours", "errors": {"scheduled_start_at": [message]}}
    assert booker.post(start).status_code == 201


def test_an_uncommitted_change_is_not_seen_and_a_rolled_back_one_leaves_no_trace():
    definition, location = pooled(5)
    start = start_in_two_days(location)
    booker = Booker(definition, location)
    assert booker.post(start).status_code == 201
    before = fastpath.current_schedule_token()
    changed, booked = threading.Event(), threading.Event()

    class RolledBack(Exception):
        pass

    def edit_then_roll_back():
        with pytest.raises(RolledBack), transaction.atomic():
            DefinitionNormalHourFactory(definition=definition, day_of_week=weekday_of(start, location),
                                        available_from=walltime(9), available_until=walltime(10, 30))  # fmt: skip
            changed.set()
            assert booked.wait(WAIT)
            raise RolledBack

    with ThreadPoolExecutor(max_workers=1) as pool:
        editor = pool.submit(lambda: (edit_then_roll_back(), connection.close()))
        assert changed.wait(WAIT)
        during = booker.post(start + timedelta(hours=1))  # reads are not blocked by the editor's row locks
        booked.set()
        editor.result(timeout=WAIT)

    assert during.status_code == 201, during.json()
    assert fastpath.current_schedule_token() == before
    assert not DefinitionNormalHour.objects.exists()
    assert booker.post(start + timedelta(hours=2)).status_code == 201


def backend_waits_on_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return bool(row) and row[0] == "Lock"


def test_two_editors_taking_hours_rows_in_opposite_orders_queue_instead_of_deadlocking():
    """Editor 1 saves row A then row B; editor 2 saves B then A, starting while editor 1 holds A.

    The version row is written before each source row, so editor 2 waits on it before touching B, and editor 1
    can still take B. (Bumping after the write would have editor 2 hold B while waiting: a deadlock.)
    """
    definition, location = pooled(1)
    monday = DefinitionNormalHourFactory(definition=definition, day_of_week="MON")
    tuesday = DefinitionNormalHourFactory(definition=definition, day_of_week="TUE")
    first_holds_monday, second_pid = threading.Event(), {}

    def save(row_id: int, until: walltime) -> None:
        row = DefinitionNormalHour.objects.get(pk=row_id)
        row.available_until = until
        row.save()

    def first():
        with transaction.atomic():
            save(monday.pk, walltime(16))
            first_holds_monday.set()
            deadline = clock.monotonic() + WAIT
            while not ("pid" in second_pid and backend_waits_on_a_lock(second_pid["pid"])):
                assert clock.monotonic() < deadline, "editor 2 never started waiting"
                clock.sleep(0.005)
            save(tuesday.pk, walltime(16))
        connection.close()

    def second():
        assert first_holds_monday.wait(WAIT)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            second_pid["pid"] = cursor.fetchone()[0]
        with transaction.atomic():
            save(tuesday.pk, walltime(15))
            save(monday.pk, walltime(15))
        connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(first), pool.submit(second)]
        for future in futures:
            future.result(timeout=WAIT * 2)  # a deadlock would raise OperationalError here

    ends = dict(DefinitionNormalHour.objects.values_list("day_of_week", "available_until"))
    assert ends == {"MON": walltime(15), "TUE": walltime(15)}  # editor 2 committed last
