"""The booking fast path, in one place: what every booking and availability request reads, and the locks.

- **The schedule token** (`models.schedule.ScheduleVersion`): one row that changes whenever anything booking reads,
  other than appointments and offers, changes. Booking reads it first; while it is unchanged, the definition,
  location and link (`definition_at`) and the hours and staff lists (`cached_schedule`) come from this process's
  caches: one small query instead of three to six.
- **Invalidation**: every save or delete of a definition, location, link, hours row, staff link or staff assignment
  writes a new random token in the same transaction (`connect_schedule_signals`, wired in `AppointmentsConfig`), so
  a committed change reaches the next booking in every process. The token is random rather than a counter so that
  a rolled-back change can never hand its token to a later, different state. Writes that skip model signals
  (QuerySet.update, bulk_create) to these tables call `schedule_changed` themselves.
- **Occupancy** (holding appointments and open waitlist offers), read fresh on every request, in one query.
- **The lock order**, one for every writer of a scarce place (booking, rescheduling, waitlist offers and claims):
  the (definition, location) link row, then the staff member's profile row (`lock_place`, `lock_link`,
  `lock_staff`). Bookings of one definition at one location therefore run one at a time (pooled capacity), and so
  do bookings of one staff member across every definition (staff conflicts); the staff check is repeated under
  the staff lock (`staff_clashes`) because other definitions do not take our link lock. FOR UPDATE is dropped on
  SQLite, whose IMMEDIATE transactions already serialise writers.

Prebuilt SQL (core.reads.Select) is used where bench/fastpath.py and bench/availability.py show it pays; the
figures are beside each one. Everything else here reads through the ORM.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import replace
from datetime import date, datetime

from django.db import models
from django.db.models.signals import pre_delete, pre_save

from appointments.enums import HOLDING_STATUSES, OfferStatus
from appointments.models import (
    Appointment,
    AppointmentDefinition,
    DefinitionLocation,
    DefinitionNormalHour,
    DefinitionSpecialHour,
    DefinitionStaff,
    ScheduleVersion,
    WaitlistOffer,
)
from appointments.models.schedule import ROW_ID as SCHEDULE_ROW_ID
from appointments.selectors.schedule import Loaded, load_schedule, rules_of, utc_bounds
from core.lru import LRU, from_row_values, row_values
from core.reads import Select, scalar_by, union_rows
from directory.models import (
    Location,
    LocationNormalHour,
    LocationSpecialHour,
    Profile,
    ProfileNormalHour,
    ProfileSpecialHour,
    StaffAssignment,
)
from questionnaires.models import Question, Questionnaire, QuestionnaireSlot, QuestionnaireVersion, QuestionVersion
from questionnaires.selectors import Form, active_form

# Occupancy is read on every booking and every availability request: prebuilt SQL (core.reads.Select) read through
# psycopg's C timestamp loader. bench/fastpath.py: 916 us for 200 rows against 5,498 us through the ORM's union.
# The pooled read's time test is a range overlap: on PostgreSQL a GiST index on (definition, location, range)
# (migration 0012) bounds both ends of it, so holding appointments in other months cost nothing (bench/scaling.py,
# pooled single day at 1M rows); the B-tree on the start walked every earlier one. The staff read keeps its B-tree
# form: given the range test there, the planner pairs the exclusion constraint's GiST index with the staff column's
# own index and the single day got slower.
_OVERLAPPING = (("status", "in"), ("occupancy_start", "<"), ("occupancy_end", ">"))
_RANGE_OVERLAPPING = (("status", "in"), (("occupancy_start", "occupancy_end"), "overlaps"))
POOLED_OCCUPANCY = Select(
    Appointment, ("occupancy_start", "occupancy_end"), (("definition", "="), ("location", "="), *_RANGE_OVERLAPPING)
)
STAFF_OCCUPANCY = Select(
    Appointment, ("assigned_staff", "occupancy_start", "occupancy_end"), (("assigned_staff", "in"), *_OVERLAPPING)
)
# Open waitlist offers hold their place like holding appointments (services.offers); read the same way.
_OPEN_OVERLAPPING = (("status", "="), ("occupancy_start", "<"), ("occupancy_end", ">"))
POOLED_HOLDS = Select(
    WaitlistOffer, ("occupancy_start", "occupancy_end"), (("definition", "="), ("location", "="), *_OPEN_OVERLAPPING)
)
STAFF_HOLDS = Select(
    WaitlistOffer, ("staff", "occupancy_start", "occupancy_end"), (("staff", "in"), *_OPEN_OVERLAPPING)
)


# Per-process caches of what booking reads that is not an appointment, valid while the schedule token is unchanged
# (models.schedule.ScheduleVersion). Every key starts with the token.
_bookables = LRU(1024)
_schedules = LRU(512)


def current_schedule_token() -> int | None:
    """The ScheduleVersion token now (None when its row is missing: then nothing is cached).

    Read first by every booking and availability request: prebuilt (bench/fastpath.py, 164 us against 476 us).
    """
    return scalar_by(ScheduleVersion, "token", "id", SCHEDULE_ROW_ID)


def definition_at(definition_id: int, location_id: int, token: int | None) -> tuple:
    """(definition or None, location or None): the location only when actively linked to the definition.

    Fresh instances every call; the rows come from the cache while `token` is current.
    """

    def load() -> tuple:
        link = (
            DefinitionLocation.objects.select_related("definition", "location")
            .filter(definition_id=definition_id, location_id=location_id, is_active=True)
            .first()
        )
        if link is not None:
            return row_values(link.definition), row_values(link.location)
        return row_values(AppointmentDefinition.objects.filter(pk=definition_id).first()), None

    values = load() if token is None else _bookables.get((token, definition_id, location_id), load)
    return from_row_values(AppointmentDefinition, values[0]), from_row_values(Location, values[1])


def definition_by_id(definition_id: int, token: int | None) -> AppointmentDefinition | None:
    """The definition row (a fresh instance), from the cache while `token` is current; None when there is none."""

    def load():
        return row_values(AppointmentDefinition.objects.filter(pk=definition_id).first())

    values = load() if token is None else _bookables.get((token, "definition", definition_id), load)
    return from_row_values(AppointmentDefinition, values)


def cached_schedule(
    definition: AppointmentDefinition, location: Location, day: date, token: int | None, end: date | None = None
) -> Loaded:
    """load_schedule for the local dates [day, end] (one day without `end`), from this process's cache while the
    schedule token is `token`.

    The key also holds every definition and location field the schedule depends on. Callers get a copy whose
    occupancy they may fill in.
    """
    end = end or day
    if token is None:
        return load_schedule(definition, location, day, end)
    key = (token, definition.pk, definition.handle, definition.use_staff_from_location, rules_of(definition),
           location.pk, location.timezone, day, end)  # fmt: skip
    loaded = _schedules.get(key, lambda: load_schedule(definition, location, day, end))
    return replace(loaded, definition=definition, location=location)


def booking_form(questionnaire_id: int | None, token: int | None) -> Form | None:
    """The active form of a definition's booking questionnaire (questionnaires.selectors.active_form), from this
    process's cache while the schedule token is `token`: the questionnaire models are schedule sources, so any edit
    of a questionnaire, its versions, slots or questions writes a new token. The Form is shared: read it, never
    change it. bench/booking.py realistic mode: the form's read and compile were about 2.5 ms of every booking."""
    if questionnaire_id is None:
        return None
    if token is None:
        return active_form(questionnaire_id)
    return _bookables.get((token, "form", questionnaire_id), lambda: active_form(questionnaire_id))


def clear_schedule_cache() -> None:
    _bookables.clear()
    _schedules.clear()


def load_occupancy(loaded: Loaded, start: date, end: date) -> Loaded:
    """The contended half: holding appointments and open waitlist offers that can touch [start, end], one query."""
    definition, location = loaded.definition, loaded.location
    low, high = utc_bounds(location, start, end, definition)
    if not definition.requires_staff:
        rows = union_rows(
            (POOLED_OCCUPANCY, (definition.pk, location.pk, HOLDING_STATUSES, (low, high))),
            (POOLED_HOLDS, (definition.pk, location.pk, OfferStatus.OPEN, high, low)),
        )
        loaded.context = replace(loaded.context, occupancies=tuple(rows))
        return loaded
    ids = [member.id for member in loaded.context.staff]
    busy: dict[str, list] = defaultdict(list)
    if ids:
        rows = union_rows(
            (STAFF_OCCUPANCY, (ids, HOLDING_STATUSES, high, low)), (STAFF_HOLDS, (ids, OfferStatus.OPEN, high, low))
        )
        for staff_id, begin, finish in rows:
            busy[str(staff_id)].append((begin, finish))
    members = tuple(replace(member, busy=tuple(busy.get(member.id, ()))) for member in loaded.context.staff)
    loaded.context = replace(loaded.context, staff=members)
    return loaded


def schedule_changed(**kwargs) -> None:
    """A new schedule token. Runs before the row is written, so every transaction locks the version row before any
    source row: two editing transactions queue on it instead of deadlocking over rows taken in opposite orders."""
    token = secrets.randbits(62)
    if not ScheduleVersion.objects.filter(pk=SCHEDULE_ROW_ID).update(token=token):
        ScheduleVersion.objects.update_or_create(pk=SCHEDULE_ROW_ID, defaults={"token": token})


def schedule_sources() -> list[type[models.Model]]:
    """Every model whose rows booking caches: definitions, locations, links, hours, staff lists and booking forms."""
    return [AppointmentDefinition, DefinitionLocation, DefinitionNormalHour, DefinitionSpecialHour, DefinitionStaff,
            Location, LocationNormalHour, LocationSpecialHour, ProfileNormalHour, ProfileSpecialHour,
            StaffAssignment, Questionnaire, QuestionnaireVersion, QuestionnaireSlot, Question,
            QuestionVersion]  # fmt: skip


def connect_schedule_signals() -> None:
    for model in schedule_sources():
        for signal in (pre_save, pre_delete):
            signal.connect(schedule_changed, sender=model, dispatch_uid=f"schedule-{signal}-{model._meta.label}")


# The locks and the staff re-check run on every booking, so they are prebuilt: bench/fastpath.py on PostgreSQL (2-core
# machine, one run) gives 191 us for the link lock against 683 us through the ORM, 181 against 540 us for the staff
# lock, and 398 against 1,027 us for the clash check: about 1.5 ms saved per booking.
LINK_LOCK = Select(DefinitionLocation, ("is_active",), (("definition", "="), ("location", "=")), lock=True)
STAFF_LOCK = Select(Profile, ("id",), (("id", "="),), lock=True)
STAFF_CLASHES = Select(
    Appointment,
    ("id",),
    (("assigned_staff", "="), ("status", "in"), ("occupancy_start", "<"), ("occupancy_end", ">")),
)


def lock_link(definition_id: int, location_id: int) -> bool:
    """Lock the (definition, location) link row, the first lock of the order. True when the link is active."""
    return any(active for (active,) in LINK_LOCK.rows(definition_id, location_id))


def lock_staff(staff_id: str) -> None:
    """Lock a staff member's profile row, the second lock of the order (after the link)."""
    STAFF_LOCK.rows(staff_id)


def lock_place(definition_id: int, location_id: int, staff_id: str | None) -> bool:
    """Both locks of a place, in the one order: the link, then the staff member. True when the link is active."""
    active = lock_link(definition_id, location_id)
    if staff_id:
        lock_staff(staff_id)
    return active


def staff_clashes(staff_id: str, low: datetime, high: datetime) -> list[int]:
    """Ids of the staff member's holding appointments that overlap [low, high); call under lock_staff."""
    return [pk for (pk,) in STAFF_CLASHES.rows(staff_id, HOLDING_STATUSES, high, low)]
