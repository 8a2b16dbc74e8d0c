"""The pure availability engine (DOMAIN.md "Availability"), example by example with exact expected slots.

No database and no Django: the engine takes plain dataclasses. Unless a test says otherwise the location is in
Melbourne and the date is Monday 2026-05-04, when Melbourne is on AEST (UTC+10), so local 09:00 is 23:00 UTC on
the day before.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from appointments.availability import (
    Context,
    NotEligible,
    Period,
    Rules,
    Slot,
    StaffMember,
    has_slot,
    occupancy,
    slots_for_day,
    slots_for_range,
    staff_eligible_on,
)
from directory.hours import Schedule, SpecialHours, WeeklyHours

MELBOURNE = ZoneInfo("Australia/Melbourne")
NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")

MONDAY = date(2026, 5, 4)
MON = 0
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)  # a `now` that puts no lead or advance limit on May 2026


def z(text: str) -> datetime:
    """An exact UTC instant from '2026-05-03T23:30Z'."""
    return datetime.fromisoformat(text)


def hourly(first: str, count: int) -> list[datetime]:
    """``count`` consecutive whole hours in UTC starting at ``first``."""
    start = z(first)
    return [start + timedelta(hours=i) for i in range(count)]


def at(day: date, hhmm: str, tz: ZoneInfo = MELBOURNE) -> datetime:
    """The UTC instant of a local wall time (fold=0)."""
    return datetime.combine(day, time.fromisoformat(hhmm), tzinfo=tz).astimezone(UTC)


def hours(day_of_week: int, *windows: str) -> Schedule:
    """Normal hours on one weekday from 'HH:MM-HH:MM' strings."""
    rows = []
    for window in windows:
        start, end = window.split("-")
        rows.append(WeeklyHours(day_of_week, time.fromisoformat(start), time.fromisoformat(end)))
    return Schedule(normal=tuple(rows))


def daily(window: str) -> Schedule:
    """The same normal hours on every day of the week."""
    start, end = (time.fromisoformat(part) for part in window.split("-"))
    return Schedule(normal=tuple(WeeklyHours(day, start, end) for day in range(7)))


def context(
    *,
    tz: ZoneInfo = MELBOURNE,
    definition: Schedule | None = None,
    location: Schedule | None = None,
    occupancies: tuple[tuple[datetime, datetime], ...] = (),
    staff: tuple[StaffMember, ...] = (),
    **rules: int | bool | None,
) -> Context:
    rules.setdefault("duration_minutes", 60)
    return Context(
        rules=Rules(**rules),  # type: ignore[arg-type]
        tz=tz,
        definition_hours=definition or Schedule(),
        location_hours=location or Schedule(),
        occupancies=occupancies,
        staff=staff,
    )


def local_times(slots: list[Slot]) -> list[str]:
    return [slot.local_start.strftime("%H:%M") for slot in slots]


def starts(slots: list[Slot]) -> list[datetime]:
    return [slot.start for slot in slots]


def monday(ctx: Context, *, now: datetime = LONG_AGO, **kwargs) -> list[Slot]:
    return slots_for_day(ctx, MONDAY, now=now, **kwargs)


# --- the grid -------------------------------------------------------------------------------------------------------


def test_the_grid_starts_at_local_midnight_not_at_the_opening_time():
    ctx = context(location=hours(MON, "09:10-11:00"), duration_minutes=30, slot_interval_minutes=30)

    slots = monday(ctx)

    assert local_times(slots) == ["09:30", "10:00", "10:30"]
    assert starts(slots) == [z("2026-05-03T23:30Z"), z("2026-05-04T00:00Z"), z("2026-05-04T00:30Z")]


def test_a_slot_carries_its_utc_end_local_start_and_local_date():
    ctx = context(location=hours(MON, "09:00-10:00"), duration_minutes=60)

    assert monday(ctx) == [
        Slot(
            start=z("2026-05-03T23:00Z"),
            end=z("2026-05-04T00:00Z"),
            local_start=datetime(2026, 5, 4, 9, 0, tzinfo=MELBOURNE),
            capacity_remaining=1,
        )
    ]
    slot = monday(ctx)[0]
    assert slot.start.utcoffset() == timedelta(0)
    assert slot.local_start.tzinfo is MELBOURNE
    assert slot.date == MONDAY  # the local date, although the UTC date is May 3


def test_the_interval_defaults_to_the_duration():
    ctx = context(location=hours(MON, "09:00-12:00"), duration_minutes=45)

    assert local_times(monday(ctx)) == ["09:00", "09:45", "10:30", "11:15"]


def test_a_duration_that_does_not_divide_the_day_still_counts_from_midnight():
    # 50-minute grid: ..., 08:20, 09:10, 10:00, 10:50, 11:40; 11:40 would end at 12:30, after closing.
    ctx = context(location=hours(MON, "09:00-12:00"), duration_minutes=50)

    assert local_times(monday(ctx)) == ["09:10", "10:00", "10:50"]


def test_an_interval_shorter_than_the_duration_gives_overlapping_starts():
    ctx = context(location=hours(MON, "09:00-11:00"), duration_minutes=60, slot_interval_minutes=15)

    assert local_times(monday(ctx)) == ["09:00", "09:15", "09:30", "09:45", "10:00"]


def test_a_slot_must_end_by_the_end_of_its_window():
    ctx = context(location=hours(MON, "09:00-10:59"), duration_minutes=60, slot_interval_minutes=60)

    assert local_times(monday(ctx)) == ["09:00"]


# --- windows ----------------------------------------------------------------------------------------------------------


def test_windows_are_the_intersection_of_definition_and_location_hours():
    ctx = context(definition=hours(MON, "08:00-12:00"), location=hours(MON, "09:00-17:00"))

    assert local_times(monday(ctx)) == ["09:00", "10:00", "11:00"]


def test_a_closed_location_closes_the_definition():
    ctx = context(definition=hours(MON, "08:00-12:00"), location=hours(MON + 1, "09:00-17:00"))

    assert monday(ctx) == []


def test_split_windows_leave_out_slots_across_the_break():
    ctx = context(location=hours(MON, "09:00-12:00", "13:00-15:00"), slot_interval_minutes=30)

    # 11:30 and 12:30 would run into the lunch break.
    assert local_times(monday(ctx)) == ["09:00", "09:30", "10:00", "10:30", "11:00", "13:00", "13:30", "14:00"]


def test_adjacent_rows_form_one_window():
    ctx = context(location=hours(MON, "09:00-10:00", "10:00-11:00"), slot_interval_minutes=30)

    assert local_times(monday(ctx)) == ["09:00", "09:30", "10:00"]


def test_a_special_hour_replaces_the_normal_hours_of_its_date():
    location = Schedule(
        normal=hours(MON, "09:00-17:00").normal,
        special=(SpecialHours(MONDAY, MONDAY, False, time(10), time(12)),),
    )
    ctx = context(location=location)

    assert local_times(monday(ctx)) == ["10:00", "11:00"]
    assert local_times(slots_for_day(ctx, date(2026, 5, 11), now=LONG_AGO)) == [
        f"{hour:02d}:00" for hour in range(9, 17)
    ]


def test_a_repeating_closed_special_closes_the_date_in_later_years():
    definition = Schedule(
        normal=hours(MON, "09:00-17:00").normal,
        special=(SpecialHours(date(2019, 5, 4), date(2019, 5, 4), True, None, None),),
    )
    ctx = context(definition=definition)

    assert monday(ctx) == []


def test_without_any_hours_rows_the_whole_local_day_is_open():
    ctx = context(duration_minutes=60)

    slots = monday(ctx)

    assert local_times(slots) == [f"{hour:02d}:00" for hour in range(24)]
    assert starts(slots) == hourly("2026-05-03T14:00Z", 24)
    assert slots[-1].end == z("2026-05-04T14:00Z")  # the last slot ends at the next local midnight


def test_an_unrestricted_day_ends_at_midnight_even_when_the_grid_does_not_divide_it():
    ctx = context(duration_minutes=90)

    assert local_times(monday(ctx))[-2:] == ["21:00", "22:30"]
    assert len(monday(ctx)) == 16


def test_not_bookable_definitions_have_no_slots():
    ctx = context(bookable=False)

    assert monday(ctx) == []
    assert slots_for_range(ctx, MONDAY, MONDAY + timedelta(days=6), now=LONG_AGO) == []


# --- occupancy, buffers and pooled capacity ---------------------------------------------------------------------------


def test_occupancy_widens_an_appointment_by_its_buffers():
    rules = Rules(duration_minutes=30, buffer_before_minutes=10, buffer_after_minutes=15)

    assert occupancy(z("2026-05-04T00:00Z"), z("2026-05-04T00:30Z"), rules) == (
        z("2026-05-03T23:50Z"),
        z("2026-05-04T00:45Z"),
    )


def test_an_occupancy_ending_at_a_slot_start_does_not_block_it():
    booked = (at(MONDAY, "10:00"), at(MONDAY, "11:00"))
    ctx = context(location=hours(MON, "09:00-12:00"), occupancies=(booked,))

    assert local_times(monday(ctx)) == ["09:00", "11:00"]


def test_buffer_after_of_the_booked_appointment_blocks_the_next_start():
    rules = Rules(duration_minutes=30, slot_interval_minutes=15, buffer_after_minutes=15)
    booked = occupancy(at(MONDAY, "10:00"), at(MONDAY, "10:30"), rules)  # occupies 10:00-10:45
    ctx = context(
        location=hours(MON, "09:00-12:00"),
        occupancies=(booked,),
        duration_minutes=30,
        slot_interval_minutes=15,
        buffer_after_minutes=15,
    )

    # A candidate at s occupies [s, s + 45): 09:30 would run into 10:00; 10:30 starts inside the 10:45 buffer.
    # 11:30 still fits: only the appointment itself must end by closing time, not its buffer.
    assert local_times(monday(ctx)) == ["09:00", "09:15", "10:45", "11:00", "11:15", "11:30"]


def test_buffers_on_both_sides_widen_both_occupancies():
    rules = Rules(duration_minutes=30, slot_interval_minutes=15, buffer_before_minutes=10, buffer_after_minutes=15)
    booked = occupancy(at(MONDAY, "10:00"), at(MONDAY, "10:30"), rules)  # occupies 09:50-10:45
    ctx = context(
        location=hours(MON, "09:00-12:00"),
        occupancies=(booked,),
        duration_minutes=30,
        slot_interval_minutes=15,
        buffer_before_minutes=10,
        buffer_after_minutes=15,
    )

    # A candidate at s occupies [s - 10, s + 45): 09:00 -> [08:50, 09:45) is clear of 09:50;
    # 09:15 -> [09:05, 10:00) overlaps; 10:45 -> [10:35, 11:30) overlaps the 10:45 end; 11:00 -> [10:50, ...) is clear.
    assert local_times(monday(ctx)) == ["09:00", "11:00", "11:15", "11:30"]


def test_default_capacity_is_one():
    ctx = context(location=hours(MON, "09:00-12:00"), occupancies=((at(MONDAY, "10:00"), at(MONDAY, "11:00")),))

    slots = monday(ctx)

    assert local_times(slots) == ["09:00", "11:00"]
    assert [slot.capacity_remaining for slot in slots] == [1, 1]


def test_pooled_capacity_counts_overlapping_occupancies():
    ten = (at(MONDAY, "10:00"), at(MONDAY, "11:00"))
    half_past = (at(MONDAY, "10:30"), at(MONDAY, "11:30"))
    ctx = context(location=hours(MON, "09:00-12:00"), occupancies=(ten, ten), max_concurrent_bookings=3)

    slots = monday(ctx)

    assert local_times(slots) == ["09:00", "10:00", "11:00"]
    assert [slot.capacity_remaining for slot in slots] == [3, 1, 3]

    full = context(location=hours(MON, "09:00-12:00"), occupancies=(ten, ten, half_past), max_concurrent_bookings=3)
    slots = monday(full)
    assert local_times(slots) == ["09:00", "11:00"]
    assert [slot.capacity_remaining for slot in slots] == [3, 2]


def test_occupancies_of_other_days_do_not_count():
    sunday_ten = (at(MONDAY - timedelta(days=1), "10:00"), at(MONDAY - timedelta(days=1), "11:00"))
    ctx = context(location=hours(MON, "09:00-12:00"), occupancies=(sunday_ten,))

    assert local_times(monday(ctx)) == ["09:00", "10:00", "11:00"]


# --- staff ------------------------------------------------------------------------------------------------------------


ANNA = StaffMember(
    id="anna",
    schedule=Schedule(),  # no hours rows of her own: only the definition and location hours apply
    busy=((at(MONDAY, "10:00"), at(MONDAY, "11:00")),),  # an appointment of another definition, maybe elsewhere
)
BEN = StaffMember(id="ben", schedule=hours(MON, "09:00-17:00"))
CARA = StaffMember(id="cara", schedule=hours(MON, "09:00-10:00"))


def staff_context(*staff: StaffMember, **rules) -> Context:
    return context(location=hours(MON, "09:00-13:00"), staff=staff, requires_staff=True, **rules)


def test_staff_capacity_is_the_number_of_eligible_free_staff_in_their_own_hours():
    ctx = staff_context(ANNA, BEN, CARA)

    slots = monday(ctx)

    assert local_times(slots) == ["09:00", "10:00", "11:00", "12:00"]
    assert [slot.capacity_remaining for slot in slots] == [3, 1, 2, 2]
    assert [slot.free_staff for slot in slots] == [
        ("anna", "ben", "cara"),
        ("ben",),  # Anna is busy through another definition; Cara only works 09:00-10:00
        ("anna", "ben"),
        ("anna", "ben"),
    ]


def test_free_staff_follow_the_context_order():
    ctx = staff_context(CARA, BEN, ANNA)

    assert monday(ctx)[0].free_staff == ("cara", "ben", "anna")


def test_staff_definitions_ignore_the_pooled_occupancies_and_capacity():
    pooled = ((at(MONDAY, "09:00"), at(MONDAY, "13:00")),)
    ctx = context(
        location=hours(MON, "09:00-10:00"),
        staff=(BEN, CARA),
        occupancies=pooled,
        requires_staff=True,
        max_concurrent_bookings=5,
    )

    assert [(s.capacity_remaining, s.free_staff) for s in monday(ctx)] == [(2, ("ben", "cara"))]


def test_a_staff_definition_without_staff_has_no_slots():
    assert monday(staff_context()) == []


def test_staff_buffers_apply_to_the_candidate():
    # Anna is busy 10:00-11:00; with a 15-minute buffer before, an 11:00 start would occupy from 10:45.
    ctx = staff_context(ANNA, buffer_before_minutes=15)

    assert local_times(monday(ctx, staff_id="anna")) == ["09:00", "12:00"]


def test_with_a_staff_id_each_slot_has_capacity_one_for_that_member():
    ctx = staff_context(ANNA, BEN, CARA)

    anna = monday(ctx, staff_id="anna")
    cara = monday(ctx, staff_id="cara")

    assert local_times(anna) == ["09:00", "11:00", "12:00"]
    assert {(slot.capacity_remaining, slot.free_staff) for slot in anna} == {(1, ("anna",))}
    assert local_times(cara) == ["09:00"]


def test_a_staff_id_is_ignored_when_the_definition_does_not_require_staff():
    ctx = context(location=hours(MON, "09:00-11:00"), staff=(BEN,))

    assert local_times(monday(ctx, staff_id="nobody")) == ["09:00", "10:00"]


def test_an_unknown_staff_id_is_not_eligible():
    ctx = staff_context(ANNA, BEN)

    with pytest.raises(NotEligible) as raised:
        monday(ctx, staff_id="zoe")

    assert raised.value.staff_id == "zoe"
    assert raised.value.day == MONDAY


def test_a_staff_id_outside_its_assignment_period_is_not_eligible():
    tuesday = MONDAY + timedelta(days=1)
    dora = StaffMember(id="dora", schedule=Schedule(), periods=(Period(at(tuesday, "00:00"), None),))
    ctx = staff_context(dora)

    with pytest.raises(NotEligible):
        monday(ctx, staff_id="dora")
    # A closed day is still checked: the caller must learn the staff id is wrong, not that the day is full.
    with pytest.raises(NotEligible):
        slots_for_day(ctx, MONDAY - timedelta(days=1), now=LONG_AGO, staff_id="dora")


def test_staff_periods_bound_the_dates_a_member_counts_on():
    tuesday, wednesday = MONDAY + timedelta(days=1), MONDAY + timedelta(days=2)
    dora = StaffMember(id="dora", schedule=Schedule(), periods=(Period(at(tuesday, "00:00"), at(wednesday, "00:00")),))
    eli = StaffMember(id="eli", schedule=Schedule(), periods=None)
    ctx = context(location=daily("09:00-10:00"), staff=(dora, eli), requires_staff=True)

    slots = slots_for_range(ctx, MONDAY, wednesday, now=LONG_AGO)

    assert [(slot.date, slot.free_staff) for slot in slots] == [
        (MONDAY, ("eli",)),
        (tuesday, ("dora", "eli")),
        (wednesday, ("eli",)),
    ]
    # With her id the range shows only the day she is eligible on.
    assert [slot.date for slot in slots_for_range(ctx, MONDAY, wednesday, now=LONG_AGO, staff_id="dora")] == [tuesday]
    with pytest.raises(NotEligible):
        slots_for_range(ctx, wednesday, wednesday + timedelta(days=3), now=LONG_AGO, staff_id="dora")


def test_staff_eligible_on_uses_the_local_day():
    tuesday = MONDAY + timedelta(days=1)

    def member(*periods: Period) -> StaffMember:
        return StaffMember(id="x", schedule=Schedule(), periods=periods)

    # Starting Monday 14:00 local (04:00 UTC): eligible on Monday.
    assert staff_eligible_on(member(Period(at(MONDAY, "14:00"), None)), MONDAY, MELBOURNE) is True
    assert staff_eligible_on(member(Period(at(MONDAY, "14:00"), None)), MONDAY - timedelta(days=1), MELBOURNE) is False
    # Ending exactly at local midnight: not eligible on the day that starts there.
    ends_monday = member(Period(None, at(tuesday, "00:00")))
    assert staff_eligible_on(ends_monday, MONDAY, MELBOURNE) is True
    assert staff_eligible_on(ends_monday, tuesday, MELBOURNE) is False
    # Any covering period is enough; no period at all means no active assignment.
    two = member(Period(None, at(MONDAY, "00:00")), Period(at(tuesday, "08:00"), at(tuesday, "09:00")))
    assert staff_eligible_on(two, tuesday, MELBOURNE) is True
    assert staff_eligible_on(two, MONDAY, MELBOURNE) is False
    assert staff_eligible_on(member(), MONDAY, MELBOURNE) is False
    assert staff_eligible_on(StaffMember(id="y", schedule=Schedule()), MONDAY, MELBOURNE) is True


# --- lead and advance -------------------------------------------------------------------------------------------------


LEAD_NOW = z("2026-05-03T23:20Z")  # Monday 09:20 in Melbourne


@pytest.mark.parametrize(
    ("min_lead_minutes", "expected"),
    [
        (0, ["09:30", "09:45", "10:00", "10:15", "10:30", "10:45", "11:00", "11:15", "11:30"]),
        (30, ["10:00", "10:15", "10:30", "10:45", "11:00", "11:15", "11:30"]),
        (40, ["10:00", "10:15", "10:30", "10:45", "11:00", "11:15", "11:30"]),  # exactly now + lead is allowed
        (41, ["10:15", "10:30", "10:45", "11:00", "11:15", "11:30"]),
        (24 * 60, []),
    ],
)
def test_min_lead_drops_starts_too_soon_after_now(min_lead_minutes, expected):
    ctx = context(
        location=hours(MON, "09:00-12:00"),
        duration_minutes=30,
        slot_interval_minutes=15,
        min_lead_minutes=min_lead_minutes,
    )

    assert local_times(monday(ctx, now=LEAD_NOW)) == expected


def test_min_lead_reaches_into_the_next_day():
    ctx = context(location=daily("09:00-12:00"), min_lead_minutes=24 * 60)

    tuesday = slots_for_day(ctx, MONDAY + timedelta(days=1), now=LEAD_NOW)

    assert local_times(tuesday) == ["10:00", "11:00"]


# 15:00 UTC on May 3 is 01:00 on Monday May 4 in Melbourne: "today" at the location is May 4, not May 3.
ADVANCE_NOW = z("2026-05-03T15:00Z")


@pytest.mark.parametrize(
    ("max_advance_days", "expected_dates"),
    [
        (0, [date(2026, 5, 4)]),
        (1, [date(2026, 5, 4), date(2026, 5, 5)]),
        (3, [date(2026, 5, 4), date(2026, 5, 5), date(2026, 5, 6), date(2026, 5, 7)]),
        (None, [date(2026, 5, 4), date(2026, 5, 5), date(2026, 5, 6), date(2026, 5, 7), date(2026, 5, 8)]),
    ],
)
def test_max_advance_counts_from_today_at_the_location(max_advance_days, expected_dates):
    ctx = context(location=daily("09:00-10:00"), max_advance_days=max_advance_days)

    # Sunday May 3's 09:00 slot is already past.
    slots = slots_for_range(ctx, date(2026, 5, 3), date(2026, 5, 8), now=ADVANCE_NOW)

    assert [slot.date for slot in slots] == expected_dates
    assert all(local_times([slot]) == ["09:00"] for slot in slots)


# --- ignore (rescheduling) --------------------------------------------------------------------------------------------


def test_ignore_lets_an_appointment_not_block_its_own_reschedule():
    own = (at(MONDAY, "10:00"), at(MONDAY, "11:00"))
    ctx = context(location=hours(MON, "09:00-12:00"), occupancies=(own,))

    assert local_times(monday(ctx)) == ["09:00", "11:00"]
    assert local_times(monday(ctx, ignore=own)) == ["09:00", "10:00", "11:00"]


def test_ignore_removes_only_one_occurrence():
    own = (at(MONDAY, "10:00"), at(MONDAY, "11:00"))
    ctx = context(location=hours(MON, "09:00-12:00"), occupancies=(own, own), max_concurrent_bookings=2)

    assert local_times(monday(ctx)) == ["09:00", "11:00"]
    slots = monday(ctx, ignore=own)
    assert [(s.capacity_remaining) for s in slots] == [2, 1, 2]


def test_ignore_of_an_interval_that_is_not_there_changes_nothing():
    own = (at(MONDAY, "10:00"), at(MONDAY, "11:00"))
    ctx = context(location=hours(MON, "09:00-12:00"), occupancies=(own,))

    assert monday(ctx, ignore=(at(MONDAY, "10:00"), at(MONDAY, "10:30"))) == monday(ctx)


def test_ignore_applies_to_staff_busy_lists_and_accepts_any_aware_timezone():
    ctx = staff_context(ANNA, BEN)
    own_local = (datetime(2026, 5, 4, 10, tzinfo=MELBOURNE), datetime(2026, 5, 4, 11, tzinfo=MELBOURNE))

    assert local_times(monday(ctx, staff_id="anna")) == ["09:00", "11:00", "12:00"]
    assert local_times(monday(ctx, staff_id="anna", ignore=own_local)) == ["09:00", "10:00", "11:00", "12:00"]
    assert monday(ctx, ignore=own_local)[1].free_staff == ("anna", "ben")


# --- has_slot (booking validation) ------------------------------------------------------------------------------------


def test_has_slot_finds_the_slot_starting_exactly_there():
    own = (at(MONDAY, "10:00"), at(MONDAY, "11:00"))
    ctx = context(location=hours(MON, "09:00-12:00"), occupancies=(own,))

    assert has_slot(ctx, z("2026-05-03T23:00Z"), now=LONG_AGO) == monday(ctx)[0]
    assert has_slot(ctx, datetime(2026, 5, 4, 11, tzinfo=MELBOURNE), now=LONG_AGO) == monday(ctx)[1]
    assert has_slot(ctx, z("2026-05-03T23:30Z"), now=LONG_AGO) is None  # off the grid
    assert has_slot(ctx, at(MONDAY, "10:00"), now=LONG_AGO) is None  # taken
    assert has_slot(ctx, at(MONDAY, "10:00"), now=LONG_AGO, ignore=own) is not None
    assert has_slot(ctx, at(MONDAY, "09:00"), now=z("2026-05-03T23:01Z")) is None  # in the past


def test_has_slot_checks_the_staff_member():
    ctx = staff_context(ANNA, BEN)

    assert has_slot(ctx, at(MONDAY, "10:00"), now=LONG_AGO, staff_id="anna") is None
    assert has_slot(ctx, at(MONDAY, "10:00"), now=LONG_AGO, staff_id="ben") is not None
    with pytest.raises(NotEligible):
        has_slot(ctx, at(MONDAY, "10:00"), now=LONG_AGO, staff_id="zoe")


def test_slots_for_range_is_ascending_over_the_dates():
    ctx = context(location=daily("09:00-11:00"))

    slots = slots_for_range(ctx, MONDAY, MONDAY + timedelta(days=2), now=LONG_AGO)

    assert starts(slots) == [
        z("2026-05-03T23:00Z"),
        z("2026-05-04T00:00Z"),
        z("2026-05-04T23:00Z"),
        z("2026-05-05T00:00Z"),
        z("2026-05-05T23:00Z"),
        z("2026-05-06T00:00Z"),
    ]
    assert slots_for_range(ctx, MONDAY, MONDAY - timedelta(days=1), now=LONG_AGO) == []


def test_now_must_be_aware():
    with pytest.raises(ValueError, match="naive"):
        monday(context(), now=datetime(2026, 5, 4, 9))  # noqa: DTZ001 - the naive value is the point of the test


# --- daylight saving time ---------------------------------------------------------------------------------------------

DST_UNRESTRICTED = [
    # Melbourne, clocks back on Sunday 2026-04-05 at 03:00 AEDT (+11) -> 02:00 AEST (+10): a 25-hour day.
    # fold=0 keeps the first 02:00 only, so the UTC instant 16:00 (the second 02:00) is not a slot.
    (MELBOURNE, date(2026, 4, 4), hourly("2026-04-03T13:00Z", 24)),
    (
        MELBOURNE,
        date(2026, 4, 5),
        [z("2026-04-04T13:00Z"), z("2026-04-04T14:00Z"), z("2026-04-04T15:00Z"), *hourly("2026-04-04T17:00Z", 21)],
    ),
    (MELBOURNE, date(2026, 4, 6), hourly("2026-04-05T14:00Z", 24)),
    # Melbourne, clocks forward on Sunday 2026-10-04 at 02:00 AEST (+10) -> 03:00 AEDT (+11): a 23-hour day.
    # 02:00 does not exist; fold=0 maps it onto 03:00's instant, kept once.
    (MELBOURNE, date(2026, 10, 3), hourly("2026-10-02T14:00Z", 24)),
    (MELBOURNE, date(2026, 10, 4), hourly("2026-10-03T14:00Z", 23)),
    (MELBOURNE, date(2026, 10, 5), hourly("2026-10-04T13:00Z", 24)),
    # New York, clocks forward on Sunday 2026-03-08 at 02:00 EST (-5) -> 03:00 EDT (-4).
    (NEW_YORK, date(2026, 3, 7), hourly("2026-03-07T05:00Z", 24)),
    (NEW_YORK, date(2026, 3, 8), hourly("2026-03-08T05:00Z", 23)),
    (NEW_YORK, date(2026, 3, 9), hourly("2026-03-09T04:00Z", 24)),
    # New York, clocks back on Sunday 2026-11-01 at 02:00 EDT -> 01:00 EST: the second 01:00 (06:00Z) is skipped.
    (NEW_YORK, date(2026, 10, 31), hourly("2026-10-31T04:00Z", 24)),
    (NEW_YORK, date(2026, 11, 1), [z("2026-11-01T04:00Z"), z("2026-11-01T05:00Z"), *hourly("2026-11-01T07:00Z", 22)]),
    (NEW_YORK, date(2026, 11, 2), hourly("2026-11-02T05:00Z", 24)),
    # London, clocks forward on Sunday 2026-03-29 at 01:00 GMT -> 02:00 BST: 01:00 maps onto 02:00's instant.
    (LONDON, date(2026, 3, 28), hourly("2026-03-28T00:00Z", 24)),
    (LONDON, date(2026, 3, 29), hourly("2026-03-29T00:00Z", 23)),
    (LONDON, date(2026, 3, 30), hourly("2026-03-29T23:00Z", 24)),
    # London, clocks back on Sunday 2026-10-25 at 02:00 BST -> 01:00 GMT: the second 01:00 (01:00Z) is skipped.
    (LONDON, date(2026, 10, 24), hourly("2026-10-23T23:00Z", 24)),
    (LONDON, date(2026, 10, 25), [z("2026-10-24T23:00Z"), z("2026-10-25T00:00Z"), *hourly("2026-10-25T02:00Z", 22)]),
    (LONDON, date(2026, 10, 26), hourly("2026-10-26T00:00Z", 24)),
]

ALL_HOURS = [f"{hour:02d}:00" for hour in range(24)]
DST_LOCAL_TIMES = {
    (MELBOURNE, date(2026, 4, 5)): ALL_HOURS,
    (MELBOURNE, date(2026, 10, 4)): [h for h in ALL_HOURS if h != "02:00"],
    (NEW_YORK, date(2026, 3, 8)): [h for h in ALL_HOURS if h != "02:00"],
    (NEW_YORK, date(2026, 11, 1)): ALL_HOURS,
    (LONDON, date(2026, 3, 29)): [h for h in ALL_HOURS if h != "01:00"],
    (LONDON, date(2026, 10, 25)): ALL_HOURS,
}


@pytest.mark.parametrize(("tz", "day", "expected"), DST_UNRESTRICTED, ids=lambda v: str(v))
def test_dst_unrestricted_hours_hourly_grid(tz, day, expected):
    ctx = context(tz=tz, duration_minutes=60, slot_interval_minutes=60)

    slots = slots_for_day(ctx, day, now=LONG_AGO)

    assert starts(slots) == expected
    assert local_times(slots) == DST_LOCAL_TIMES.get((tz, day), ALL_HOURS)
    assert all(slot.date == day for slot in slots)
    assert slots[-1].end == at(day + timedelta(days=1), "00:00", tz)


DST_OFFICE = [
    (MELBOURNE, date(2026, 4, 4), hourly("2026-04-03T22:00Z", 8)),
    (MELBOURNE, date(2026, 4, 5), hourly("2026-04-04T23:00Z", 8)),
    (MELBOURNE, date(2026, 4, 6), hourly("2026-04-05T23:00Z", 8)),
    (MELBOURNE, date(2026, 10, 3), hourly("2026-10-02T23:00Z", 8)),
    (MELBOURNE, date(2026, 10, 4), hourly("2026-10-03T22:00Z", 8)),
    (MELBOURNE, date(2026, 10, 5), hourly("2026-10-04T22:00Z", 8)),
    (NEW_YORK, date(2026, 3, 7), hourly("2026-03-07T14:00Z", 8)),
    (NEW_YORK, date(2026, 3, 8), hourly("2026-03-08T13:00Z", 8)),
    (NEW_YORK, date(2026, 3, 9), hourly("2026-03-09T13:00Z", 8)),
    (NEW_YORK, date(2026, 10, 31), hourly("2026-10-31T13:00Z", 8)),
    (NEW_YORK, date(2026, 11, 1), hourly("2026-11-01T14:00Z", 8)),
    (NEW_YORK, date(2026, 11, 2), hourly("2026-11-02T14:00Z", 8)),
    (LONDON, date(2026, 3, 28), hourly("2026-03-28T09:00Z", 8)),
    (LONDON, date(2026, 3, 29), hourly("2026-03-29T08:00Z", 8)),
    (LONDON, date(2026, 3, 30), hourly("2026-03-30T08:00Z", 8)),
    (LONDON, date(2026, 10, 24), hourly("2026-10-24T08:00Z", 8)),
    (LONDON, date(2026, 10, 25), hourly("2026-10-25T09:00Z", 8)),
    (LONDON, date(2026, 10, 26), hourly("2026-10-26T09:00Z", 8)),
]


@pytest.mark.parametrize(("tz", "day", "expected"), DST_OFFICE, ids=lambda v: str(v))
def test_dst_office_hours_keep_their_local_times(tz, day, expected):
    ctx = context(tz=tz, location=daily("09:00-17:00"), duration_minutes=60, slot_interval_minutes=60)

    slots = slots_for_day(ctx, day, now=LONG_AGO)

    assert starts(slots) == expected
    assert local_times(slots) == [f"{hour:02d}:00" for hour in range(9, 17)]


def test_dst_window_ending_inside_the_gap_ends_at_the_forward_mapped_instant():
    # New York 2026-03-08: 02:30 does not exist; fold=0 reads it with EST, i.e. 07:30Z = 03:30 EDT.
    ctx = context(tz=NEW_YORK, location=daily("01:00-02:30"), duration_minutes=30, slot_interval_minutes=30)

    slots = slots_for_day(ctx, date(2026, 3, 8), now=LONG_AGO)

    assert starts(slots) == [z("2026-03-08T06:00Z"), z("2026-03-08T06:30Z"), z("2026-03-08T07:00Z")]
    assert local_times(slots) == ["01:00", "01:30", "03:00"]


def test_dst_window_of_the_missing_hour():
    day = date(2026, 3, 8)
    # 02:00-03:00 maps both ends onto 07:00Z: an empty window.
    gone = context(tz=NEW_YORK, location=daily("02:00-03:00"), duration_minutes=15)
    assert slots_for_day(gone, day, now=LONG_AGO) == []
    # 02:00-02:45 keeps its length and lands on 03:00-03:45 EDT.
    shifted = context(tz=NEW_YORK, location=daily("02:00-02:45"), duration_minutes=15)
    slots = slots_for_day(shifted, day, now=LONG_AGO)
    assert starts(slots) == [z("2026-03-08T07:00Z"), z("2026-03-08T07:15Z"), z("2026-03-08T07:30Z")]
    assert local_times(slots) == ["03:00", "03:15", "03:30"]


def test_dst_gap_candidates_off_the_grid_follow_python_fold_zero():
    # Melbourne 2026-10-04 on a 45-minute grid: 02:15 does not exist and maps to 03:15 AEDT, which is not otherwise
    # a grid time, so it stays a slot; 03:00 and 03:45 are regular grid times. 32 grid times, no duplicates.
    ctx = context(duration_minutes=45)

    slots = slots_for_day(ctx, date(2026, 10, 4), now=LONG_AGO)

    assert local_times(slots)[:7] == ["00:00", "00:45", "01:30", "03:00", "03:15", "03:45", "04:30"]
    assert starts(slots)[:7] == [
        z("2026-10-03T14:00Z"),
        z("2026-10-03T14:45Z"),
        z("2026-10-03T15:30Z"),
        z("2026-10-03T16:00Z"),
        z("2026-10-03T16:15Z"),
        z("2026-10-03T16:45Z"),
        z("2026-10-03T17:30Z"),
    ]
    assert len(slots) == 32
    assert slots[-1].end == z("2026-10-04T13:00Z")


def test_dst_staff_and_occupancies_are_compared_in_utc():
    # London 2026-10-25 (clocks back at 02:00): Ben is busy during the first 01:00-02:00 (00:00Z-01:00Z).
    day = date(2026, 10, 25)
    ben = StaffMember(id="ben", schedule=Schedule(), busy=((z("2026-10-25T00:00Z"), z("2026-10-25T01:00Z")),))
    ctx = context(tz=LONDON, location=daily("00:00-04:00"), staff=(ben,), requires_staff=True)

    slots = slots_for_day(ctx, day, now=LONG_AGO)

    # 00:00 BST = 23:00Z, [the first 01:00 is busy], 02:00 GMT = 02:00Z, 03:00 GMT = 03:00Z.
    assert starts(slots) == [z("2026-10-24T23:00Z"), z("2026-10-25T02:00Z"), z("2026-10-25T03:00Z")]
    assert local_times(slots) == ["00:00", "02:00", "03:00"]
