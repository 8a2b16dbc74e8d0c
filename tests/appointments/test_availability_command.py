"""`manage.py availability DEFINITION LOCATION DATE [--days N] [--staff UUID]`."""

from datetime import UTC, datetime, time
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from directory.enums import DayOfWeek
from tests.factories import (
    AppointmentFactory,
    DefinitionFactory,
    DefinitionLocationFactory,
    DefinitionNormalHourFactory,
    LocationFactory,
)

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 25, tzinfo=UTC)


@pytest.fixture
def fitting():
    location = LocationFactory(handle="melbourne-cbd", name="Melbourne CBD")
    definition = DefinitionFactory(handle="fitting", name="Fitting", duration_minutes=30, max_concurrent_bookings=2)
    DefinitionLocationFactory(definition=definition, location=location)
    for day in (DayOfWeek.MON, DayOfWeek.TUE):
        DefinitionNormalHourFactory(definition=definition, day_of_week=day, available_from=time(9),
                                    available_until=time(10))  # fmt: skip
    # Monday 30 Nov 09:00 Melbourne (AEDT, +11) is 22:00 UTC the day before.
    AppointmentFactory(definition=definition, location=location,
                       scheduled_start_at=datetime(2026, 11, 29, 22, 0, tzinfo=UTC))  # fmt: skip
    return definition, location


def run(*args) -> str:
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("availability", *args, stdout=out)
    return out.getvalue()


def test_prints_a_table_of_slots_over_several_days_by_handle_or_id(fitting):
    definition, location = fitting
    by_handle = run("fitting", "melbourne-cbd", "2026-11-30", "--days", "2")
    by_id = run(str(definition.pk), str(location.pk), "2026-11-30", "--days", "2")

    assert by_handle == by_id
    assert by_handle.splitlines() == [
        "Fitting at Melbourne CBD (Australia/Melbourne)",
        "date        local   UTC start             capacity",
        "2026-11-30  09:00   2026-11-29 22:00Z           1",
        "2026-11-30  09:30   2026-11-29 22:30Z           2",
        "2026-12-01  09:00   2026-11-30 22:00Z           2",
        "2026-12-01  09:30   2026-11-30 22:30Z           2",
        "4 slots",
    ]


def test_a_closed_day_says_so(fitting):
    assert run("fitting", "melbourne-cbd", "2026-12-02").splitlines()[-1] == "No slots: closed or fully booked."


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nope", "melbourne-cbd", "2026-11-30"), "No appointment definition 'nope' (give an id or a handle)."),
        (("fitting", "melbourne-cbd", "2026-11-30", "--days", "32"), "--days must be between 1 and 31."),
        (("fitting", "melbourne-cbd", "2026-11-30", "--staff", "00000000-0000-4000-8000-000000000001"),
         "This appointment definition is not booked with a staff member."),
    ],
)  # fmt: skip
def test_bad_arguments_are_command_errors(fitting, args, message):
    with pytest.raises(CommandError) as error:
        run(*args)
    assert str(error.value) == message


def test_an_unlinked_location_is_a_command_error(fitting):
    LocationFactory(handle="elsewhere")
    with pytest.raises(CommandError) as error:
        run("fitting", "elsewhere", "2026-11-30")
    assert str(error.value) == "This appointment definition is not offered at this location."
