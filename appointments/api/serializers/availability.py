"""The availability requests and answers (API.md "Definitions and availability").

The declared fields are the documented shape (drf-spectacular reads them); each serializer builds its answer in its
own `to_representation`, in plain Python, from an `Availability`. DRF's field-by-field walk cost about 0.4 ms a
slot, and a month is about a thousand slots (issue 20). tests/appointments/test_availability_shapes.py holds the
answers to the declared fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, timedelta

from rest_framework import serializers

from appointments.availability import Slot
from appointments.models import AppointmentDefinition
from appointments.selectors import EMPTY_DAY_MESSAGES
from core.api.fields import ApiDateField
from core.api.renderers import Fragment
from core.api.serializers import OutputSerializer
from core.localtime import utc_iso
from directory.models import Location, Profile

_MINUTE = timedelta(minutes=1)

EMPTY_DAY_REASONS = ["archived", "walk_in_only", "beyond_advance_limit", "closed", "no_staff", "staff_not_working",
                     "past", "inside_lead_time", "fully_booked"]  # fmt: skip


@dataclass
class Availability:
    """What an availability answer is built from: the definition and location asked about and what was found."""

    definition: AppointmentDefinition
    location: Location
    slots: list[Slot] = field(default_factory=list)
    day: date | None = None  # available-slots, available-staff
    staff: Profile | None = None  # available-slots: the staff member asked for
    reason: str | None = None  # available-slots: why the day is empty
    start_date: date | None = None  # available-slots-range
    end_date: date | None = None
    staff_id: str | None = None  # available-slots-range: the staff member asked for
    empty_days: dict[date, str] = field(default_factory=dict)
    staff_rows: list = field(default_factory=list)  # available-staff: (StaffInfo, has free slots)


def staff_flags(definition: AppointmentDefinition) -> dict:
    return {
        "requires_staff": definition.requires_staff,
        "customer_must_select_staff": definition.customer_must_select_staff,
        "assigned_staff_required": definition.requires_staff,
    }


# Requests --------------------------------------------------------------------------------------------------


class SlotsInput(serializers.Serializer):
    location_id = serializers.IntegerField()
    date = ApiDateField()
    staff_id = serializers.UUIDField(required=False, allow_null=True)


class SlotsRangeInput(serializers.Serializer):
    location_id = serializers.IntegerField()
    start_date = ApiDateField()
    end_date = ApiDateField()
    staff_id = serializers.UUIDField(required=False, allow_null=True)
    sort = serializers.ChoiceField(choices=["asc", "desc"], required=False, default="asc")


class StaffInput(serializers.Serializer):
    location_id = serializers.IntegerField()
    date = ApiDateField()
    available_only = serializers.BooleanField(required=False, default=False)


# Slots -----------------------------------------------------------------------------------------------------


class SlotSerializer(OutputSerializer):
    """A slot: local wall time for display, UTC instants for booking."""

    time = serializers.SerializerMethodField()
    label = serializers.SerializerMethodField()
    start_at = serializers.DateTimeField(source="start")
    end_at = serializers.DateTimeField(source="end")
    local_start_at = serializers.SerializerMethodField()
    duration_minutes = serializers.SerializerMethodField()
    capacity_remaining = serializers.IntegerField()

    # A month of slots is about a thousand of these: each field comes from one isoformat() of the local start
    # (C, several times faster than a strftime per field) and integer arithmetic (bench/availability.py).
    def to_representation(self, slot: Slot) -> dict:
        return self.answer(slot)

    @staticmethod
    def answer(slot: Slot) -> dict:
        local = slot.local_start
        wall = local.isoformat(sep=" ", timespec="seconds")[:19]  # "2026-05-11 09:30:00"
        return {
            "time": wall[11:16],
            "label": f"{local.hour % 12 or 12}:{local.minute:02d} {'AM' if local.hour < 12 else 'PM'}",
            "start_at": utc_iso(slot.start),
            "end_at": utc_iso(slot.end),
            "local_start_at": wall,
            "duration_minutes": (slot.end - slot.start) // _MINUTE,
            "capacity_remaining": slot.capacity_remaining,
        }

    # The method fields' getters are what the schema reads (their return types); the answer is built above.
    def get_time(self, slot) -> str:
        return self.answer(slot)["time"]

    def get_label(self, slot) -> str:
        """'9:30 AM', '12:05 PM': the 12-hour clock without a leading zero."""
        return self.answer(slot)["label"]

    def get_local_start_at(self, slot) -> str:
        return self.answer(slot)["local_start_at"]

    def get_duration_minutes(self, slot) -> int:
        return self.answer(slot)["duration_minutes"]


class RangeSlotSerializer(SlotSerializer):
    date = serializers.DateField()

    def to_representation(self, slot: Slot) -> dict:
        answer = self.answer(slot)
        answer["date"] = answer["local_start_at"][:10]  # the slot's local date
        return answer

    @classmethod
    def text(cls, slots: list[Slot]) -> Fragment:
        """The list's compact JSON, written directly: every value is digits, a time, "AM"/"PM" or an instant, so
        nothing needs escaping, and the key order is to_representation's (core.api.renderers: 1,068 slots
        rendered in 4.5 ms instead of 6.8 through dictionaries and `json`; docs/performance.md). Dates are
        formatted once per day, times from their fields: an isoformat() call per instant was most of it."""
        days: dict[tuple[int, int, int], str] = {}  # a month's slots fall on a few dozen dates: each written once

        def day(value) -> str:
            key = (value.year, value.month, value.day)
            if key not in days:
                days[key] = f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
            return days[key]

        parts = []
        for slot in slots:
            local, start, end = slot.local_start, slot.start.astimezone(UTC), slot.end.astimezone(UTC)
            hour, minute, date_text = local.hour, local.minute, day(local)
            parts.append(
                f'{{"time":"{hour:02d}:{minute:02d}",'
                f'"label":"{hour % 12 or 12}:{minute:02d} {"AM" if hour < 12 else "PM"}",'
                f'"start_at":"{day(start)}T{start.hour:02d}:{start.minute:02d}:{start.second:02d}Z",'
                f'"end_at":"{day(end)}T{end.hour:02d}:{end.minute:02d}:{end.second:02d}Z",'
                f'"local_start_at":"{date_text} {hour:02d}:{minute:02d}:{local.second:02d}",'
                f'"duration_minutes":{(slot.end - slot.start) // _MINUTE},'
                f'"capacity_remaining":{int(slot.capacity_remaining)},"date":"{date_text}"}}'
            )
        return Fragment(f"[{','.join(parts)}]", lambda: [cls().to_representation(slot) for slot in slots])


# Answers ---------------------------------------------------------------------------------------------------


class StaffBriefSerializer(OutputSerializer):
    id = serializers.UUIDField()
    first_name = serializers.CharField(allow_null=True)
    last_name = serializers.CharField(allow_null=True)
    email = serializers.EmailField(allow_null=True)

    def to_representation(self, profile: Profile) -> dict:
        return {"id": str(profile.pk), "first_name": profile.first_name or None,
                "last_name": profile.last_name or None, "email": profile.email or None}  # fmt: skip


class DaySlotsSerializer(OutputSerializer):
    date = serializers.DateField()
    timezone = serializers.CharField()
    appointment_definition_id = serializers.IntegerField()
    location_id = serializers.IntegerField()
    requires_staff = serializers.BooleanField()
    customer_must_select_staff = serializers.BooleanField()
    assigned_staff_required = serializers.BooleanField()
    staff = StaffBriefSerializer(allow_null=True, help_text="The staff member asked for (staff_id), else null.")
    slots = SlotSerializer(many=True)

    def to_representation(self, answer: Availability) -> dict:
        return {
            "date": answer.day.isoformat(),
            "timezone": answer.location.timezone.key,
            "appointment_definition_id": answer.definition.pk,
            "location_id": answer.location.pk,
            **staff_flags(answer.definition),
            "staff": None if answer.staff is None else StaffBriefSerializer().to_representation(answer.staff),
            "slots": SlotSerializer(many=True).to_representation(answer.slots),
        }


class RulesMetaSerializer(OutputSerializer):
    slot_interval_minutes = serializers.IntegerField()
    duration_minutes = serializers.IntegerField()
    buffer_before_minutes = serializers.IntegerField()
    buffer_after_minutes = serializers.IntegerField()
    min_lead_minutes = serializers.IntegerField()
    max_advance_days = serializers.IntegerField(allow_null=True)
    max_concurrent_bookings = serializers.IntegerField(allow_null=True)

    @staticmethod
    def rules(definition: AppointmentDefinition) -> dict:
        return {
            "slot_interval_minutes": definition.slot_interval_minutes or definition.duration_minutes,
            "duration_minutes": definition.duration_minutes,
            "buffer_before_minutes": definition.buffer_before_minutes,
            "buffer_after_minutes": definition.buffer_after_minutes,
            "min_lead_minutes": definition.min_lead_minutes,
            "max_advance_days": definition.max_advance_days,
            "max_concurrent_bookings": definition.max_concurrent_bookings,
        }


class DaySlotsMetaSerializer(RulesMetaSerializer):
    reason = serializers.ChoiceField(choices=EMPTY_DAY_REASONS, allow_null=True,
                                     help_text="Why the day has no slots; null when it has some.")  # fmt: skip
    reason_message = serializers.CharField(allow_null=True)

    def to_representation(self, answer: Availability) -> dict:
        return {**self.rules(answer.definition), "reason": answer.reason,
                "reason_message": EMPTY_DAY_MESSAGES.get(answer.reason)}  # fmt: skip


class DaySlotsResponse(serializers.Serializer):
    data = DaySlotsSerializer()
    meta = DaySlotsMetaSerializer()

    def to_representation(self, answer: Availability) -> dict:
        return {"data": DaySlotsSerializer().to_representation(answer),
                "meta": DaySlotsMetaSerializer().to_representation(answer)}  # fmt: skip


class EmptyDaySerializer(OutputSerializer):
    date = serializers.DateField()
    reason = serializers.ChoiceField(choices=EMPTY_DAY_REASONS)
    message = serializers.CharField()

    def to_representation(self, empty: tuple[date, str]) -> dict:
        day, reason = empty
        return {"date": day.isoformat(), "reason": reason, "message": EMPTY_DAY_MESSAGES[reason]}


class RangeMetaSerializer(RulesMetaSerializer):
    appointment_definition_id = serializers.IntegerField()
    location_id = serializers.IntegerField()
    timezone = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    requires_staff = serializers.BooleanField()
    customer_must_select_staff = serializers.BooleanField()
    assigned_staff_required = serializers.BooleanField()
    staff = serializers.UUIDField(allow_null=True)
    total = serializers.IntegerField()
    empty_days = EmptyDaySerializer(many=True, help_text="Every date of the range without slots, with why.")

    def to_representation(self, answer: Availability) -> dict:
        return {
            "appointment_definition_id": answer.definition.pk,
            "location_id": answer.location.pk,
            "timezone": answer.location.timezone.key,
            "start_date": answer.start_date.isoformat(),
            "end_date": answer.end_date.isoformat(),
            **staff_flags(answer.definition),
            "staff": str(answer.staff_id) if answer.staff_id else None,
            **self.rules(answer.definition),
            "total": len(answer.slots),
            "empty_days": EmptyDaySerializer(many=True).to_representation(answer.empty_days.items()),
        }


class RangeSlotsResponse(serializers.Serializer):
    data = RangeSlotSerializer(many=True)
    meta = RangeMetaSerializer()

    def to_representation(self, answer: Availability) -> dict:
        return {"data": RangeSlotSerializer.text(answer.slots), "meta": RangeMetaSerializer().to_representation(answer)}


class AvailableStaffSerializer(StaffBriefSerializer):
    has_available_slots = serializers.BooleanField()
    is_default_location = serializers.BooleanField()
    appointment_definition_staff_sort_order = serializers.IntegerField(allow_null=True)
    location_profile_sort_order = serializers.IntegerField(allow_null=True)

    def to_representation(self, row) -> dict:
        info, has_slots = row
        return {
            **super().to_representation(info.profile),
            "has_available_slots": has_slots,
            "is_default_location": info.is_default_location,
            "appointment_definition_staff_sort_order": info.definition_sort_order,
            "location_profile_sort_order": info.location_sort_order,
        }


class AvailableStaffMetaSerializer(OutputSerializer):
    appointment_definition_id = serializers.IntegerField()
    location_id = serializers.IntegerField()
    date = serializers.DateField()
    requires_staff = serializers.BooleanField()
    customer_must_select_staff = serializers.BooleanField()
    selection_required_by_customer = serializers.BooleanField()
    assigned_staff_required = serializers.BooleanField()

    def to_representation(self, answer: Availability) -> dict:
        definition = answer.definition
        return {
            "appointment_definition_id": definition.pk,
            "location_id": answer.location.pk,
            "date": answer.day.isoformat(),
            "requires_staff": definition.requires_staff,
            "customer_must_select_staff": definition.customer_must_select_staff,
            "selection_required_by_customer": definition.customer_must_select_staff,
            "assigned_staff_required": definition.requires_staff,
        }


class AvailableStaffResponse(serializers.Serializer):
    data = AvailableStaffSerializer(many=True)
    meta = AvailableStaffMetaSerializer()

    def to_representation(self, answer: Availability) -> dict:
        return {"data": AvailableStaffSerializer(many=True).to_representation(answer.staff_rows),
                "meta": AvailableStaffMetaSerializer().to_representation(answer)}  # fmt: skip
