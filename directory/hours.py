"""Opening-hours resolver: which local time windows a subject is open on one local date.

Pure code (no ORM, no settings, no clock). A subject (definition, location or staff profile) is described by a
:class:`Schedule` of plain rows; :func:`windows_on` applies the rules of DOMAIN.md "Hours" and returns the day's
windows as local wall times of the location's timezone. Windows never cross midnight, so a DST change does not
alter them: converting them to UTC is the availability engine's job.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

Window = tuple[time, time]
"""A half-open local wall-time interval ``[start, end)`` inside one local day."""

__all__ = ["Schedule", "SpecialHours", "WeeklyHours", "Window", "intersect", "windows_on"]


@dataclass(frozen=True, slots=True)
class WeeklyHours:
    """A normal-hours row: open from ``start`` until ``end`` every week on ``day_of_week`` (0=Monday .. 6=Sunday)."""

    day_of_week: int
    start: time
    end: time


@dataclass(frozen=True, slots=True)
class SpecialHours:
    """A dated override covering ``start_date`` .. ``end_date`` (both inclusive).

    ``start``/``end`` of ``None`` means closed all day. ``is_repeating`` makes it cover the same month-days every
    year (a range may wrap the year end, e.g. Dec 24 - Jan 2).
    """

    start_date: date
    end_date: date
    is_repeating: bool
    start: time | None
    end: time | None

    @property
    def is_closed(self) -> bool:
        """True when the row has no times, i.e. it closes the subject for every date it covers."""
        # A row with only one of the two times cannot describe a window; treating it as closed is the safe reading.
        return self.start is None or self.end is None

    def covers(self, day: date) -> bool:
        """Whether this special hour applies to the local date ``day``."""
        if self.end_date < self.start_date:
            return False
        if not self.is_repeating:
            return self.start_date <= day <= self.end_date
        if self.end_date >= _one_year_later(self.start_date) - timedelta(days=1):
            # A repeating range of a whole year or more covers every month-day, which the month-day
            # comparison below cannot express (its end month-day would fall at or after its start).
            return True
        first = (self.start_date.month, self.start_date.day)
        last = (self.end_date.month, self.end_date.day)
        today = (day.month, day.day)
        if first <= last:
            return first <= today <= last
        # The range wraps the year end (e.g. Dec 24 - Jan 2).
        return today >= first or today <= last


@dataclass(frozen=True, slots=True)
class Schedule:
    """All hours rows of one subject."""

    normal: tuple[WeeklyHours, ...] = ()
    special: tuple[SpecialHours, ...] = ()

    @property
    def unrestricted(self) -> bool:
        """True when the subject has no hours rows at all, which places no restriction (DOMAIN.md Hours, rule 3)."""
        return not self.normal and not self.special


def _one_year_later(day: date) -> date:
    """The same month-day one year later; Feb 29 becomes Mar 1 so a leap-day start still spans a full year."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return date(day.year + 1, 3, 1)


def _merge(windows: list[Window]) -> tuple[Window, ...]:
    """Sort windows by start and merge overlapping or touching ones; empty or inverted windows are dropped."""
    merged: list[list[time]] = []
    for start, end in sorted(w for w in windows if w[0] < w[1]):
        if merged and start <= merged[-1][1]:
            # Touching windows merge too, so a slot may run across the seam of two adjacent rows.
            if end > merged[-1][1]:
                merged[-1][1] = end
        else:
            merged.append([start, end])
    return tuple((start, end) for start, end in merged)


def windows_on(schedule: Schedule, day: date) -> tuple[Window, ...] | None:
    """Return the subject's open windows on the local date ``day``.

    ``None`` means the schedule places no restriction (no rows at all); ``()`` means closed all day. Otherwise the
    windows are sorted by start with overlapping/adjacent windows merged.
    """
    if schedule.unrestricted:
        return None
    covering = [special for special in schedule.special if special.covers(day)]
    if covering:
        # Specials decide the whole day; one closed special wins over any other covering special with times.
        if any(special.is_closed for special in covering):
            return ()
        return _merge([(s.start, s.end) for s in covering if s.start is not None and s.end is not None])
    weekday = day.weekday()
    return _merge([(row.start, row.end) for row in schedule.normal if row.day_of_week == weekday])


def intersect(a: tuple[Window, ...] | None, b: tuple[Window, ...] | None) -> tuple[Window, ...] | None:
    """Intersect two window lists; ``None`` (unrestricted) is the identity.

    Returns the sorted, non-empty, merged intersections.
    """
    if a is None:
        return None if b is None else _merge(list(b))
    if b is None:
        return _merge(list(a))
    left, right = _merge(list(a)), _merge(list(b))
    result: list[Window] = []
    i = j = 0
    while i < len(left) and j < len(right):
        start = max(left[i][0], right[j][0])
        end = min(left[i][1], right[j][1])
        if start < end:
            result.append((start, end))
        # Advance whichever window ends first; the other may still overlap the next one.
        if left[i][1] < right[j][1]:
            i += 1
        else:
            j += 1
    return _merge(result)
