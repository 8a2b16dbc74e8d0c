"""The availability engine: plain data in, bookable slots out (DOMAIN.md "Availability", steps 2-8).

Pure code: no ORM, no settings, no clock (``now`` is always a parameter). Callers (selectors, booking validation,
the range endpoint, the admin, the CLI) load hours, staff and holding occupancies into the dataclasses of
``data`` and check linking and admission themselves (appointments.admission); only ``Rules.bookable = False`` is
handled here.

``run`` walks the rules once per day or start, in one order, so the walk that finds the slots also says why there
are none; ``engine`` holds the entry points. All arithmetic on instants is done on UTC-aware datetimes; opening
hours are local wall times of the location's timezone (``Context.tz``) converted with ``fold=0``, exactly as
``datetime.combine(d, t, tzinfo=tz)`` does.
"""

from appointments.availability.data import (
    Context,
    DaySlots,
    EmptyReason,
    NotEligible,
    Period,
    RangeSlots,
    RefusalFacts,
    Rules,
    Slot,
    StaffMember,
    StartCheck,
    occupancy,
    staff_assigned_for,
    staff_eligible_on,
)
from appointments.availability.engine import (
    check_start,
    day_with_reason,
    empty_day_reason,
    has_slot,
    no_slot_reason,
    range_with_reasons,
    refusal_facts,
    slots_for_day,
    slots_for_range,
)

__all__ = [
    "Context",
    "DaySlots",
    "EmptyReason",
    "NotEligible",
    "Period",
    "RangeSlots",
    "RefusalFacts",
    "Rules",
    "Slot",
    "StaffMember",
    "StartCheck",
    "check_start",
    "day_with_reason",
    "empty_day_reason",
    "has_slot",
    "no_slot_reason",
    "occupancy",
    "range_with_reasons",
    "refusal_facts",
    "slots_for_day",
    "slots_for_range",
    "staff_assigned_for",
    "staff_eligible_on",
]
