"""The booking schedule cache (fastpath.cached_schedule) and the schedule version that invalidates it.

Booking keeps the definition, location and link it reads (fastpath.definition_at) and the hours and staff lists
(fastpath.cached_schedule) in per-process caches keyed by the ScheduleVersion token, which every save or delete
of a definition, location, link, hours row, definition staff link or staff assignment replaces. These tests prove
that the token moves for exactly those rows, that the caches are really used, and that every change to what a
booking reads reaches the very next booking in the same process.

Everything happens at a Melbourne location (UTC+10 in June) on Monday 2025-06-16 with `now` a week earlier. Unless
a test says otherwise the location and the definition have no hours rows at all, which places no restriction
(DOMAIN.md "Hours"), so every 30-minute start of the day is a slot until a test adds a row.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appointments.models import (
    Appointment,
    AppointmentDefinition,
    DefinitionLocation,
    DefinitionNormalHour,
    DefinitionSpecialHour,
    DefinitionStaff,
    ScheduleVersion,
)
from appointments.models.schedule import ROW_ID
from appointments.selectors import fastpath
from appointments.selectors.fastpath import schedule_changed, schedule_sources
from appointments.services.booking import BookingRequest, appointment_book
from appointments.services.reservation import bookable_at
from core.errors import ValidationFailed
from directory.models import (
    Location,
    LocationNormalHour,
    LocationSpecialHour,
    ProfileNormalHour,
    ProfileSpecialHour,
    StaffAssignment,
)
from questionnaires.models import Question, Questionnaire, QuestionnaireSlot, QuestionnaireVersion, QuestionVersion
from tests.factories import (
    AppointmentFactory,
    DefinitionFactory,
    DefinitionLocationFactory,
    DefinitionNormalHourFactory,
    DefinitionSpecialHourFactory,
    DefinitionStaffFactory,
    LocationFactory,
    LocationNormalHourFactory,
    LocationSpecialHourFactory,
    ProfileFactory,
    ProfileNormalHourFactory,
    ProfileSpecialHourFactory,
    StaffAssignmentFactory,
)

pytestmark = pytest.mark.django_db

MELBOURNE = ZoneInfo("Australia/Melbourne")
DAY = date(2025, 6, 16)  # a Monday
TUESDAY = date(2025, 6, 17)
WEDNESDAY = date(2025, 6, 18)
NOW = datetime(2025, 6, 9, 0, 0, tzinfo=UTC)  # 10:00 on Monday 2025-06-09 in Melbourne
HOURS_TABLES = ("normalhour", "specialhour", "staffassignment", "definitionstaff")


# Helpers ------------------------------------------------------------------------------------------------------


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """A Melbourne wall time as an aware UTC instant."""
    return datetime.combine(day, time(hour, minute), tzinfo=MELBOURNE).astimezone(UTC)


def make_place(*, weekday_hours: bool = False, **definition_fields):
    """A definition linked to a Melbourne location; neither has hours rows unless `weekday_hours` (MON-WED 9-17)."""
    location = LocationFactory()
    definition = DefinitionFactory(**definition_fields)
    if weekday_hours:
        for day in ("MON", "TUE", "WED"):
            DefinitionNormalHourFactory(definition=definition, day_of_week=day, available_from=time(9),
                                        available_until=time(17))  # fmt: skip
    DefinitionLocationFactory(definition=definition, location=location)
    return definition, location


def book(definition, location, start: datetime, **fields) -> Appointment:
    """Book `start` for a new customer, as an integration would."""
    request = BookingRequest(
        definition_id=definition.pk, profile_id=str(ProfileFactory().pk), location_id=location.pk, start=start, **fields
    )
    return appointment_book(request, actor="token:7", now=NOW)


def refused(definition, location, start: datetime, code: str) -> None:
    """Booking `start` is a 422 on scheduled_start_at (not a slot, for the rule `code`) and writes nothing."""
    before = Appointment.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        book(definition, location, start)
    assert caught.value.status == 422
    assert caught.value.code == code
    assert caught.value.errors == {"scheduled_start_at": [caught.value.message]}
    assert Appointment.objects.count() == before


def cached_days() -> list[date]:
    """The local days of the cached schedules, least recently used first (the day is the last part of the key)."""
    keys = fastpath._schedules.keys()  # an LRU, not a dict
    return [key[-1] for key in keys]


def booking_queries(definition, location, start: datetime) -> list[str]:
    """The SQL one booking runs (the customer's profile is created beforehand)."""
    profile = ProfileFactory()
    request = BookingRequest(definition_id=definition.pk, profile_id=str(profile.pk), location_id=location.pk,
                             start=start)  # fmt: skip
    with CaptureQueriesContext(connection) as captured:
        appointment_book(request, actor="token:7", now=NOW)
    return [query["sql"] for query in captured.captured_queries]


def reads_schedule(queries: list[str]) -> bool:
    return any(table in sql for sql in queries for table in HOURS_TABLES)


# 1. What moves the token ------------------------------------------------------------------------------------


def _parents():
    return {"definition": DefinitionFactory(), "location": LocationFactory(), "profile": ProfileFactory()}


SOURCES = {
    AppointmentDefinition: (lambda p: DefinitionFactory(), "duration_minutes", 45),
    DefinitionLocation: (lambda p: DefinitionLocationFactory(definition=p["definition"], location=p["location"]),
                         "is_active", False),
    Location: (lambda p: LocationFactory(), "timezone", "UTC"),
    DefinitionNormalHour: (lambda p: DefinitionNormalHourFactory(definition=p["definition"]), "available_until",
                           time(18)),
    DefinitionSpecialHour: (lambda p: DefinitionSpecialHourFactory(definition=p["definition"], start_at=DAY),
                            "name", "Renamed"),
    DefinitionStaff: (lambda p: DefinitionStaffFactory(definition=p["definition"], staff=p["profile"]),
                      "is_active", False),
    LocationNormalHour: (lambda p: LocationNormalHourFactory(location=p["location"]), "close_at", time(18)),
    LocationSpecialHour: (lambda p: LocationSpecialHourFactory(location=p["location"], start_at=DAY),
                          "name", "Renamed"),
    ProfileNormalHour: (lambda p: ProfileNormalHourFactory(profile=p["profile"]), "available_until", time(18)),
    ProfileSpecialHour: (lambda p: ProfileSpecialHourFactory(profile=p["profile"], start_at=DAY), "name", "Renamed"),
    StaffAssignment: (lambda p: StaffAssignmentFactory(location=p["location"], profile=p["profile"]),
                      "is_active", False),
    # Booking forms (fastpath.booking_form): rows made directly, without the current-version pointers that
    # protect them from deletion.
    Questionnaire: (lambda p: _questionnaire(), "is_active", False),
    QuestionnaireVersion: (lambda p: _form_version(), "version", 2),
    QuestionnaireSlot: (lambda p: QuestionnaireSlot.objects.create(version=_form_version(), mapping_key="q",
                                                                   question_version=_question_version()),
                        "is_required", True),
    Question: (lambda p: _question(), "link_type", "profile"),
    QuestionVersion: (lambda p: _question_version(), "label", "Renamed?"),
}  # fmt: skip


def _questionnaire() -> Questionnaire:
    return Questionnaire.objects.create(handle=f"form-{uuid.uuid4().hex}", name="Form", purpose="booking")


def _form_version() -> QuestionnaireVersion:
    return QuestionnaireVersion.objects.create(questionnaire=_questionnaire(), version=1)


def _question() -> Question:
    return Question.objects.create(handle=f"question-{uuid.uuid4().hex}")


def _question_version() -> QuestionVersion:
    return QuestionVersion.objects.create(question=_question(), version=1, label="Size?", type="text")


def test_the_parametrized_sources_are_exactly_the_schedule_sources():
    """The token tests below cover every model booking caches (schedule_sources), and nothing else."""
    assert set(SOURCES) == set(schedule_sources())


@pytest.mark.parametrize("model", list(SOURCES), ids=lambda model: model.__name__)
def test_every_schedule_source_moves_the_token_on_create_update_and_delete(model):
    """A create, a save and a delete of any schedule source each write a new token."""
    make, field, value = SOURCES[model]
    parents = _parents()
    seen = [fastpath.current_schedule_token()]
    assert seen[0] is not None

    row = make(parents)
    seen.append(fastpath.current_schedule_token())
    setattr(row, field, value)
    row.save()
    seen.append(fastpath.current_schedule_token())
    pk = row.pk
    row.delete()
    seen.append(fastpath.current_schedule_token())

    assert None not in seen
    assert len(set(seen)) == 4, seen  # every step wrote a token different from all before it
    assert not model.objects.filter(pk=pk).exists()


def test_a_cascade_delete_moves_the_token():
    """Deleting a profile deletes its hours and staff rows, and that counts as a schedule change."""
    profile = ProfileFactory()
    ProfileNormalHourFactory(profile=profile)
    StaffAssignmentFactory(profile=profile)
    before = fastpath.current_schedule_token()

    profile.delete()

    assert fastpath.current_schedule_token() != before


def _save_profile_name():
    profile = ProfileFactory()
    yield
    profile.first_name = "Renamed"
    profile.save()


def _create_appointment():
    definition, location = make_place()
    yield
    AppointmentFactory(definition=definition, location=location, scheduled_start_at=local(DAY, 10))


def _cancel_appointment():
    definition, location = make_place()
    appointment = AppointmentFactory(definition=definition, location=location, scheduled_start_at=local(DAY, 10))
    yield
    appointment.status = "cancelled"
    appointment.save()


@pytest.mark.parametrize(
    "change", [_save_profile_name, _create_appointment, _cancel_appointment],
    ids=["profile-name", "appointment-create", "appointment-cancel"],
)  # fmt: skip
def test_unrelated_saves_leave_the_token_alone(change):
    """Rows booking does not cache (profiles, appointments) do not move the token."""
    steps = change()
    next(steps)  # the set-up, which may itself move the token
    before = fastpath.current_schedule_token()

    next(steps, None)

    assert fastpath.current_schedule_token() == before


# 2. The cache is used ---------------------------------------------------------------------------------------


def test_pooled_second_booking_of_the_day_reads_only_the_token_and_occupancy():
    """Two bookings on one local day: the second takes the definition, location and link (1 query) and the hours
    (2 queries) from the caches; a booking on another day reuses the definition but misses the hours."""
    definition, location = make_place(weekday_hours=True, max_concurrent_bookings=1)
    for day in ("MON", "TUE"):
        LocationNormalHourFactory(location=location, day_of_week=day)

    first = booking_queries(definition, location, local(DAY, 10))
    second = booking_queries(definition, location, local(DAY, 11))
    other_day = booking_queries(definition, location, local(TUESDAY, 10))

    # token, link with definition and location, profile, savepoint, definition and location hours (2), link lock,
    # occupancy, appointment and event inserts, savepoint release.
    assert len(first) == 11
    assert len(second) == 11 - 1 - 2
    assert len(other_day) == 11 - 1
    assert reads_schedule(first)
    assert not reads_schedule(second)
    assert reads_schedule(other_day)
    assert cached_days() == [DAY, TUESDAY]
    assert Appointment.objects.count() == 3


@pytest.mark.parametrize("source", ["location", "definition"])
def test_staffed_second_booking_of_the_day_skips_the_staff_queries_too(source):
    """For a definition with staff the cached schedule also spares the staff list and the staff's hours."""
    definition, location = make_place(weekday_hours=True, requires_staff=True,
                                      use_staff_from_location=source == "location")  # fmt: skip
    for _ in range(2):
        member = ProfileFactory()
        for day in ("MON", "TUE"):
            ProfileNormalHourFactory(profile=member, day_of_week=day)
        if source == "location":
            StaffAssignmentFactory(location=location, profile=member)
        else:
            DefinitionStaffFactory(definition=definition, staff=member)

    first = booking_queries(definition, location, local(DAY, 10))
    second = booking_queries(definition, location, local(DAY, 11))
    other_day = booking_queries(definition, location, local(TUESDAY, 10))

    # As pooled, plus the staff list (1) and the staff's hours (2) in the schedule, and the staff lock and clash
    # check after the occupancy read.
    assert len(first) == 16
    assert len(second) == 16 - 1 - 5
    assert len(other_day) == 16 - 1
    assert reads_schedule(first)
    assert not reads_schedule(second)
    assert reads_schedule(other_day)
    assert cached_days() == [DAY, TUESDAY]


# 3. Invalidation --------------------------------------------------------------------------------------------


def _definition_normal_row(definition, location):
    return DefinitionNormalHourFactory(definition=definition, day_of_week="MON", available_from=time(9),
                                       available_until=time(10))  # fmt: skip


def _location_normal_row(definition, location):
    return LocationNormalHourFactory(location=location, day_of_week="MON", open_at=time(9), close_at=time(10))


def _definition_closed_day(definition, location):
    return DefinitionSpecialHourFactory(definition=definition, start_at=DAY, end_at=DAY)


def _location_closed_day(definition, location):
    return LocationSpecialHourFactory(location=location, start_at=DAY, end_at=DAY)


@pytest.mark.parametrize(
    "add_row",
    [_definition_normal_row, _location_normal_row, _definition_closed_day, _location_closed_day],
    ids=["definition-normal", "location-normal", "definition-special-closed", "location-special-closed"],
)
def test_an_hours_row_added_or_deleted_reaches_the_next_booking(add_row):
    """With the day's schedule cached, a new hours row that excludes 11:00 refuses 11:00 on the next booking,
    and deleting the row opens 11:00 again."""
    definition, location = make_place()
    book(definition, location, local(DAY, 9))  # warms the cache for the day
    assert cached_days() == [DAY]

    row = add_row(definition, location)
    refused(definition, location, local(DAY, 11), "outside_hours")
    assert cached_days() == [DAY, DAY]  # a second entry, under the new token

    row.delete()
    assert book(definition, location, local(DAY, 11)).scheduled_start_at == local(DAY, 11)


def test_an_edited_hours_row_reaches_the_next_booking():
    """Widening an existing normal-hours row makes a newly covered time bookable at once."""
    definition, location = make_place()
    row = DefinitionNormalHourFactory(definition=definition, day_of_week="MON", available_from=time(9),
                                      available_until=time(10))  # fmt: skip
    book(definition, location, local(DAY, 9))
    refused(definition, location, local(DAY, 11), "outside_hours")  # cached with the 09:00-10:00 row

    row.available_until = time(12)
    row.save()

    assert book(definition, location, local(DAY, 11)).scheduled_start_at == local(DAY, 11)


def _staffed_place(source: str):
    """A staffed definition with one staff member, from the location's assignments or its own list."""
    definition, location = make_place(requires_staff=True, use_staff_from_location=source == "location")
    member = ProfileFactory()
    if source == "location":
        link = StaffAssignmentFactory(location=location, profile=member)
    else:
        link = DefinitionStaffFactory(definition=definition, staff=member)
    return definition, location, member, link


def _add_staff(source: str, definition, location):
    member = ProfileFactory()
    if source == "location":
        StaffAssignmentFactory(location=location, profile=member)
    else:
        DefinitionStaffFactory(definition=definition, staff=member)
    return member


def _deactivate(link):
    link.is_active = False
    link.save()


@pytest.mark.parametrize("source", ["location", "definition"])
@pytest.mark.parametrize("remove", [_deactivate, lambda link: link.delete()], ids=["deactivate", "delete"])
def test_removing_the_only_staff_member_reaches_the_next_booking(source, remove):
    """Deactivating or deleting the only staff link (StaffAssignment or DefinitionStaff) leaves no slot."""
    definition, location, member, link = _staffed_place(source)
    assert book(definition, location, local(DAY, 9)).assigned_staff_id == member.pk

    remove(link)

    refused(definition, location, local(DAY, 11), "staff_unavailable")


@pytest.mark.parametrize("source", ["location", "definition"])
def test_adding_a_staff_member_reaches_the_next_booking(source):
    """A time full because the only staff member is busy becomes bookable once a second member is added."""
    definition, location, member, _ = _staffed_place(source)
    assert book(definition, location, local(DAY, 10)).assigned_staff_id == member.pk
    refused(definition, location, local(DAY, 10), "fully_booked")  # full, and the cache holds the one-member list

    newcomer = _add_staff(source, definition, location)

    assert book(definition, location, local(DAY, 10)).assigned_staff_id == newcomer.pk


def _edit_own_normal_hours(member):
    row = ProfileNormalHour.objects.get(profile=member)
    row.available_until = time(10)
    row.save()


def _take_the_day_off(member):
    ProfileSpecialHourFactory(profile=member, start_at=DAY, end_at=DAY)


@pytest.mark.parametrize("source", ["location", "definition"])
@pytest.mark.parametrize("change", [_edit_own_normal_hours, _take_the_day_off], ids=["normal-hours", "day-off"])
def test_a_staff_members_own_hours_reach_the_next_booking(source, change):
    """The staff member's own hours (ProfileNormalHour, ProfileSpecialHour) are re-read after they change."""
    definition, location, member, _ = _staffed_place(source)
    ProfileNormalHourFactory(profile=member, day_of_week="MON", available_from=time(9), available_until=time(17))
    book(definition, location, local(DAY, 9))

    change(member)

    refused(definition, location, local(DAY, 11), "staff_unavailable")


def _longer_duration(definition, location):
    definition.duration_minutes = 60  # 16:30 would now run past 17:00
    definition.save()


def _coarser_grid(definition, location):
    definition.slot_interval_minutes = 60  # 16:30 is now off the grid
    definition.save()


def _lead_time(definition, location):
    definition.min_lead_minutes = 60 * 24 * 30  # a month: nothing on DAY is far enough ahead of NOW
    definition.save()


def _utc_location(definition, location):
    location.timezone = "UTC"  # 16:30 in Melbourne is 06:30 UTC, before the definition's 09:00
    location.save()


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (_longer_duration, "off_grid"),  # the grid steps by the duration when there is no interval
        (_coarser_grid, "off_grid"),
        (_lead_time, "inside_lead_time"),
        (_utc_location, "outside_hours"),
    ],
    ids=["duration", "slot-interval", "min-lead", "location-timezone"],
)
def test_definition_rules_and_location_timezone_reach_the_next_booking(change, code):
    """A saved change to the definition's rules or the location's timezone refuses 16:30 on the next booking."""
    definition, location = make_place(weekday_hours=True, max_concurrent_bookings=2)
    book(definition, location, local(DAY, 16, 30))  # warms the cache; one place is left at 16:30

    change(definition, location)

    refused(definition, location, local(DAY, 16, 30), code)


def test_more_capacity_reaches_the_next_booking():
    """Raising max_concurrent_bookings opens a full time at once."""
    definition, location = make_place(weekday_hours=True, max_concurrent_bookings=1)
    book(definition, location, local(DAY, 10))
    refused(definition, location, local(DAY, 10), "fully_booked")

    definition.max_concurrent_bookings = 2
    definition.save()

    assert book(definition, location, local(DAY, 10)).scheduled_start_at == local(DAY, 10)


def test_archiving_the_definition_reaches_the_next_booking():
    """The cached definition row (fastpath.definition_at) is replaced when the definition is saved."""
    definition, location = make_place(weekday_hours=True)
    book(definition, location, local(DAY, 9))

    definition.is_archived = True
    definition.save()

    with pytest.raises(ValidationFailed) as caught:
        book(definition, location, local(DAY, 11))
    assert caught.value.errors == {"appointment_definition_id": ["This appointment definition is archived."]}


def test_the_schedule_key_holds_the_rules_and_the_timezone():
    """Under one token, a definition with other rules or a location in another timezone gets its own schedule, so
    the cache stays right even for a write that skipped the signals (QuerySet.update)."""
    definition, location = make_place(weekday_hours=True)
    token = fastpath.current_schedule_token()

    first = fastpath.cached_schedule(definition, location, DAY, token)
    with CaptureQueriesContext(connection) as hit:
        again = fastpath.cached_schedule(definition, location, DAY, token)
    definition.duration_minutes = 60
    longer = fastpath.cached_schedule(definition, location, DAY, token)
    location.timezone = ZoneInfo("UTC")
    moved = fastpath.cached_schedule(definition, location, DAY, token)

    assert len(hit) == 0
    assert again.context == first.context
    assert (first.context.rules.duration_minutes, longer.context.rules.duration_minutes) == (30, 60)
    assert (longer.context.tz, moved.context.tz) == (MELBOURNE, ZoneInfo("UTC"))
    assert len(fastpath._schedules.keys()) == 3
    assert fastpath.current_schedule_token() == token


def test_excluding_the_definition_from_a_staff_assignment_reaches_the_next_booking():
    """excluded_service_handles on the only assignment (matched against the definition's handle) is seen."""
    definition, location, _, assignment = _staffed_place("location")
    book(definition, location, local(DAY, 9))

    assignment.excluded_service_handles = [definition.handle]
    assignment.save()

    refused(definition, location, local(DAY, 11), "staff_unavailable")


# 4. The bound -----------------------------------------------------------------------------------------------


def test_the_cache_keeps_at_most_its_size_in_days(monkeypatch):
    """With room for 2 schedules, a third day evicts the oldest."""
    monkeypatch.setattr(fastpath._schedules, "size", 2)
    definition, location = make_place(weekday_hours=True)

    for day in (DAY, TUESDAY, WEDNESDAY):
        book(definition, location, local(day, 10))

    assert cached_days() == [TUESDAY, WEDNESDAY]


def test_a_cache_hit_makes_an_entry_the_most_recently_used(monkeypatch):
    """Eviction is least-recently-used: a day booked again survives a newer day."""
    monkeypatch.setattr(fastpath._schedules, "size", 2)
    definition, location = make_place(weekday_hours=True)

    book(definition, location, local(DAY, 10))
    book(definition, location, local(TUESDAY, 10))
    book(definition, location, local(DAY, 11))  # a hit on Monday
    book(definition, location, local(WEDNESDAY, 10))

    assert cached_days() == [DAY, WEDNESDAY]


# 5. Without the version row --------------------------------------------------------------------------------


def test_without_the_version_row_bookings_work_uncached_until_a_change_recreates_it():
    """A missing ScheduleVersion row reads as token None: every booking reads the database and nothing is cached.
    The next schedule change writes the row again, and caching resumes."""
    definition, location = make_place(weekday_hours=True)
    ScheduleVersion.objects.all().delete()
    assert bookable_at(definition.pk, location.pk, customer=False).schedule_token is None

    first = booking_queries(definition, location, local(DAY, 10))
    second = booking_queries(definition, location, local(DAY, 11))

    assert reads_schedule(first)
    assert reads_schedule(second)
    assert len(second) == len(first)
    assert fastpath._schedules.keys() == []
    assert fastpath._bookables.keys() == []
    assert Appointment.objects.count() == 2

    DefinitionSpecialHourFactory(definition=definition, start_at=TUESDAY, end_at=TUESDAY)

    token = fastpath.current_schedule_token()
    assert token is not None
    assert bookable_at(definition.pk, location.pk, customer=False).schedule_token == token
    book(definition, location, local(DAY, 12))
    assert cached_days() == [DAY]
    assert fastpath._schedules.keys()[0][0] == token


def test_schedule_changed_recreates_a_missing_row():
    """schedule_changed writes row 1 with a token when the row is gone, and replaces the token when it exists."""
    ScheduleVersion.objects.all().delete()

    schedule_changed()
    first = fastpath.current_schedule_token()
    schedule_changed()

    assert list(ScheduleVersion.objects.values_list("pk", flat=True)) == [ROW_ID]
    assert first is not None
    assert fastpath.current_schedule_token() not in (None, first)


def test_the_migration_creates_the_version_row():
    """A fresh database has row 1, so bookings are cached from the start."""
    assert isinstance(fastpath.current_schedule_token(), int)
