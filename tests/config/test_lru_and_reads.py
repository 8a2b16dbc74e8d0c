"""The per-process LRU (core.lru) and the prebuilt-SQL reads (core.reads) used on the booking path."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from appointments.models import AppointmentDefinition, ScheduleVersion
from core.lru import LRU, from_row_values, row_values
from core.reads import Select, row_by, scalar_by
from directory.models import ApiToken, Profile
from tests.factories import DefinitionFactory, ProfileFactory


def test_lru_loads_once_and_evicts_the_least_recently_used():
    cache = LRU(2)
    loads = []

    def loader(value):
        def load():
            loads.append(value)
            return value

        return load

    assert cache.get("a", loader(1)) == 1
    assert cache.get("a", loader(99)) == 1  # cached: the loader does not run
    assert cache.get("b", loader(2)) == 2
    assert cache.get("a", loader(99)) == 1  # "a" is now the most recent
    assert cache.get("c", loader(3)) == 3  # evicts "b"
    assert cache.keys() == ["a", "c"]
    assert loads == [1, 2, 3]
    cache.clear()
    assert cache.keys() == []


@pytest.mark.django_db
def test_row_values_round_trip_gives_independent_instances():
    definition = DefinitionFactory(meta={"colour": "blue"}, visibility_condition={"==": [1, 1]})
    values = row_values(AppointmentDefinition.objects.get(pk=definition.pk))
    first = from_row_values(AppointmentDefinition, values)
    second = from_row_values(AppointmentDefinition, values)
    assert first is not second
    assert (first.pk, first.handle, first.meta, first.updated_at) == (
        definition.pk, definition.handle, {"colour": "blue"}, definition.updated_at,
    )  # fmt: skip
    assert first._state.adding is False and first._state.db == "default"
    first.meta["colour"] = "red"  # a caller changing its copy does not change the cached row
    assert second.meta == {"colour": "blue"}
    assert from_row_values(AppointmentDefinition, values).meta == {"colour": "blue"}
    assert row_values(None) is None and from_row_values(AppointmentDefinition, None) is None


@pytest.mark.django_db
def test_row_by_reads_one_row_with_converted_values():
    profile = ProfileFactory(first_name="Ada", last_name="Lovelace", email="ada@example.com")
    found = row_by(Profile, "id", profile.pk)
    assert isinstance(found.pk, uuid.UUID)
    assert (found.pk, found.first_name, found.last_name, found.email, found.created_at) == (
        profile.pk, "Ada", "Lovelace", "ada@example.com", profile.created_at,
    )  # fmt: skip
    assert row_by(Profile, "id", str(profile.pk)).pk == profile.pk  # a string id is prepared like the ORM would
    assert row_by(Profile, "id", uuid.uuid4()) is None


@pytest.mark.django_db
def test_row_by_with_fields_defers_the_rest(django_assert_num_queries):
    profile = ProfileFactory(first_name="Ada", mobile_phone="+61400000000")
    with django_assert_num_queries(1):
        found = row_by(Profile, "id", profile.pk, fields=("first_name",))
        assert found.first_name == "Ada"
    assert found.get_deferred_fields() >= {"last_name", "email", "mobile_phone"}
    with django_assert_num_queries(1):
        assert found.mobile_phone == "+61400000000"  # loads lazily, like only()


@pytest.mark.django_db
def test_row_by_on_a_unique_text_column(make_integration_client):
    client = make_integration_client()
    found = row_by(ApiToken, "key_hash", client.token.key_hash)
    assert found == client.token and found.scopes == client.token.scopes
    assert row_by(ApiToken, "key_hash", "0" * 64) is None


@pytest.mark.django_db
def test_scalar_by_reads_one_column_or_none():
    ScheduleVersion.objects.update_or_create(pk=1, defaults={"token": 123456789012})
    assert scalar_by(ScheduleVersion, "token", "id", 1) == 123456789012
    assert scalar_by(ScheduleVersion, "token", "id", 2) is None


# Select: prebuilt SQL with the ORM's value preparation and conversion ------------------------------------


def _appointment_rows():
    from appointments.models import Appointment

    return Select(
        Appointment,
        ("assigned_staff", "occupancy_start", "occupancy_end"),
        (("assigned_staff", "in"), ("status", "in"), ("occupancy_start", "<"), ("occupancy_end", ">")),
    )


@pytest.mark.django_db
def test_select_matches_the_orm_on_every_operator_and_converts_values():
    from appointments.models import Appointment
    from tests.factories import AppointmentFactory

    staff = ProfileFactory()
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    rows = [
        AppointmentFactory(
            assigned_staff=staff,
            status=status,
            scheduled_start_at=start + timedelta(hours=hours),
            scheduled_end_at=start + timedelta(hours=hours, minutes=30),
            occupancy_start=start + timedelta(hours=hours),
            occupancy_end=start + timedelta(hours=hours, minutes=30),
        )  # fmt: skip
        for hours, status in ((0, "confirmed"), (1, "requested"), (2, "cancelled"), (5, "confirmed"))
    ]
    low, high = start - timedelta(minutes=1), start + timedelta(hours=3)
    found = _appointment_rows().rows([str(staff.pk)], ("requested", "confirmed", "arrived"), high, low)
    expected = list(
        Appointment.objects.filter(
            assigned_staff=staff, status__in=("requested", "confirmed", "arrived"), occupancy_start__lt=high,
            occupancy_end__gt=low,
        ).values_list("assigned_staff_id", "occupancy_start", "occupancy_end")
    )  # fmt: skip
    assert (
        sorted(found)
        == sorted(expected)
        == [
            (staff.pk, rows[0].occupancy_start, rows[0].occupancy_end),
            (staff.pk, rows[1].occupancy_start, rows[1].occupancy_end),
        ]
    )
    assert isinstance(found[0][0], uuid.UUID) and found[0][1].tzinfo is not None
    assert _appointment_rows().rows([], ("confirmed",), high, low) == []  # an empty IN matches nothing


@pytest.mark.django_db
def test_select_lock_adds_for_update_only_where_the_database_has_it():
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    profile = ProfileFactory()
    lock = Select(Profile, ("id",), (("id", "="),), lock=True)
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        assert lock.rows(profile.pk) == [(profile.pk,)]
    sql = captured.captured_queries[-1]["sql"]
    assert sql.endswith("FOR UPDATE") is connection.features.has_select_for_update


def test_select_refuses_unknown_operators():
    with pytest.raises(ValueError, match="Unsupported operators"):
        Select(Profile, ("id",), (("id", "LIKE"),))


@pytest.mark.django_db
def test_select_overlaps_keeps_the_rows_whose_range_meets_the_window_and_no_touching_ones():
    from appointments.models import Appointment
    from tests.factories import AppointmentFactory

    definition = DefinitionFactory()
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    made = {}
    # (start, end) in minutes after 09:00; the window is [60, 120).
    for first, last in ((0, 60), (30, 61), (60, 120), (70, 80), (119, 200), (120, 180), (0, 300)):
        made[(first, last)] = AppointmentFactory(
            definition=definition, status="confirmed",
            scheduled_start_at=start + timedelta(minutes=first), scheduled_end_at=start + timedelta(minutes=last),
            occupancy_start=start + timedelta(minutes=first), occupancy_end=start + timedelta(minutes=last),
        )  # fmt: skip
    location_id = made[(0, 60)].location_id
    Appointment.objects.update(location_id=location_id)
    select = Select(
        Appointment, ("id",),
        (("definition", "="), ("location", "="), ("status", "in"), (("occupancy_start", "occupancy_end"), "overlaps")),
    )  # fmt: skip
    low, high = start + timedelta(minutes=60), start + timedelta(minutes=120)
    found = {pk for (pk,) in select.rows(definition.pk, location_id, ("confirmed",), (low, high))}
    expected = set(
        Appointment.objects.filter(occupancy_start__lt=high, occupancy_end__gt=low).values_list("pk", flat=True)
    )
    assert found == expected == {made[key].pk for key in ((30, 61), (60, 120), (70, 80), (119, 200), (0, 300))}


@pytest.mark.django_db
def test_the_pooled_occupancy_read_is_answered_by_the_range_index_on_postgresql():
    """The GiST index of migration 0012 bounds both ends of the window, and takes the definition and location as
    index conditions too (the bigint cast of core.reads: btree_gist has no int4-int8 operators)."""
    from django.db import connection

    from appointments.enums import HOLDING_STATUSES
    from appointments.selectors.fastpath import POOLED_OCCUPANCY

    if connection.vendor != "postgresql":
        pytest.skip("the GiST index exists on PostgreSQL only; SQLite keeps the B-tree")
    low = datetime(2026, 3, 2, tzinfo=UTC)
    sql, params = POOLED_OCCUPANCY.prepared((7, 3, HOLDING_STATUSES, (low, low + timedelta(days=1))))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # an empty table would be scanned whatever the indexes
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "appt_holding_def_loc_range" in plan
    index_condition = next(line for line in plan.splitlines() if "Index Cond" in line)
    assert "definition_id = '7'::bigint" in index_condition
    assert "location_id = '3'::bigint" in index_condition
    assert "&&" in index_condition
