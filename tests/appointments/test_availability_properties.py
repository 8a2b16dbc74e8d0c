"""Properties of the availability engine over random schedules, occupancies, rules, staff and time zones.

Hypothesis generates whole scenarios; dates lean towards daylight-saving changes (including zones that change at
midnight, by 30 minutes, or at 02:45) so the unusual days are exercised as often as ordinary ones. The last
properties compare the engine with a deliberately naive reading of DOMAIN.md (every grid time, linear scans).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appointments.availability import (
    Context,
    NotEligible,
    Period,
    Rules,
    Slot,
    StaffMember,
    slots_for_day,
    slots_for_range,
)
from directory.hours import Schedule, SpecialHours, WeeklyHours, Window, intersect, windows_on

ZONES = [
    ZoneInfo(name)
    for name in (
        "Australia/Melbourne",
        "America/New_York",
        "Europe/London",
        "UTC",
        "Asia/Kolkata",  # +05:30, no DST
        "Australia/Lord_Howe",  # 30-minute DST shift
        "Pacific/Chatham",  # +12:45, changes at 02:45
        "America/Santiago",  # changes at midnight: some local midnights do not exist
    )
]

# No test database is written: examples must not leave files in the project.
PROPERTY = settings(max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


def _transition_days(tz: ZoneInfo, year: int) -> list[date]:
    """Local dates of ``year`` on which the zone's UTC offset changes, with their neighbours."""
    found: set[date] = set()
    day = date(year, 1, 1)
    while day.year == year:
        start = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
        end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
        if end - start != timedelta(days=1):
            found.update({day - timedelta(days=1), day, day + timedelta(days=1)})
        day += timedelta(days=1)
    return sorted(found)


INTERESTING_DAYS = sorted({day for tz in ZONES for day in _transition_days(tz, 2026)})

days = st.one_of(st.sampled_from(INTERESTING_DAYS), st.dates(date(2026, 1, 1), date(2026, 12, 31)))
wall_times = st.integers(0, 24 * 12 - 1).map(lambda k: time(k * 5 // 60, k * 5 % 60))


@st.composite
def windows(draw) -> Window:
    start, end = sorted(draw(st.lists(wall_times, min_size=2, max_size=2, unique=True)))
    return (start, end)


@st.composite
def schedules(draw, around: date) -> Schedule:
    """Random hours rows, biased to touch ``around`` (its weekday, dates near it)."""
    weekday = st.one_of(st.just(around.weekday()), st.integers(0, 6))
    normal = draw(
        st.lists(st.builds(lambda d, w: WeeklyHours(d, *w), weekday, windows()), max_size=4),
    )
    specials = []
    for _ in range(draw(st.integers(0, 2))):
        start = around + timedelta(days=draw(st.integers(-3, 3)))
        end = start + timedelta(days=draw(st.integers(0, 3)))
        repeating = draw(st.booleans())
        if repeating:
            years = draw(st.integers(-3, 0))
            start, end = _shift_years(start, years), _shift_years(end, years)
        times = draw(st.one_of(st.none(), windows()))
        specials.append(SpecialHours(start, end, repeating, *(times or (None, None))))
    return Schedule(normal=tuple(normal), special=tuple(specials))


def _shift_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # Feb 29
        return day.replace(year=day.year + years, day=28)


@st.composite
def intervals(draw, midnight: datetime, max_size: int) -> tuple[tuple[datetime, datetime], ...]:
    """Occupancy intervals around the local day starting at the UTC instant ``midnight``."""
    found = []
    for _ in range(draw(st.integers(0, max_size))):
        start = midnight + timedelta(minutes=draw(st.integers(-180, 26 * 60)))
        found.append((start, start + timedelta(minutes=draw(st.integers(5, 240)))))
    return tuple(found)


@st.composite
def periods(draw, midnight: datetime) -> tuple[Period, ...] | None:
    if draw(st.sampled_from([True, True, False])):
        return None
    edge = st.one_of(st.none(), st.integers(-3 * 24 * 60, 3 * 24 * 60).map(lambda m: midnight + timedelta(minutes=m)))
    found = []
    for _ in range(draw(st.integers(0, 2))):
        a, b = draw(edge), draw(edge)
        if a is not None and b is not None and b < a:
            a, b = b, a
        found.append(Period(a, b))
    return tuple(found)


rules_strategy = st.builds(
    Rules,
    duration_minutes=st.one_of(st.sampled_from([15, 30, 45, 60, 90]), st.integers(5, 240)),
    buffer_before_minutes=st.integers(0, 30),
    buffer_after_minutes=st.integers(0, 30),
    slot_interval_minutes=st.one_of(st.none(), st.sampled_from([15, 30, 60]), st.integers(5, 120)),
    min_lead_minutes=st.one_of(st.just(0), st.integers(0, 12 * 60), st.integers(0, 3 * 24 * 60)),
    max_advance_days=st.one_of(st.none(), st.integers(0, 5)),
    max_concurrent_bookings=st.one_of(st.none(), st.integers(1, 4)),
    requires_staff=st.booleans(),
    bookable=st.sampled_from([True] * 9 + [False]),
)


@st.composite
def scenarios(draw) -> tuple[Context, date, datetime]:
    """A context, a local date and a `now`."""
    tz = draw(st.sampled_from(ZONES))
    day = draw(days)
    midnight = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
    staff = []
    for index in range(draw(st.sampled_from([0, 1, 2, 3, 3]))):
        staff.append(
            StaffMember(
                id=f"s{index}",
                schedule=draw(st.one_of(st.just(Schedule()), schedules(day))),
                busy=draw(intervals(midnight, 6)),
                periods=draw(periods(midnight)),
            )
        )
    ctx = Context(
        rules=draw(rules_strategy),
        tz=tz,
        definition_hours=draw(st.one_of(st.just(Schedule()), schedules(day))),
        location_hours=draw(st.one_of(st.just(Schedule()), schedules(day))),
        occupancies=draw(intervals(midnight, 8)),
        staff=tuple(staff),
    )
    # Mostly before or during the day, sometimes after it (then nothing is bookable).
    now = midnight + timedelta(minutes=draw(st.integers(-4 * 24 * 60, 24 * 60 + 120)))
    return ctx, day, now


staff_ids = st.one_of(st.none(), st.sampled_from(["s0", "s0", "s1", "s2", "nobody"]))


def _day_or_nothing(ctx: Context, day: date, now: datetime, staff_id: str | None) -> list[Slot] | None:
    """slots_for_day, or None when the staff id is not eligible that day."""
    try:
        return slots_for_day(ctx, day, now=now, staff_id=staff_id)
    except NotEligible:
        return None


# --- an independent, naive reading of DOMAIN.md -----------------------------------------------------------------------


def _utc_windows(day: date, tz: ZoneInfo, found: tuple[Window, ...] | None) -> list[tuple[datetime, datetime]]:
    if found is None:
        return [
            (
                datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC),
                datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC),
            )
        ]
    return [
        (datetime.combine(day, a, tzinfo=tz).astimezone(UTC), datetime.combine(day, b, tzinfo=tz).astimezone(UTC))
        for a, b in found
    ]


def _inside(bounds: list[tuple[datetime, datetime]], start: datetime, end: datetime) -> bool:
    return any(lo <= start and end <= hi for lo, hi in bounds)


def _eligible(member: StaffMember, day: date, tz: ZoneInfo) -> bool:
    if member.periods is None:
        return True
    first = datetime.combine(day, time(0), tzinfo=tz)
    last = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    return any(
        (p.starts_at is None or p.starts_at < last) and (p.ends_at is None or p.ends_at > first) for p in member.periods
    )


def _assigned(member: StaffMember, start: datetime, end: datetime) -> bool:
    """DOMAIN.md step 8: on a day an assignment begins or ends within, only candidates wholly inside it count."""
    if member.periods is None:
        return True
    return any((p.starts_at is None or p.starts_at <= start) and (p.ends_at is None or end <= p.ends_at)
               for p in member.periods)  # fmt: skip


def _grid(day: date, tz: ZoneInfo, step: int) -> list[datetime]:
    wall = (time(m // 60, m % 60) for m in range(0, 24 * 60, step))
    return sorted({datetime.combine(day, t, tzinfo=tz).astimezone(UTC) for t in wall})


def reference(ctx: Context, day: date, now: datetime, staff_id: str | None = None) -> list[Slot]:
    """Every grid time of the day checked one by one against every interval."""
    rules, tz = ctx.rules, ctx.tz
    if not rules.bookable:
        return []
    members: list[StaffMember] = []
    if rules.requires_staff:
        if staff_id is not None:
            members = [m for m in ctx.staff if m.id == staff_id][:1]
            if not members or not _eligible(members[0], day, tz):
                raise NotEligible(staff_id, day)
        else:
            members = [m for m in ctx.staff if _eligible(m, day, tz)]
    base = intersect(windows_on(ctx.definition_hours, day), windows_on(ctx.location_hours, day))
    own = {m.id: _utc_windows(day, tz, intersect(base, windows_on(m.schedule, day))) for m in members}
    duration = timedelta(minutes=rules.duration_minutes)
    today = now.astimezone(tz).date()
    result = []
    for start in _grid(day, tz, rules.slot_interval_minutes or rules.duration_minutes):
        end = start + duration
        if start < now + timedelta(minutes=rules.min_lead_minutes):
            continue
        if rules.max_advance_days is not None and start.astimezone(tz).date() > today + timedelta(
            days=rules.max_advance_days
        ):
            continue
        lo = start - timedelta(minutes=rules.buffer_before_minutes)
        hi = end + timedelta(minutes=rules.buffer_after_minutes)
        if not rules.requires_staff:
            if not _inside(_utc_windows(day, tz, base), start, end):
                continue
            remaining = (rules.max_concurrent_bookings or 1) - sum(1 for a, b in ctx.occupancies if a < hi and lo < b)
            free: tuple[str, ...] = ()
        else:
            free = tuple(
                m.id
                for m in members
                if _inside(own[m.id], start, end)
                and _assigned(m, start, end)
                and not any(a < hi and lo < b for a, b in m.busy)
            )
            remaining = len(free)
        if remaining > 0:
            result.append(Slot(start, end, start.astimezone(tz), remaining, free))
    return result


# --- properties -------------------------------------------------------------------------------------------------------


@PROPERTY
@given(scenario=scenarios(), staff_id=staff_ids)
def test_no_slot_outside_the_windows_the_grid_or_the_lead_and_advance_limits(scenario, staff_id):
    ctx, day, now = scenario
    rules, tz = ctx.rules, ctx.tz
    slots = _day_or_nothing(ctx, day, now, staff_id)
    if slots is None:
        return
    base = intersect(windows_on(ctx.definition_hours, day), windows_on(ctx.location_hours, day))
    grid = set(_grid(day, tz, rules.slot_interval_minutes or rules.duration_minutes))
    schedules_by_id = {m.id: m.schedule for m in ctx.staff}

    assert [s.start for s in slots] == sorted({s.start for s in slots}), "ascending, no duplicates"
    for slot in slots:
        assert slot.start in grid
        assert slot.start.utcoffset() == timedelta(0)
        assert slot.end - slot.start == timedelta(minutes=rules.duration_minutes)
        # Not `local_start == start`: PEP 495 makes an inter-zone == False for a time in the repeated hour.
        assert slot.local_start.astimezone(UTC) == slot.start and slot.local_start.tzinfo is tz
        assert slot.date == slot.local_start.date()
        assert slot.start >= now + timedelta(minutes=rules.min_lead_minutes)
        if rules.max_advance_days is not None:
            assert slot.date <= now.astimezone(tz).date() + timedelta(days=rules.max_advance_days)
        if rules.requires_staff:
            assert slot.free_staff
            for member_id in slot.free_staff:
                member_windows = intersect(base, windows_on(schedules_by_id[member_id], day))
                assert _inside(_utc_windows(day, tz, member_windows), slot.start, slot.end)
        else:
            assert _inside(_utc_windows(day, tz, base), slot.start, slot.end)


@PROPERTY
@given(scenario=scenarios(), staff_id=staff_ids)
def test_capacity_remaining_is_between_one_and_the_capacity(scenario, staff_id):
    ctx, day, now = scenario
    rules = ctx.rules
    slots = _day_or_nothing(ctx, day, now, staff_id)
    if slots is None:
        return
    if not rules.requires_staff:
        capacity = rules.max_concurrent_bookings or 1
    elif staff_id is not None:
        capacity = 1
    else:
        capacity = len(ctx.staff)
    order = [m.id for m in ctx.staff]

    for slot in slots:
        assert 1 <= slot.capacity_remaining <= capacity
        if rules.requires_staff:
            assert len(slot.free_staff) == slot.capacity_remaining
            assert list(slot.free_staff) == sorted(set(slot.free_staff), key=order.index)
            if staff_id is not None:
                assert slot.free_staff == (staff_id,)
        else:
            assert slot.free_staff == ()


@PROPERTY
@given(scenario=scenarios(), span=st.integers(0, 4), staff_id=staff_ids)
def test_a_range_is_the_concatenation_of_its_days(scenario, span, staff_id):
    ctx, first, now = scenario
    dates = [first + timedelta(days=i) for i in range(span + 1)]
    per_day = [_day_or_nothing(ctx, day, now, staff_id) for day in dates]

    try:
        ranged = slots_for_range(ctx, dates[0], dates[-1], now=now, staff_id=staff_id)
    except NotEligible:
        assert all(day is None for day in per_day)
        return

    assert ranged == [slot for day in per_day for slot in (day or [])]
    assert [s.start for s in ranged] == sorted(s.start for s in ranged)


@PROPERTY
@given(scenario=scenarios(), staff_id=staff_ids, data=st.data())
def test_removing_an_occupancy_never_removes_a_slot(scenario, staff_id, data):
    ctx, day, now = scenario
    full = _day_or_nothing(ctx, day, now, staff_id)
    if full is None:
        return
    if ctx.rules.requires_staff:
        holders = [i for i, m in enumerate(ctx.staff) if m.busy]
        if not holders:
            return
        index = data.draw(st.sampled_from(holders))
        member = ctx.staff[index]
        dropped = data.draw(st.integers(0, len(member.busy) - 1))
        fewer_member = replace(member, busy=member.busy[:dropped] + member.busy[dropped + 1 :])
        fewer_ctx = replace(ctx, staff=ctx.staff[:index] + (fewer_member,) + ctx.staff[index + 1 :])
    else:
        if not ctx.occupancies:
            return
        dropped = data.draw(st.integers(0, len(ctx.occupancies) - 1))
        fewer_ctx = replace(ctx, occupancies=ctx.occupancies[:dropped] + ctx.occupancies[dropped + 1 :])

    fewer = {slot.start: slot for slot in slots_for_day(fewer_ctx, day, now=now, staff_id=staff_id)}

    for slot in full:
        assert slot.start in fewer
        assert fewer[slot.start].capacity_remaining >= slot.capacity_remaining
        assert set(fewer[slot.start].free_staff) >= set(slot.free_staff)


@PROPERTY
@given(scenario=scenarios(), staff_id=staff_ids, data=st.data())
def test_ignore_undoes_adding_that_occupancy(scenario, staff_id, data):
    ctx, day, now = scenario
    midnight = datetime.combine(day, time(0), tzinfo=ctx.tz).astimezone(UTC)
    extra = data.draw(intervals(midnight, 1).filter(bool))[0]
    more = replace(
        ctx,
        occupancies=(*ctx.occupancies, extra),
        staff=tuple(replace(m, busy=(extra, *m.busy)) for m in ctx.staff),
    )

    expected = _day_or_nothing(ctx, day, now, staff_id)
    try:
        actual = slots_for_day(more, day, now=now, staff_id=staff_id, ignore=extra)
    except NotEligible:
        assert expected is None
        return

    assert actual == expected


@settings(PROPERTY, max_examples=300)
@given(scenario=scenarios(), staff_id=staff_ids)
def test_the_engine_matches_a_naive_reading_of_the_rules(scenario, staff_id):
    ctx, day, now = scenario
    try:
        expected = reference(ctx, day, now, staff_id)
    except NotEligible:
        expected = None

    actual = _day_or_nothing(ctx, day, now, staff_id)

    assert actual == expected
    for got, want in zip(actual or [], expected or [], strict=True):
        assert got.local_start.utcoffset() == want.local_start.utcoffset()
