"""Why a day has no slots and why a start is not a slot: the pure engine's reasons (no database).

A Melbourne location on Monday 2026-05-04 (AEST, UTC+10); the definition is open 09:00-12:00 with 60-minute slots.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appointments.availability import (
    Context,
    EmptyReason,
    Period,
    Rules,
    StaffMember,
    empty_day_reason,
    has_slot,
    no_slot_reason,
    occupancy,
    slots_for_day,
)
from directory.hours import Schedule, SpecialHours, WeeklyHours

MELBOURNE = ZoneInfo("Australia/Melbourne")
MONDAY = date(2026, 5, 4)
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)


def at(day: date, hhmm: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(hhmm), tzinfo=MELBOURNE).astimezone(UTC)


def daily(window: str) -> Schedule:
    start, end = (time.fromisoformat(part) for part in window.split("-"))
    return Schedule(normal=tuple(WeeklyHours(day, start, end) for day in range(7)))


def ctx(*, definition="09:00-12:00", staff=(), occupancies=(), **rules) -> Context:
    rules.setdefault("duration_minutes", 60)
    return Context(rules=Rules(**rules), tz=MELBOURNE, definition_hours=daily(definition),
                   location_hours=daily("08:00-18:00"), occupancies=occupancies, staff=staff)  # fmt: skip


def taken(*hhmm: str, minutes: int = 60) -> tuple:
    return tuple((at(MONDAY, h), at(MONDAY, h) + timedelta(minutes=minutes)) for h in hhmm)


def day_reason(context: Context, now: datetime = LONG_AGO, **kwargs) -> str:
    assert slots_for_day(context, MONDAY, now=now, **kwargs) == []
    return empty_day_reason(context, MONDAY, now=now, **kwargs)


def start_reason(context: Context, hhmm: str, now: datetime = LONG_AGO, **kwargs) -> str:
    start = at(MONDAY, hhmm)
    assert has_slot(context, start, now=now, **kwargs) is None
    return no_slot_reason(context, start, now=now, **kwargs)


def member(id_: str, window: str = "09:00-12:00", busy=(), periods=None) -> StaffMember:
    return StaffMember(id=id_, schedule=daily(window), busy=busy, periods=periods)


class TestEmptyDay:
    def test_not_bookable(self):
        assert day_reason(ctx(bookable=False)) == EmptyReason.NOT_BOOKABLE

    def test_beyond_the_advance_limit(self):
        # Today in Melbourne is 2026-04-26: 05-03 is the last date seven days ahead allow, 05-04 the eighth.
        now = at(date(2026, 4, 26), "12:00")
        assert day_reason(ctx(max_advance_days=7), now) == EmptyReason.BEYOND_ADVANCE_LIMIT
        assert slots_for_day(ctx(max_advance_days=8), MONDAY, now=now) != []

    def test_closed_by_a_special_day(self):
        closed = Schedule(normal=daily("09:00-12:00").normal,
                          special=(SpecialHours(MONDAY, MONDAY, False, None, None),))  # fmt: skip
        context = replace(ctx(), definition_hours=closed)

        assert day_reason(context) == EmptyReason.CLOSED

    def test_closed_when_no_window_fits_one_appointment(self):
        assert day_reason(ctx(definition="09:00-09:45")) == EmptyReason.CLOSED

    def test_no_staff_eligible_that_day(self):
        later = member("a", periods=(Period(at(MONDAY + timedelta(days=1), "00:00"), None),))

        assert day_reason(ctx(requires_staff=True, staff=(later,))) == EmptyReason.NO_STAFF
        assert day_reason(ctx(requires_staff=True)) == EmptyReason.NO_STAFF

    def test_staff_not_working_in_the_open_hours(self):
        evening = member("a", window="13:00-17:00")

        assert day_reason(ctx(requires_staff=True, staff=(evening,))) == EmptyReason.STAFF_NOT_WORKING

    def test_past(self):
        assert day_reason(ctx(), at(MONDAY, "11:01")) == EmptyReason.PAST

    def test_inside_the_lead_time(self):
        # At 09:30 the 10:00 and 11:00 starts remain, but the 120-minute lead pushes the earliest start to 11:30.
        assert day_reason(ctx(min_lead_minutes=120), at(MONDAY, "09:30")) == EmptyReason.INSIDE_LEAD_TIME
        assert slots_for_day(ctx(min_lead_minutes=90), MONDAY, now=at(MONDAY, "09:30")) != []

    def test_fully_booked_pool(self):
        assert day_reason(ctx(occupancies=taken("09:00", "10:00", "11:00"))) == EmptyReason.FULLY_BOOKED

    def test_fully_booked_staff(self):
        busy = member("a", busy=taken("09:00", minutes=180))

        assert day_reason(ctx(requires_staff=True, staff=(busy,))) == EmptyReason.FULLY_BOOKED

    def test_a_partly_taken_and_partly_past_day_is_fully_booked(self):
        # 09:00 has passed and 10:00, 11:00 are taken: the day was bookable, the remaining times are gone.
        assert day_reason(ctx(occupancies=taken("10:00", "11:00")), at(MONDAY, "09:10")) == EmptyReason.FULLY_BOOKED


class TestStartNotASlot:
    def test_in_the_past(self):
        assert start_reason(ctx(), "10:00", at(MONDAY, "10:01")) == EmptyReason.PAST

    def test_inside_the_lead_time(self):
        assert start_reason(ctx(min_lead_minutes=60), "10:00", at(MONDAY, "09:30")) == EmptyReason.INSIDE_LEAD_TIME

    def test_beyond_the_advance_limit(self):
        assert start_reason(ctx(max_advance_days=7), "10:00", at(date(2026, 4, 26), "12:00")) == (
            EmptyReason.BEYOND_ADVANCE_LIMIT
        )

    def test_off_the_grid(self):
        assert start_reason(ctx(), "10:15") == EmptyReason.OFF_GRID
        assert start_reason(ctx(slot_interval_minutes=30), "10:15") == EmptyReason.OFF_GRID

    @pytest.mark.parametrize("hhmm", ["08:00", "11:30", "12:00", "13:00"])
    def test_outside_the_hours(self, hhmm):
        assert start_reason(ctx(slot_interval_minutes=30), hhmm) == EmptyReason.OUTSIDE_HOURS

    def test_fully_booked_pool(self):
        assert start_reason(ctx(occupancies=taken("10:00")), "10:00") == EmptyReason.FULLY_BOOKED

    def test_every_working_staff_member_busy_is_fully_booked(self):
        staff = (member("a", busy=taken("10:00")), member("b", busy=taken("10:00")), member("c", window="13:00-17:00"))

        assert start_reason(ctx(requires_staff=True, staff=staff), "10:00") == EmptyReason.FULLY_BOOKED

    def test_no_staff_member_working_then_is_staff_unavailable(self):
        staff = (member("a", window="11:00-12:00"),)

        assert start_reason(ctx(requires_staff=True, staff=staff), "10:00") == EmptyReason.STAFF_UNAVAILABLE

    def test_the_chosen_member_busy_or_off_is_staff_unavailable(self):
        staff = (member("a", busy=taken("10:00")), member("b", window="11:00-12:00"))
        context = ctx(requires_staff=True, staff=staff)

        assert start_reason(context, "10:00", staff_id="a") == EmptyReason.STAFF_UNAVAILABLE
        assert start_reason(context, "10:00", staff_id="b") == EmptyReason.STAFF_UNAVAILABLE


# A day reason names the first rule, in the engine's order, that empties the day: lifting it and the rules after it
# (lead time, then occupancy) gives the day slots back. Checked on random small days.
HOURS = st.sampled_from(["09:00", "10:00", "11:00"])


@settings(max_examples=200, deadline=None)
@given(
    now_minutes=st.integers(min_value=-600, max_value=900),
    lead=st.sampled_from([0, 30, 120]),
    advance=st.sampled_from([None, 0, 30]),
    booked=st.lists(HOURS, max_size=4),
    capacity=st.sampled_from([None, 2]),
)
def test_a_day_reason_names_the_rule_that_empties_it(now_minutes, lead, advance, booked, capacity):
    now = at(MONDAY, "00:00") + timedelta(minutes=now_minutes)
    context = ctx(min_lead_minutes=lead, max_advance_days=advance, max_concurrent_bookings=capacity,
                  occupancies=tuple(occupancy(s, e, Rules(60)) for s, e in taken(*booked)))  # fmt: skip
    if slots_for_day(context, MONDAY, now=now):
        return
    reason = empty_day_reason(context, MONDAY, now=now)
    free = replace(context, occupancies=())
    no_lead = replace(free, rules=replace(free.rules, min_lead_minutes=0))
    lifted = {
        EmptyReason.BEYOND_ADVANCE_LIMIT: replace(no_lead, rules=replace(no_lead.rules, max_advance_days=None)),
        EmptyReason.INSIDE_LEAD_TIME: no_lead,
        EmptyReason.FULLY_BOOKED: free,
    }
    if reason == EmptyReason.PAST:
        assert now > at(MONDAY, "11:00")
    else:
        assert reason in lifted
        assert slots_for_day(lifted[reason], MONDAY, now=now) != []
