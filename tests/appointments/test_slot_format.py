"""The slot serializer's fast formatting (isoformat and arithmetic instead of a strftime per field) writes exactly
what the documented strftime formats write, for any instant the API accepts in any zone."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, available_timezones

from hypothesis import given, settings
from hypothesis import strategies as st

from appointments.api.serializers import RangeSlotSerializer, SlotSerializer
from appointments.availability import Slot
from core.localtime import utc_iso

ZONES = sorted(available_timezones() - {"localtime", "Factory"})
# Hypothesis takes naive bounds and adds the zone: the API's window, 1900-2999 (core.api.fields).
INSTANTS = st.datetimes(
    min_value=datetime(1900, 1, 2),  # noqa: DTZ001
    max_value=datetime(2999, 12, 30),  # noqa: DTZ001
    timezones=st.just(UTC),
)


@settings(max_examples=300, deadline=None)
@given(start=INSTANTS, zone=st.sampled_from(ZONES), minutes=st.integers(1, 600), capacity=st.integers(0, 9))
def test_slot_fields_match_their_strftime_formats(start, zone, minutes, capacity):
    start = start.replace(microsecond=0)
    local = start.astimezone(ZoneInfo(zone))
    slot = Slot(start=start, end=start + timedelta(minutes=minutes), local_start=local, capacity_remaining=capacity)

    assert SlotSerializer(slot).data == {
        "time": local.strftime("%H:%M"),
        "label": local.strftime("%I:%M %p").lstrip("0"),
        "start_at": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "end_at": (start + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "local_start_at": local.strftime("%Y-%m-%d %H:%M:%S"),
        "duration_minutes": minutes,
        "capacity_remaining": capacity,
    }
    assert utc_iso(local) == start.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_none_stays_none():
    assert utc_iso(None) is None


@settings(max_examples=200, deadline=None)
@given(
    starts=st.lists(INSTANTS, max_size=6),
    zone=st.sampled_from(ZONES),
    minutes=st.integers(1, 600),
    capacity=st.integers(0, 9),
)
def test_the_range_slots_text_is_the_json_of_their_answers(starts, zone, minutes, capacity):
    """RangeSlotSerializer.text writes the list's JSON directly (core.api.renderers.Fragment): the same characters
    as DRF's compact rendering of to_representation, key order included."""
    slots = [
        Slot(start=start.replace(microsecond=0), end=start.replace(microsecond=0) + timedelta(minutes=minutes),
             local_start=start.replace(microsecond=0).astimezone(ZoneInfo(zone)), capacity_remaining=capacity)
        for start in starts
    ]  # fmt: skip
    fragment = RangeSlotSerializer.text(slots)
    answers = [RangeSlotSerializer().to_representation(slot) for slot in slots]
    assert fragment.text == json.dumps(answers, separators=(",", ":"), ensure_ascii=False)
    assert fragment.value == answers
