"""core.db.postgresql: a bulk insert of up to SMALL_BATCH rows is written as VALUES rows, a larger one as Django's
UNNEST arrays, and both store exactly what was given."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.db.postgresql.compiler import SMALL_BATCH
from directory.models import AuditRecord

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

AT = datetime(2030, 1, 7, 9, 15, 30, 123456, tzinfo=UTC)


def _records(count: int, action: str) -> list[AuditRecord]:
    return [
        AuditRecord(action=action, actor="system", subject_type="appointment", subject_id=str(n),
                    at=AT + timedelta(minutes=n), data={"n": n, "quote": "it's \"quoted\" \\ {x,y}", "none": None})
        for n in range(count)
    ]  # fmt: skip


@pytest.mark.parametrize(("count", "form"), [(2, "VALUES"), (SMALL_BATCH, "VALUES"), (SMALL_BATCH + 1, "UNNEST")])
def test_the_insert_form_follows_the_batch_size_and_stores_the_rows(count, form):
    assert connection.settings_dict["ENGINE"] == "core.db.postgresql"
    with CaptureQueriesContext(connection) as queries:
        created = AuditRecord.objects.bulk_create(_records(count, f"bulk.{count}"))

    (insert,) = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert ("UNNEST(" in insert) is (form == "UNNEST")
    assert insert.count("), (") == (count - 1 if form == "VALUES" else 0)
    assert all(record.pk is not None for record in created)
    stored = list(
        AuditRecord.objects.filter(action=f"bulk.{count}").order_by("at").values_list("pk", "subject_id", "at", "data")
    )
    assert stored == [
        (created[n].pk, str(n), AT + timedelta(minutes=n), {"n": n, "quote": 'it\'s "quoted" \\ {x,y}', "none": None})
        for n in range(count)
    ]
