"""The hours resolver (DOMAIN.md "Hours"): which local windows a subject is open on a local date.

Pure tests: no database, no Django.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from directory.hours import Schedule, SpecialHours, WeeklyHours, intersect, windows_on

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)

# 2026-05-04 is a Monday.
MONDAY = date(2026, 5, 4)
TUESDAY = date(2026, 5, 5)


def t(text: str) -> time:
    """'09:30' -> time(9, 30)."""
    return time.fromisoformat(text)


def w(start: str, end: str) -> tuple[time, time]:
    """A window from two 'HH:MM' strings."""
    return (t(start), t(end))


def weekly(day_of_week: int, start: str, end: str) -> WeeklyHours:
    return WeeklyHours(day_of_week, t(start), t(end))


def special(
    start_date: date, end_date: date, start: str | None = None, end: str | None = None, *, repeating: bool = False
) -> SpecialHours:
    return SpecialHours(
        start_date=start_date,
        end_date=end_date,
        is_repeating=repeating,
        start=None if start is None else t(start),
        end=None if end is None else t(end),
    )


OFFICE = Schedule(normal=tuple(weekly(day, "09:00", "17:00") for day in (MON, TUE, WED, THU, FRI)))


# --- no rows at all -------------------------------------------------------------------------------------------------


def test_a_schedule_without_rows_places_no_restriction():
    schedule = Schedule()

    assert schedule.unrestricted is True
    assert windows_on(schedule, MONDAY) is None


def test_a_schedule_with_only_special_rows_is_restricted_and_closed_outside_them():
    # Rule 3 only applies when there are no rows at all; otherwise a weekday without a normal row is closed.
    schedule = Schedule(special=(special(date(2026, 12, 24), date(2026, 12, 24), "10:00", "14:00"),))

    assert schedule.unrestricted is False
    assert windows_on(schedule, MONDAY) == ()
    assert windows_on(schedule, date(2026, 12, 24)) == (w("10:00", "14:00"),)


# --- normal hours ---------------------------------------------------------------------------------------------------


def test_normal_hours_give_the_weekday_windows():
    assert windows_on(OFFICE, MONDAY) == (w("09:00", "17:00"),)
    assert windows_on(OFFICE, TUESDAY) == (w("09:00", "17:00"),)


def test_a_weekday_without_a_row_is_closed():
    saturday = date(2026, 5, 9)

    assert windows_on(OFFICE, saturday) == ()


def test_split_windows_for_a_lunch_break_come_back_sorted():
    schedule = Schedule(normal=(weekly(MON, "13:00", "17:00"), weekly(MON, "09:00", "12:00")))

    assert windows_on(schedule, MONDAY) == (w("09:00", "12:00"), w("13:00", "17:00"))
    assert windows_on(schedule, TUESDAY) == ()


def test_overlapping_and_adjacent_rows_are_merged():
    schedule = Schedule(
        normal=(
            weekly(MON, "09:00", "11:00"),
            weekly(MON, "10:30", "12:00"),  # overlaps the first
            weekly(MON, "12:00", "13:00"),  # touches the merged one
            weekly(MON, "15:00", "16:00"),
        )
    )

    assert windows_on(schedule, MONDAY) == (w("09:00", "13:00"), w("15:00", "16:00"))


def test_a_row_contained_in_another_does_not_shorten_it():
    schedule = Schedule(normal=(weekly(MON, "08:00", "18:00"), weekly(MON, "09:00", "10:00")))

    assert windows_on(schedule, MONDAY) == (w("08:00", "18:00"),)


# --- special hours --------------------------------------------------------------------------------------------------


def test_a_special_hour_beats_the_normal_hours_of_that_date():
    schedule = Schedule(normal=OFFICE.normal, special=(special(MONDAY, MONDAY, "10:00", "14:00"),))

    assert windows_on(schedule, MONDAY) == (w("10:00", "14:00"),)
    assert windows_on(schedule, TUESDAY) == (w("09:00", "17:00"),)


def test_a_special_hour_opens_a_weekday_that_is_normally_closed():
    sunday = date(2026, 5, 10)
    schedule = Schedule(normal=OFFICE.normal, special=(special(sunday, sunday, "11:00", "15:00"),))

    assert windows_on(schedule, sunday) == (w("11:00", "15:00"),)


def test_a_special_hour_covers_its_dates_inclusively():
    schedule = Schedule(normal=OFFICE.normal, special=(special(date(2026, 5, 4), date(2026, 5, 6), "12:00", "13:00"),))

    assert windows_on(schedule, date(2026, 5, 3)) == ()  # Sunday, no normal row
    assert windows_on(schedule, date(2026, 5, 4)) == (w("12:00", "13:00"),)
    assert windows_on(schedule, date(2026, 5, 6)) == (w("12:00", "13:00"),)
    assert windows_on(schedule, date(2026, 5, 7)) == (w("09:00", "17:00"),)


def test_a_special_hour_without_times_closes_the_whole_day():
    schedule = Schedule(normal=OFFICE.normal, special=(special(MONDAY, MONDAY),))

    assert windows_on(schedule, MONDAY) == ()
    assert windows_on(schedule, TUESDAY) == (w("09:00", "17:00"),)


def test_a_closed_special_wins_over_another_covering_special_with_times():
    schedule = Schedule(
        normal=OFFICE.normal,
        special=(
            special(date(2026, 5, 1), date(2026, 5, 31), "10:00", "12:00"),
            special(MONDAY, MONDAY),
        ),
    )

    assert windows_on(schedule, MONDAY) == ()
    assert windows_on(schedule, TUESDAY) == (w("10:00", "12:00"),)


def test_a_special_with_only_one_time_counts_as_closed():
    schedule = Schedule(normal=OFFICE.normal, special=(SpecialHours(MONDAY, MONDAY, False, t("10:00"), None),))

    assert windows_on(schedule, MONDAY) == ()


def test_several_covering_specials_give_several_windows():
    schedule = Schedule(
        normal=OFFICE.normal,
        special=(
            special(MONDAY, MONDAY, "14:00", "16:00"),
            special(date(2026, 5, 1), date(2026, 5, 10), "08:00", "10:00"),
            special(MONDAY, TUESDAY, "09:30", "11:00"),  # overlaps the 08:00-10:00 one: merged
        ),
    )

    assert windows_on(schedule, MONDAY) == (w("08:00", "11:00"), w("14:00", "16:00"))
    assert windows_on(schedule, date(2026, 5, 7)) == (w("08:00", "10:00"),)


def test_a_one_off_special_does_not_cover_other_years():
    schedule = Schedule(normal=OFFICE.normal, special=(special(date(2025, 5, 4), date(2025, 5, 4), "10:00", "11:00"),))

    assert windows_on(schedule, date(2025, 5, 4)) == (w("10:00", "11:00"),)
    assert windows_on(schedule, date(2026, 5, 4)) == (w("09:00", "17:00"),)


def test_a_repeating_special_covers_the_same_month_days_every_year():
    christmas = special(date(2020, 12, 25), date(2020, 12, 26), repeating=True)
    schedule = Schedule(normal=OFFICE.normal, special=(christmas,))

    # 2026-12-25 is a Friday, 2028-12-25 a Monday: both closed by a row entered in 2020.
    assert windows_on(schedule, date(2026, 12, 25)) == ()
    assert windows_on(schedule, date(2028, 12, 25)) == ()
    assert windows_on(schedule, date(2028, 12, 26)) == ()
    # Every year, including years before the row's own.
    assert windows_on(schedule, date(2019, 12, 26)) == ()
    assert windows_on(schedule, date(2028, 12, 27)) == (w("09:00", "17:00"),)
    assert windows_on(schedule, date(2026, 12, 24)) == (w("09:00", "17:00"),)


def test_a_repeating_special_across_the_year_end():
    holidays = special(date(2025, 12, 24), date(2026, 1, 2), "10:00", "13:00", repeating=True)
    schedule = Schedule(normal=OFFICE.normal, special=(holidays,))

    for day in (date(2027, 12, 24), date(2027, 12, 31), date(2028, 1, 1), date(2028, 1, 2), date(2024, 12, 28)):
        assert windows_on(schedule, day) == (w("10:00", "13:00"),), day
    # 2027-12-23 is a Thursday and 2028-01-03 a Monday: normal hours again.
    assert windows_on(schedule, date(2027, 12, 23)) == (w("09:00", "17:00"),)
    assert windows_on(schedule, date(2028, 1, 3)) == (w("09:00", "17:00"),)
    assert windows_on(schedule, date(2028, 6, 15)) == (w("09:00", "17:00"),)


def test_a_repeating_special_on_feb_29_only_applies_in_leap_years():
    leap_day = special(date(2024, 2, 29), date(2024, 2, 29), "10:00", "11:00", repeating=True)
    schedule = Schedule(normal=OFFICE.normal, special=(leap_day,))

    assert windows_on(schedule, date(2028, 2, 29)) == (w("10:00", "11:00"),)  # a Tuesday
    assert windows_on(schedule, date(2027, 2, 26)) == (w("09:00", "17:00"),)  # Friday
    assert windows_on(schedule, date(2027, 3, 1)) == (w("09:00", "17:00"),)  # Monday
    assert windows_on(schedule, date(2028, 2, 28)) == (w("09:00", "17:00"),)  # Monday


def test_a_repeating_range_over_the_end_of_february_includes_feb_29_in_leap_years():
    window = special(date(2023, 2, 28), date(2023, 3, 1), "10:00", "11:00", repeating=True)
    schedule = Schedule(normal=OFFICE.normal, special=(window,))

    assert windows_on(schedule, date(2028, 2, 29)) == (w("10:00", "11:00"),)
    assert windows_on(schedule, date(2028, 3, 1)) == (w("10:00", "11:00"),)
    assert windows_on(schedule, date(2028, 3, 2)) == (w("09:00", "17:00"),)


def test_a_repeating_special_spanning_a_whole_year_covers_every_date():
    all_year = special(date(2025, 3, 1), date(2026, 3, 5), "10:00", "11:00", repeating=True)
    schedule = Schedule(normal=OFFICE.normal, special=(all_year,))

    for day in (date(2027, 3, 3), date(2027, 8, 2), date(2028, 2, 29), date(2030, 1, 1)):
        assert windows_on(schedule, day) == (w("10:00", "11:00"),), day


def test_an_inverted_date_range_covers_nothing():
    schedule = Schedule(normal=OFFICE.normal, special=(special(TUESDAY, MONDAY),))

    assert windows_on(schedule, MONDAY) == (w("09:00", "17:00"),)


# --- DST dates: the resolver works in local wall times ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "dst_day"),
    [
        ("Australia/Melbourne", date(2026, 4, 5)),  # clocks go back 03:00 -> 02:00
        ("America/New_York", date(2026, 3, 8)),  # clocks go forward 02:00 -> 03:00
    ],
)
def test_a_dst_change_date_gives_the_same_local_windows(zone, dst_day):
    tz = ZoneInfo(zone)
    midnight = datetime.combine(dst_day, time(0), tzinfo=tz)
    late = datetime.combine(dst_day, time(23, 59), tzinfo=tz)
    assert midnight.utcoffset() != late.utcoffset(), "the chosen date must really be a DST change date"
    sundays = Schedule(normal=(weekly(SUN, "01:00", "04:00"), weekly(SUN, "09:00", "17:00")))

    # Both dates are Sundays; the windows are wall times, so the DST change does not move or shorten them.
    # (Converting them to UTC is the availability engine's job, tested there.)
    assert dst_day.weekday() == SUN
    assert windows_on(sundays, dst_day) == (w("01:00", "04:00"), w("09:00", "17:00"))
    assert windows_on(sundays, dst_day) == windows_on(sundays, date(2026, 5, 10))


# --- intersect ------------------------------------------------------------------------------------------------------


def test_intersect_treats_none_as_unrestricted():
    office = (w("09:00", "17:00"),)

    assert intersect(None, None) is None
    assert intersect(None, office) == office
    assert intersect(office, None) == office


def test_intersect_with_a_closed_day_is_closed():
    assert intersect((), (w("09:00", "17:00"),)) == ()
    assert intersect((w("09:00", "17:00"),), ()) == ()
    assert intersect(None, ()) == ()


def test_intersect_of_overlapping_windows_is_the_overlap():
    assert intersect((w("08:00", "12:00"),), (w("09:00", "17:00"),)) == (w("09:00", "12:00"),)


def test_intersect_of_disjoint_or_touching_windows_is_empty():
    assert intersect((w("08:00", "09:00"),), (w("10:00", "17:00"),)) == ()
    assert intersect((w("08:00", "09:00"),), (w("09:00", "17:00"),)) == ()


def test_intersect_cuts_a_lunch_break_out_of_a_long_window():
    definition = (w("08:00", "18:00"),)
    location = (w("09:00", "12:00"), w("13:00", "17:00"))

    assert intersect(definition, location) == (w("09:00", "12:00"), w("13:00", "17:00"))


def test_intersect_of_two_split_lists_returns_every_piece_sorted():
    a = (w("08:00", "10:00"), w("11:00", "14:00"), w("15:00", "20:00"))
    b = (w("09:00", "11:30"), w("13:00", "16:00"), w("19:00", "19:30"))

    assert intersect(a, b) == (
        w("09:00", "10:00"),
        w("11:00", "11:30"),
        w("13:00", "14:00"),
        w("15:00", "16:00"),
        w("19:00", "19:30"),
    )
    assert intersect(b, a) == intersect(a, b)


def test_intersect_accepts_unsorted_input():
    a = (w("13:00", "17:00"), w("09:00", "12:00"))

    assert intersect(a, (w("10:00", "14:00"),)) == (w("10:00", "12:00"), w("13:00", "14:00"))
    assert intersect(a, None) == (w("09:00", "12:00"), w("13:00", "17:00"))
