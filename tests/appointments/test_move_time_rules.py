"""Time rules on lifecycle moves (docs/api-guide-notes.md "Time rules on moves"): check-in only on the local date
from CHECK_IN_EARLY_MINUTES before the start, no_show from the start plus NO_SHOW_GRACE_MINUTES, completed from
the start. The rules live in the transition service, so the API, the admin and the commands all get them.

The location is in Melbourne (UTC+10 in June); the appointment starts at 10:00 local on Monday 2025-06-16.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from appointments.models import Appointment, AppointmentEvent
from appointments.services.lifecycle import appointment_transition, check_move_time
from core.errors import DomainError
from tests.factories import AppointmentFactory, DefinitionFactory, LocationFactory

MELBOURNE = ZoneInfo("Australia/Melbourne")
DAY = date(2025, 6, 16)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=MELBOURNE).astimezone(UTC)


START = local(DAY, 10)


def appointment_at(start=START, status="confirmed", **kwargs) -> Appointment:
    return AppointmentFactory(status=status, scheduled_start_at=start, definition=DefinitionFactory(duration_minutes=30),
                              **kwargs)  # fmt: skip


def refused(appointment: Appointment, to: str, now: datetime) -> DomainError:
    was = Appointment.objects.get(pk=appointment.pk)
    with pytest.raises(DomainError) as caught:
        appointment_transition(appointment_id=appointment.pk, to=to, actor="user:1", now=now)
    after = Appointment.objects.get(pk=appointment.pk)
    assert (after.status, after.updated_at, after.arrived_at, after.completed_at, after.no_show_at) == (
        was.status, was.updated_at, was.arrived_at, was.completed_at, was.no_show_at)  # fmt: skip
    assert not AppointmentEvent.objects.filter(appointment=appointment).exists()
    assert caught.value.status == 422
    assert caught.value.errors == {"status": [caught.value.message]}
    return caught.value


def moved(appointment: Appointment, to: str, now: datetime) -> Appointment:
    result = appointment_transition(appointment_id=appointment.pk, to=to, actor="user:1", now=now)
    assert result.status == to
    return result


@pytest.mark.django_db
class TestCheckIn:
    def test_eight_days_early_is_refused_saying_when_check_in_opens(self):
        error = refused(appointment_at(), "arrived", START - timedelta(days=8))

        assert error.code == "check_in_too_early"
        assert error.message == "Check-in opens at 2025-06-16 09:00 Australia/Melbourne."

    def test_opens_exactly_check_in_early_minutes_before_the_start(self):
        appointment = appointment_at()

        assert refused(appointment, "arrived", START - timedelta(minutes=61)).code == "check_in_too_early"
        assert moved(appointment, "arrived", START - timedelta(minutes=60)).arrived_at == START - timedelta(hours=1)

    def test_the_setting_moves_the_opening(self, settings):
        settings.CHECK_IN_EARLY_MINUTES = 15
        appointment = appointment_at()

        error = refused(appointment, "arrived", START - timedelta(minutes=16))
        assert error.message == "Check-in opens at 2025-06-16 09:45 Australia/Melbourne."
        moved(appointment, "arrived", START - timedelta(minutes=15))

    def test_a_late_arrival_on_the_same_local_day_is_accepted(self):
        moved(appointment_at(), "arrived", local(DAY, 23, 59))

    def test_the_next_local_day_is_too_late(self):
        error = refused(appointment_at(), "arrived", local(DAY + timedelta(days=1), 0, 0))

        assert error.code == "check_in_too_late"
        assert (
            error.message
            == "Check-in closed at the end of the appointment's day (2025-06-16 10:00 Australia/Melbourne)."
        )

    def test_never_before_the_local_date_even_within_the_early_minutes(self):
        # 00:30 local: an hour before is 23:30 the previous local day (still the same UTC day, 14:30 UTC).
        appointment = appointment_at(start=local(DAY, 0, 30))

        error = refused(appointment, "arrived", local(DAY - timedelta(days=1), 23, 45))
        assert error.message == "Check-in opens at 2025-06-16 00:00 Australia/Melbourne."
        moved(appointment, "arrived", local(DAY, 0, 0))

    def test_the_local_date_is_the_locations_not_utc(self):
        # 08:00 in Melbourne on the 16th is 22:00 UTC on the 15th; check-in at 07:30 local is on the same local day.
        appointment = appointment_at(start=local(DAY, 8))

        moved(appointment, "arrived", local(DAY, 7, 30))


@pytest.mark.django_db
class TestNoShowAndCompleted:
    def test_no_show_from_the_start_plus_the_grace(self, settings):
        settings.NO_SHOW_GRACE_MINUTES = 15
        appointment = appointment_at()

        error = refused(appointment, "no_show", START + timedelta(minutes=14, seconds=59))
        assert error.code == "no_show_too_early"
        assert (
            error.message
            == "An appointment can be marked no_show from 15 minutes after its start (2025-06-16 10:15 Australia/Melbourne)."
        )
        assert moved(appointment, "no_show", START + timedelta(minutes=15)).no_show_at == START + timedelta(minutes=15)

    def test_completed_not_before_the_start(self):
        appointment = appointment_at()

        error = refused(appointment, "completed", START - timedelta(seconds=1))
        assert error.code == "complete_too_early"
        assert (
            error.message
            == "An appointment cannot be completed before its start (2025-06-16 10:00 Australia/Melbourne)."
        )
        assert moved(appointment, "completed", START).completed_at == START

    def test_completed_after_an_early_check_in_waits_for_the_start(self):
        appointment = appointment_at()
        moved(appointment, "arrived", START - timedelta(minutes=30))
        AppointmentEvent.objects.all().delete()

        assert refused(appointment, "completed", START - timedelta(minutes=1)).code == "complete_too_early"
        moved(appointment, "completed", START + timedelta(minutes=25))

    def test_the_table_is_checked_before_the_clock(self):
        # A requested appointment cannot be completed at all: that is the answer, not "too early".
        error = refused(appointment_at(status="requested"), "completed", START - timedelta(days=1))

        assert error.code == "transition_not_allowed"


@pytest.mark.django_db
def test_api_refusal_is_a_422_on_status_with_the_rules_code(api):
    appointment = appointment_at()

    with time_machine.travel(START - timedelta(days=8), tick=False):
        response = api.put(f"/api/v3/appointments/{appointment.pk}", {"status": "arrived"}, format="json")

    assert response.status_code == 422
    assert response.json() == {
        "message": "Check-in opens at 2025-06-16 09:00 Australia/Melbourne.",
        "code": "check_in_too_early",
        "errors": {"status": ["Check-in opens at 2025-06-16 09:00 Australia/Melbourne."]},
    }
    assert Appointment.objects.get(pk=appointment.pk).status == "confirmed"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("to", "now", "code", "message"),
    [
        ("arrived", START - timedelta(days=8), "check_in_too_early", "Check-in opens at 2025-06-16 09:00 Australia/Melbourne."),
        ("arrived", START + timedelta(days=1), "check_in_too_late",
         "Check-in closed at the end of the appointment's day (2025-06-16 10:00 Australia/Melbourne)."),
        ("no_show", START + timedelta(minutes=5), "no_show_too_early",
         "An appointment can be marked no_show from 15 minutes after its start (2025-06-16 10:15 Australia/Melbourne)."),
        ("completed", START - timedelta(minutes=5), "complete_too_early",
         "An appointment cannot be completed before its start (2025-06-16 10:00 Australia/Melbourne)."),
    ],
)  # fmt: skip
def test_every_time_rule_names_its_moment_in_the_locations_local_time_and_zone(api, settings, to, now, code, message):
    """One style for times in errors (issue 19 finding 7): the location's wall time with its zone, never UTC."""
    settings.NO_SHOW_GRACE_MINUTES = 15
    appointment = appointment_at(location=LocationFactory(timezone=MELBOURNE))

    with time_machine.travel(now, tick=False):
        response = api.put(f"/api/v3/appointments/{appointment.pk}", {"status": to}, format="json")

    assert response.status_code == 422
    assert response.json() == {"message": message, "code": code, "errors": {"status": [message]}}


# The rules against an independent oracle, for any moment within two days of the start (no database needed).
MINUTES = st.integers(min_value=-2 * 24 * 60, max_value=2 * 24 * 60)


def oracle(to: str, now: datetime, early: int, grace: int) -> str | None:
    start_day = START.astimezone(MELBOURNE).date()
    today = now.astimezone(MELBOURNE).date()
    if to == "arrived":
        if today > start_day:
            return "check_in_too_late"
        return None if today == start_day and now >= START - timedelta(minutes=early) else "check_in_too_early"
    if to == "no_show":
        return None if now >= START + timedelta(minutes=grace) else "no_show_too_early"
    return None if now >= START else "complete_too_early"


@settings(max_examples=300, deadline=None)
@given(offset=MINUTES, to=st.sampled_from(["arrived", "no_show", "completed"]), early=st.integers(0, 720),
       grace=st.integers(0, 120))  # fmt: skip
def test_time_rules_match_the_oracle(offset, to, early, grace):
    now = START + timedelta(minutes=offset)
    appointment = Appointment(scheduled_start_at=START, location=LocationFactory.build(timezone=MELBOURNE))
    code = None
    with override_settings(CHECK_IN_EARLY_MINUTES=early, NO_SHOW_GRACE_MINUTES=grace):
        try:
            check_move_time(appointment, to, now)
        except DomainError as exc:
            code = exc.code
    assert code == oracle(to, now, early, grace)
