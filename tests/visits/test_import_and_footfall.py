"""manage.py import_visits and the footfall report, on local days of a non-UTC location."""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.core.management import call_command

from tests.factories import LocationFactory, ProfileFactory
from tests.visits.factories import VisitFactory
from visits.models import Visit
from visits.selectors import footfall

pytestmark = pytest.mark.django_db


def run(path, *args) -> str:
    out = StringIO()
    call_command("import_visits", str(path), "--no-progress", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def export(tmp_path):
    LocationFactory(handle="cbd", timezone="Australia/Melbourne")
    profile = ProfileFactory()
    path = tmp_path / "visits.csv"
    path.write_text(
        "location,visited_at,count,profile_id,external_id,tags\n"
        "cbd,2025-06-15 10:30:00,3,,,door\n"
        f"cbd,2025-06-15 11:00:00,,{profile.pk},POS-77,vip;pos\n"
        "nowhere,2025-06-15 11:00:00,1,,,\n"
        "cbd,not a time,1,,,\n"
        "cbd,2025-06-15 12:00:00,zero,,,\n"
        f"cbd,2025-06-15 12:00:00,,{'0' * 8}-0000-0000-0000-{'0' * 12},,\n"
        "cbd,2025-06-15 12:00:00,,,,\n"
    )
    return path, profile


def test_import_creates_visits_reports_rejected_rows_and_reruns_without_duplicates(export):
    path, profile = export

    output = run(path)

    assert "7 rows: created 4 visits, 0 already imported, 5 rows rejected." in output
    for line, reason in [(4, "unknown location 'nowhere'"), (5, "visited_at 'not a time'"), (6, "count 'zero'"),
                         (7, "unknown profile"), (8, "give a profile_id or a count")]:  # fmt: skip
        assert f"line {line}: {reason}" in output
    assert Visit.objects.filter(source="import", profile=None).count() == 3
    pos = Visit.objects.get(external_id="POS-77")
    assert (pos.profile_id, pos.tags, pos.visited_at) == (profile.pk, ["vip", "pos"],
                                                          datetime(2025, 6, 15, 1, 0, tzinfo=UTC))  # fmt: skip

    again = run(path)

    assert "created 0 visits, 4 already imported" in again
    assert Visit.objects.count() == 4


def test_dry_run_writes_nothing(export):
    path, _ = export
    assert "would create 4 visits" in run(path, "--dry-run")
    assert Visit.objects.count() == 0


def test_footfall_counts_visits_per_local_day_by_source():
    location = LocationFactory(timezone="Australia/Melbourne")  # UTC+10 in June
    # 2025-06-15 23:59 local is 13:59 UTC; 2025-06-16 00:00 local is 2025-06-15 14:00 UTC.
    VisitFactory(location=location, visited_at=datetime(2025, 6, 15, 13, 59, tzinfo=UTC), source="manual")
    VisitFactory(location=location, visited_at=datetime(2025, 6, 15, 14, 0, tzinfo=UTC), source="import")
    VisitFactory(location=location, visited_at=datetime(2025, 6, 16, 13, 59, tzinfo=UTC), source="queue")
    VisitFactory(location=location, visited_at=datetime(2025, 6, 16, 14, 0, tzinfo=UTC), source="queue")  # 17th
    VisitFactory(location=location, visited_at=datetime(2025, 6, 14, 13, 59, tzinfo=UTC))  # 14th: outside
    VisitFactory(visited_at=datetime(2025, 6, 15, 20, 0, tzinfo=UTC))  # another location

    rows = footfall(location, date(2025, 6, 15), date(2025, 6, 16))

    zero = {"manual": 0, "appointment": 0, "queue": 0, "import": 0}
    assert rows == [
        {"date": date(2025, 6, 15), "total": 1, "by_source": {**zero, "manual": 1}},
        {"date": date(2025, 6, 16), "total": 2, "by_source": {**zero, "import": 1, "queue": 1}},
    ]


def test_footfall_endpoint_shape_and_bad_input(api):
    location = LocationFactory(timezone="Australia/Melbourne")
    VisitFactory(location=location, visited_at=datetime(2025, 6, 15, 0, 0, tzinfo=UTC), source="appointment")
    url = "/api/v3/reports/footfall"

    response = api.get(f"{url}?location_id={location.pk}&start_date=2025-06-15&end_date=2025-06-15")

    assert response.status_code == 200
    assert response.json() == {
        "data": [{"date": "2025-06-15", "total": 1,
                  "by_source": {"manual": 0, "appointment": 1, "queue": 0, "import": 0}}],
        "meta": {"location_id": location.pk, "timezone": "Australia/Melbourne", "start_date": "2025-06-15",
                 "end_date": "2025-06-15", "total": 1},
    }  # fmt: skip
    for query, field in [
        (f"location_id={location.pk}&start_date=2025-06-15", "end_date"),
        (f"location_id={location.pk}&start_date=2025-06-15&end_date=2025-06-01", "end_date"),
        ("location_id=999999&start_date=2025-06-15&end_date=2025-06-16", "location_id"),
        (f"location_id={location.pk}&start_date=June&end_date=2025-06-16", "start_date"),
    ]:
        bad = api.get(f"{url}?{query}")
        assert bad.status_code == 422, query
        assert field in bad.json()["errors"]


def test_customers_cannot_read_reports(customer):
    assert (
        customer.get("/api/v3/reports/footfall?location_id=1&start_date=2025-06-15&end_date=2025-06-15").status_code
        == 403
    )
