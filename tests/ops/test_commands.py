"""The operations commands: --help, exit codes, audit_capacity and export_appointments."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, ManagementUtility, call_command
from django.db import IntegrityError, connection, transaction

from appointments.selectors.reports import capacity_audit
from tests.factories import AppointmentFactory, DefinitionFactory, LocationFactory, ProfileFactory

COMMANDS = {
    "seed_demo": "--size {small,large}",
    "create_api_token": "--scopes",
    "availability": "--days",
    "mark_no_shows": "--grace",
    "audit_capacity": "--from YYYY-MM-DD",
    "export_appointments": "--format {csv,json}",
}
# 2 December 2026, 09:00 in Melbourne (AEDT, UTC+11) is still 1 December in UTC.
MELBOURNE_9AM = datetime(2026, 12, 1, 22, 0, tzinfo=UTC)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help(name, capsys):
    with pytest.raises(SystemExit) as exit_info:
        call_command(name, "--help")

    out = capsys.readouterr().out
    assert exit_info.value.code == 0
    assert out.startswith("usage: ") and f" {name} [-h]" in out.splitlines()[0]
    assert COMMANDS[name] in out


def run_cli(*argv: str, capsys) -> tuple[int, str, str]:
    """manage.py as the shell runs it: the exit status, stdout and stderr."""
    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["manage.py", *argv]).execute()
        raise SystemExit(0)
    captured = capsys.readouterr()
    return exit_info.value.code, captured.out, captured.err


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["export_appointments", "--from", "2026-12-02"], "the following arguments are required: --to"),
        (["export_appointments", "--from", "2026-12-03", "--to", "2026-12-02"], "--from 2026-12-03 is after --to"),
        (["export_appointments", "--from", "2026-12-01", "--to", "2026-12-02", "--location", "nowhere"],
         "No location 'nowhere' (give an id or a handle)."),
        (["audit_capacity", "--from", "2026-02-30"], "expected a date as YYYY-MM-DD, got '2026-02-30'"),
        (["mark_no_shows", "--grace", "-5"], "--grace must be 0 or more minutes."),
        (["create_api_token", "x", "--scopes", "nonsense"], "Unknown scopes: nonsense"),
        (["availability", "nothing", "nowhere", "2026-12-02"], "No appointment definition 'nothing'"),
    ],
    ids=["missing-to", "from-after-to", "unknown-location", "bad-date", "negative-grace", "bad-scope", "unknown"],
)  # fmt: skip
def test_failures_exit_non_zero_with_a_clear_message(argv, message, capsys):
    code, _, err = run_cli(*argv, capsys=capsys)

    assert code in (1, 2)
    assert message in err


# --- audit_capacity -------------------------------------------------------------------------------------------------


@pytest.fixture
def melbourne():
    return LocationFactory(handle="melbourne", name="Melbourne", timezone="Australia/Melbourne")


@pytest.fixture
def pooled():
    return DefinitionFactory(name="Fitting", duration_minutes=30, max_concurrent_bookings=2)


def plant(*appointments):
    """Write appointments with a raw bulk_create, past the booking service and its capacity checks."""
    from appointments.models import Appointment

    return Appointment.objects.bulk_create([a for a in appointments])


def built(definition, location, start, status="confirmed", **kwargs):
    return AppointmentFactory.build(definition=definition, location=location, profile=ProfileFactory(),
                                    status=status, scheduled_start_at=start, **kwargs)  # fmt: skip


def audit(*args) -> str:
    out = StringIO()
    call_command("audit_capacity", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_audit_passes_when_capacity_is_kept(melbourne, pooled):
    plant(built(pooled, melbourne, MELBOURNE_9AM), built(pooled, melbourne, MELBOURNE_9AM),
          built(pooled, melbourne, MELBOURNE_9AM, status="cancelled"),
          built(pooled, melbourne, MELBOURNE_9AM + timedelta(minutes=30)))  # fmt: skip

    assert audit() == "OK: no overbooked slot or staff double booking among 3 holding appointment(s).\n"


@pytest.mark.django_db
def test_audit_finds_a_planted_overbooking_and_exits_1(melbourne, pooled, capsys):
    ids = [a.pk for a in plant(*(built(pooled, melbourne, MELBOURNE_9AM + timedelta(minutes=m)) for m in (0, 0, 15)))]

    with pytest.raises(CommandError) as error:
        audit()
    code, out, err = run_cli("audit_capacity", capsys=capsys)

    assert error.value.returncode == 1
    assert str(error.value) == "1 overbooked slot(s) and 0 staff double booking(s) among 3 holding appointment(s)."
    assert code == 1
    assert out == (
        "Overbooked: Fitting at Melbourne, 2026-12-02 09:15 AEDT (Australia/Melbourne): 3 holding for capacity 2 "
        f"(#{ids[0]}, #{ids[1]}, #{ids[2]})\n"
    )
    assert "CommandError: 1 overbooked slot(s)" in err


@pytest.mark.django_db
def test_audit_range_uses_each_locations_local_date(melbourne, pooled):
    plant(*(built(pooled, melbourne, MELBOURNE_9AM) for _ in range(3)))

    assert "among 0 holding" in audit("--from", "2026-12-01", "--to", "2026-12-01")
    with pytest.raises(CommandError, match="1 overbooked slot"):
        audit("--from", "2026-12-02", "--to", "2026-12-02")


@pytest.mark.django_db
def test_back_to_back_appointments_do_not_overlap(melbourne):
    single = DefinitionFactory(duration_minutes=30)
    plant(*(built(single, melbourne, MELBOURNE_9AM + timedelta(minutes=30 * n)) for n in range(3)))

    result = capacity_audit()

    assert (result.checked, result.overbookings, result.clashes) == (3, [], [])


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor == "postgresql", reason="PostgreSQL refuses the plant: see the next test")
def test_audit_finds_a_planted_staff_double_booking(melbourne):
    staffed = DefinitionFactory(duration_minutes=60, requires_staff=True)
    other = DefinitionFactory(duration_minutes=30, requires_staff=True)
    ava = ProfileFactory(email="ava@example.com")
    first, second = plant(built(staffed, melbourne, MELBOURNE_9AM, assigned_staff=ava),
                          built(other, LocationFactory(), MELBOURNE_9AM + timedelta(minutes=45), assigned_staff=ava))  # fmt: skip

    with pytest.raises(CommandError, match=r"^0 overbooked slot\(s\) and 1 staff double booking\(s\)"):
        out = StringIO()
        call_command("audit_capacity", stdout=out)

    assert out.getvalue() == (
        f"Staff double booking: ava@example.com, 2026-12-02 09:45 AEDT (Australia/Melbourne): "
        f"#{first.pk} and #{second.pk} overlap\n"
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_refuses_a_planted_staff_double_booking(melbourne):
    staffed = DefinitionFactory(duration_minutes=60, requires_staff=True)
    ava = ProfileFactory()
    plant(built(staffed, melbourne, MELBOURNE_9AM, assigned_staff=ava))

    with pytest.raises(IntegrityError, match="appointment_staff_no_overlap"), transaction.atomic():
        plant(built(staffed, melbourne, MELBOURNE_9AM + timedelta(minutes=30), assigned_staff=ava))


# --- export_appointments --------------------------------------------------------------------------------------------


@pytest.fixture
def two_zones(melbourne, pooled):
    new_york = LocationFactory(handle="new-york", timezone="America/New_York")
    customer = ProfileFactory(first_name="Zoe", last_name="Taylor", email="zoe@example.com")
    staff = ProfileFactory(first_name="Ava", last_name="Nguyen")
    staffed = DefinitionFactory(handle="styling", duration_minutes=60, requires_staff=True)
    rows = [
        AppointmentFactory(definition=pooled, location=melbourne, profile=customer, scheduled_start_at=MELBOURNE_9AM),
        AppointmentFactory(definition=staffed, location=new_york, profile=customer, assigned_staff=staff,
                           status="completed", scheduled_start_at=datetime(2026, 12, 2, 15, tzinfo=UTC)),
        # 1 December in Melbourne: outside a 2 December export.
        AppointmentFactory(definition=pooled, location=melbourne, scheduled_start_at=MELBOURNE_9AM - timedelta(hours=10)),
    ]  # fmt: skip
    return rows


def export(*args) -> str:
    out = StringIO()
    call_command("export_appointments", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_export_csv_has_local_times_with_their_zone(two_zones):
    melbourne_row, new_york_row, _ = two_zones

    rows = list(csv.DictReader(StringIO(export("--from", "2026-12-02", "--to", "2026-12-02"))))

    assert [(r["id"], r["location"], r["timezone"], r["local_start"], r["local_end"], r["scheduled_start_at"])
            for r in rows] == [
        (str(melbourne_row.pk), "melbourne", "Australia/Melbourne", "2026-12-02T09:00:00+11:00",
         "2026-12-02T09:30:00+11:00", "2026-12-01T22:00:00Z"),
        (str(new_york_row.pk), "new-york", "America/New_York", "2026-12-02T10:00:00-05:00",
         "2026-12-02T11:00:00-05:00", "2026-12-02T15:00:00Z"),
    ]  # fmt: skip
    assert rows[1]["status"] == "completed"
    assert (rows[1]["customer_name"], rows[1]["customer_email"]) == ("Zoe Taylor", "zoe@example.com")
    assert (rows[1]["definition"], rows[1]["assigned_staff_name"]) == ("styling", "Ava Nguyen")
    assert rows[0]["assigned_staff_id"] == ""


@pytest.mark.django_db
def test_export_json_for_one_location_to_a_file(two_zones, tmp_path):
    melbourne_row = two_zones[0]
    target = tmp_path / "out.json"
    err = StringIO()

    out = StringIO()
    call_command("export_appointments", "--from", "2026-12-01", "--to", "2026-12-02", "--location", "melbourne",
                 "--format", "json", "--output", str(target), stdout=out, stderr=err)  # fmt: skip

    data = json.loads(target.read_text())
    assert [row["id"] for row in data] == [two_zones[2].pk, melbourne_row.pk]
    assert data[1]["local_start"] == "2026-12-02T09:00:00+11:00"
    assert data[1]["profile_id"] == str(melbourne_row.profile_id)
    assert out.getvalue() == ""
    assert err.getvalue() == f"2 appointment(s) written to {target}\n"


@pytest.mark.django_db
def test_export_of_nothing_is_an_empty_list_or_a_header():
    assert json.loads(export("--from", "2026-12-01", "--to", "2026-12-01", "--format", "json")) == []
    assert export("--from", "2026-12-01", "--to", "2026-12-01").splitlines() == [
        "id,status,definition,location,timezone,local_start,local_end,scheduled_start_at,scheduled_end_at,"
        "profile_id,customer_name,customer_email,assigned_staff_id,assigned_staff_name,created_at"
    ]


@pytest.mark.django_db
def test_export_to_an_unwritable_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot write .*missing/out.csv: No such file or directory."):
        export("--from", "2026-12-01", "--to", "2026-12-01", "--output", str(tmp_path / "missing" / "out.csv"))
