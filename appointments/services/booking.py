"""Creating appointments (DOMAIN.md "Booking")."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from uuid import UUID
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone

from appointments.enums import AppointmentStatus, BookingType
from appointments.models import Appointment, AppointmentEvent
from appointments.selectors import linked_location
from appointments.selectors.fastpath import booking_form
from appointments.services import notify
from appointments.services.reservation import SlotUnavailable, bookable_at, is_overlap_violation, reserve
from core.errors import Forbidden, ValidationFailed
from core.localtime import localize
from core.reads import row_by
from directory.models import Profile
from questionnaires.services.submissions import clean_answers, submission_write

logger = logging.getLogger("appointments.booking")

# The profile's columns the booking response shows (the rest load lazily if anything asks).
PROFILE_SHOWN = ("first_name", "last_name", "email")


@dataclass(frozen=True)
class BookingRequest:
    """A validated create body. Naive `start`/`end` are wall times in `timezone`, or the location's when None."""

    definition_id: int
    profile_id: str
    location_id: int
    start: datetime
    timezone: ZoneInfo | None = None
    end: datetime | None = None
    assigned_staff_id: str | None = None
    notes: str = ""
    meta: dict | None = None
    transaction: dict | None = None
    order: dict | None = None
    answers: list = field(default_factory=list)
    override_availability: bool = False


def _pk(value):
    return getattr(value, "pk", value)


def booking_request(
    definition,
    profile,
    location,
    start: datetime,
    *,
    staff=None,
    notes: str | None = None,
    answers: list | None = None,
    **options,
) -> BookingRequest:
    """The one way to build a BookingRequest: rows or their ids in; no staff is None, no notes "", no answers [].

    `options` are the remaining BookingRequest fields (end, timezone, meta, transaction, order,
    override_availability), passed through as they are."""
    staff_id = _pk(staff)
    return BookingRequest(
        definition_id=_pk(definition), profile_id=str(_pk(profile)), location_id=_pk(location), start=start,
        assigned_staff_id=None if staff_id is None else str(staff_id), notes=notes or "", answers=answers or [],
        **options,
    )  # fmt: skip


def booking_answers(definition, answers: list, *, schedule_token: int | None = None):
    """The definition's active booking form and the answers checked against it (422s keyed answers.<key>).

    Answers without a booking questionnaire are a 422 on `answers` rather than silently dropped. The form comes
    from the schedule cache while `schedule_token` is current.
    """
    form = booking_form(definition.booking_questionnaire_id, schedule_token)
    if form is None:
        if answers:
            raise ValidationFailed.on("answers", "This appointment definition has no booking questionnaire.")
        return None, []
    return form, clean_answers(form, answers)


def appointment_book(
    request: BookingRequest, *, actor: str, customer_id=None, now: datetime | None = None
) -> Appointment:
    """Book an appointment: every check of DOMAIN.md "Booking", then the insert, under the booking locks.

    `customer_id` is the profile of a customer token making the booking (they book only for themselves, only
    published customer-bookable definitions, and cannot override availability). A lost race is a 409
    `slot_unavailable`, never an overbooking.
    """
    now = now or timezone.now()
    customer = customer_id is not None
    if customer and str(request.profile_id) != str(customer_id):
        raise Forbidden("A customer token can only book for its own profile.")
    if customer and request.override_availability:
        raise Forbidden("Only staff and integrations can override availability.")
    definition, location, schedule_token = bookable_at(request.definition_id, request.location_id, customer=customer)
    profile = row_by(Profile, "id", request.profile_id, fields=PROFILE_SHOWN)
    if profile is None:
        raise ValidationFailed.on("profile_id", "The profile does not exist.")
    form, answers = booking_answers(definition, request.answers, schedule_token=schedule_token)
    if location is None:
        location = linked_location(definition, request.location_id)  # raises the 422 that says why
    tz = request.timezone or location.timezone
    start = localize(request.start, tz, "scheduled_start_at")
    end = localize(request.end, tz, "scheduled_end_at") if request.end is not None else None
    try:
        with transaction.atomic():
            held = reserve(
                definition,
                location,
                start,
                end,
                staff_id=str(request.assigned_staff_id) if request.assigned_staff_id else None,
                override=request.override_availability,
                now=now,
                schedule_token=schedule_token,
            )
            instant = definition.booking_type == BookingType.INSTANT
            status = AppointmentStatus.CONFIRMED if instant else AppointmentStatus.REQUESTED
            appointment = Appointment.objects.create(
                definition=definition,
                profile=profile,
                location=location,
                assigned_staff_id=UUID(held.staff_id) if held.staff_id else None,
                status=status,
                scheduled_start_at=held.start,
                scheduled_end_at=held.end,
                timezone=request.timezone or location.timezone,
                occupancy_start=held.occupancy_start,
                occupancy_end=held.occupancy_end,
                created_at=now,
                confirmed_at=now if instant else None,
                notes=request.notes or "",
                meta=request.meta,
                transaction=request.transaction,
                order=request.order,
                questionnaire_version_id=form.version.pk if form else None,
            )
            if form is not None:
                # The answers commit with the appointment or not at all; routing runs after the commit.
                submission = submission_write(
                    form, answers, profile_id=profile.pk, location_id=location.pk, appointment_id=appointment.pk,
                    now=now,
                )  # fmt: skip
                appointment.booked_answers = submission.written_answers
            AppointmentEvent.objects.create(
                appointment=appointment, kind=AppointmentEvent.Kind.CREATED, actor=actor, to_status=status, at=now
            )
            notify.on_created(appointment, now=now)
            transaction.on_commit(partial(logger.info, "appointment %s created", appointment.pk))
    except IntegrityError as exc:
        if is_overlap_violation(exc):
            raise SlotUnavailable() from exc
        raise
    return appointment
