"""manage.py import_visits and the footfall report, on local days of a non-UTC location."""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError

from tests.factories import LocationFactory, ProfileFactory
from tests.visits.factories import VisitFactory
from visits.models import Visit
from visits.selectors import footfall

pytestmark = pytest.mark.django_db


def run(path, *args, rejected: str | None = None) -> str:
    """The command's output; `rejected` is the error it must end with when rows were rejected (issue 19)."""
    out = StringIO()
    if rejected is None:
        call_command("import_visits", str(path), "--no-progress", *args, stdout=out)
    else:
        with pytest.raises(CommandError) as caught:
            call_command("import_visits", str(path), "--no-progress", *args, stdout=out)
        assert str(caught.value) == rejected
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

    output = run(path, rejected="5 of 7 rows rejected; the other rows were imported.")

    assert "7 rows: created 4 visits, 0 already imported, 5 rows rejected." in output
    for line, reason in [(4, "unknown location 'nowhere'"), (5, "visited_at 'not a time'"), (6, "count 'zero'"),
                         (7, "unknown profile"), (8, "give a profile_id or a count")]:  # fmt: skip
        assert f"line {line}: {reason}" in output
    assert Visit.objects.filter(source="import", profile=None).count() == 3
    pos = Visit.objects.get(external_id="POS-77")
    assert (pos.profile_id, pos.tags, pos.visited_at) == (profile.pk, ["vip", "pos"],
                                                          datetime(2025, 6, 15, 1, 0, tzinfo=UTC))  # fmt: skip

    again = run(path, rejected="5 of 7 rows rejected; the other rows were imported.")

    assert "created 0 visits, 4 already imported" in again
    assert Visit.objects.count() == 4


def test_dry_run_writes_nothing(export):
    path, _ = export
    assert "would create 4 visits" in run(
        path, "--dry-run", rejected="5 of 7 rows rejected; the other rows would be imported."
    )
    assert Visit.objects.count() == 0


# run_from_argv closes the database connections as manage.py does, so the test cannot sit in a test transaction.
@pytest.mark.django_db(transaction=True)
def test_rejected_rows_make_the_command_exit_non_zero_after_importing_the_good_ones(export, capsys):
    path, _ = export
    command = load_command_class("visits", "import_visits")

    with pytest.raises(SystemExit) as caught:
        command.run_from_argv(["manage.py", "import_visits", str(path), "--no-progress"])

    printed = capsys.readouterr()
    assert caught.value.code == 1
    assert "7 rows: created 4 visits, 0 already imported, 5 rows rejected." in printed.out
    assert "  line 4: unknown location 'nowhere'" in printed.out
    assert printed.err == "CommandError: 5 of 7 rows rejected; the other rows were imported.\n"
    assert Visit.objects.count() == 4


def test_a_clean_file_exits_zero(tmp_path):
    LocationFactory(handle="cbd", timezone="Australia/Melbourne")
    path = tmp_path / "clean.csv"
    path.write_text("location,visited_at,count\ncbd,2025-06-15 10:30:00,2\n")

    assert run(path) == "1 rows: created 2 visits, 0 already imported, 0 rows rejected.\n"


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
