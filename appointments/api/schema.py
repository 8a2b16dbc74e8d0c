"""What the OpenAPI schema says about the appointment views' own actions (core.api.schema does the rest)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view

from appointments.api import serializers as s

SLOT = {"time": "10:00", "label": "10:00 AM", "start_at": "2026-05-11T00:00:00Z", "end_at": "2026-05-11T00:30:00Z",
        "local_start_at": "2026-05-11 10:00:00", "duration_minutes": 30, "capacity_remaining": 1}  # fmt: skip
RULES = {"slot_interval_minutes": 30, "duration_minutes": 30, "buffer_before_minutes": 0, "buffer_after_minutes": 0,
         "min_lead_minutes": 60, "max_advance_days": 60, "max_concurrent_bookings": None}  # fmt: skip
DAY_FLAGS = {"requires_staff": False, "customer_must_select_staff": False, "assigned_staff_required": False}


def _example(name: str, value: dict, *, request: bool = False, summary: str = "", status: int = 200):
    return OpenApiExample(name, value=value, summary=summary or name, request_only=request,
                          response_only=not request, status_codes=[str(status)])  # fmt: skip


def _day(slots, reason=None, message=None) -> dict:
    return {
        "data": {"date": "2026-05-11", "timezone": "Australia/Melbourne", "appointment_definition_id": 7,
                 "location_id": 3, **DAY_FLAGS, "staff": None, "slots": slots},
        "meta": {**RULES, "reason": reason, "reason_message": message},
    }  # fmt: skip


AVAILABLE_SLOTS = extend_schema(
    summary="Free slots of one local date",
    request=s.SlotsInput,
    responses={200: s.DaySlotsResponse},
    examples=[
        _example("Ask for a day", {"location_id": 3, "date": "2026-05-11"}, request=True),
        _example("A day with slots", _day([SLOT])),
        _example(
            "A closed day", _day([], "closed", "Closed: no opening hours of the service at this location on that date.")
        ),
        _example("A fully booked day", _day([], "fully_booked", "Fully booked.")),
    ],
)

AVAILABLE_SLOTS_RANGE = extend_schema(
    summary="Free slots of a range of local dates (at most 31)",
    request=s.SlotsRangeInput,
    responses={200: s.RangeSlotsResponse},
    examples=[
        _example(
            "Ask for a week", {"location_id": 3, "start_date": "2026-05-10", "end_date": "2026-05-16"}, request=True
        ),
        _example(
            "A week",
            {
                "data": [{**SLOT, "date": "2026-05-11"}],
                "meta": {
                    "appointment_definition_id": 7,
                    "location_id": 3,
                    "timezone": "Australia/Melbourne",
                    "start_date": "2026-05-10",
                    "end_date": "2026-05-11",
                    **DAY_FLAGS,
                    "staff": None,
                    **RULES,
                    "total": 1,
                    "empty_days": [
                        {
                            "date": "2026-05-10",
                            "reason": "closed",
                            "message": "Closed: no opening hours of the service at this location on that date.",
                        }
                    ],
                },
            },
        ),
    ],
)

AVAILABLE_STAFF = extend_schema(
    summary="Eligible staff of a date, each with whether they have a free slot",
    request=s.StaffInput,
    responses={200: s.AvailableStaffResponse},
    examples=[
        _example("Ask for a day", {"location_id": 3, "date": "2026-05-11", "available_only": True}, request=True),
        _example(
            "Staff",
            {
                "data": [
                    {
                        "id": "0b8f5c2e-3d7a-4c1e-9f60-2a9d7c3e4b11",
                        "first_name": "Ada",
                        "last_name": "Ng",
                        "email": "ada@example.com",
                        "has_available_slots": True,
                        "is_default_location": True,
                        "appointment_definition_staff_sort_order": None,
                        "location_profile_sort_order": 0,
                    }
                ],
                "meta": {
                    "appointment_definition_id": 7,
                    "location_id": 3,
                    "date": "2026-05-11",
                    "requires_staff": True,
                    "customer_must_select_staff": False,
                    "selection_required_by_customer": False,
                    "assigned_staff_required": True,
                },
            },
        ),
    ],
)

QUESTIONS = extend_schema(summary="The definition's booking questionnaire", responses={200: s.QuestionsSerializer})

BOOKING = {"appointment_definition_id": 7, "profile_id": "5f1f0b9e-1c2d-4e3f-8a9b-0c1d2e3f4a5b", "location_id": 3,
           "scheduled_start_at": "2026-05-11 10:00:00", "timezone": "Australia/Melbourne", "notes": "First visit"}  # fmt: skip
NOT_A_SLOT = "That time is not an available slot."

appointment_schema = extend_schema_view(
    create=extend_schema(
        summary="Book an appointment",
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                required=False,
                description="Retrying with the same key returns the first result.",
            )
        ],
        examples=[
            _example("Book a slot", BOOKING, request=True),
            _example(
                "Book a chosen staff member in UTC",
                {
                    **BOOKING,
                    "scheduled_start_at": "2026-05-11T00:00:00Z",
                    "timezone": None,
                    "assigned_staff_id": "0b8f5c2e-3d7a-4c1e-9f60-2a9d7c3e4b11",
                },
                request=True,
            ),
            _example(
                "Outside the hours",
                {"message": NOT_A_SLOT, "code": "outside_hours", "errors": {"scheduled_start_at": [NOT_A_SLOT]}},
                status=422,
            ),
            _example(
                "Slot just taken",
                {
                    "message": "That time was just taken; pick another slot or try again.",
                    "code": "slot_unavailable",
                    "errors": {},
                },
                status=409,
            ),
        ],
    ),
    update=extend_schema(
        summary="Change an appointment: move it along its lifecycle, reschedule it, or edit its notes and links",
        request=s.AppointmentUpdateInput,
        examples=[
            _example("Check in", {"status": "arrived"}, request=True),
            _example(
                "Reschedule",
                {"scheduled_start_at": "2026-05-12 14:00:00", "timezone": "Australia/Melbourne"},
                request=True,
            ),
            _example(
                "Too early to check in",
                {
                    "message": "Check-in opens at 2026-05-11 09:00 Australia/Melbourne.",
                    "code": "check_in_too_early",
                    "errors": {"status": ["Check-in opens at 2026-05-11 09:00 Australia/Melbourne."]},
                },
                status=422,
            ),
        ],
    ),
)

EVENTS = extend_schema(
    summary="The appointment's audit events", responses={200: s.AppointmentEventSerializer(many=True)}
)
LINK = extend_schema(
    summary="Link a profile or list", request=s.LinkInput, responses={200: s.AppointmentWithLinksSerializer}
)
UNLINK = extend_schema(summary="Unlink a profile or list", request=s.LinkInput, responses={204: None})
