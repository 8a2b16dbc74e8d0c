"""What an appointment's moves cause in other parts of the system, inside the same transaction.

Lifecycle calls these (one line each) so that the other apps' rules stay out of the transition service: an arrival
records a Visit (through visits' services, with plain data), and a place that stops being held, by a move, a
reschedule or a delete, is offered to the waitlist (services.offers).
"""

from __future__ import annotations

from datetime import datetime

from appointments.enums import HOLDING_STATUSES, AppointmentStatus
from appointments.models import Appointment
from appointments.services.offers import FreedPlace, offer_place
from visits.services.visits import visit_record_arrival


def _place(appointment: Appointment, start, end, occupancy_start, occupancy_end, staff_id) -> FreedPlace:
    return FreedPlace(
        definition_id=appointment.definition_id, location_id=appointment.location_id,
        staff_id=str(staff_id) if staff_id else None, start_at=start, end_at=end,
        occupancy_start=occupancy_start, occupancy_end=occupancy_end,
    )  # fmt: skip


def appointment_moved(appointment: Appointment, before: str, to: str, *, actor: str, now: datetime) -> None:
    """After a status change: record the arrival's visit; offer a place that is no longer held."""
    if to == AppointmentStatus.ARRIVED:
        visit_record_arrival(
            appointment_id=appointment.pk, location_id=appointment.location_id, profile_id=appointment.profile_id,
            staff_id=appointment.assigned_staff_id, visited_at=now, timezone=appointment.location.timezone,
        )  # fmt: skip
    if before in HOLDING_STATUSES and to not in HOLDING_STATUSES:
        offer_freed(freed_place(appointment), tz=appointment.location.timezone, actor=actor, now=now)


def freed_place(appointment: Appointment) -> FreedPlace:
    """The place an appointment holds now, as the waitlist sees it once it is free."""
    return _place(appointment, appointment.scheduled_start_at, appointment.scheduled_end_at,
                  appointment.occupancy_start, appointment.occupancy_end, appointment.assigned_staff_id)  # fmt: skip


def offer_freed(place: FreedPlace, *, tz, actor: str, now: datetime) -> None:
    """Offer a place that is no longer held (a cancel, a no-show, a delete) to the waitlist."""
    offer_place(place, tz=tz, actor=actor, now=now)


def appointment_moved_away(appointment: Appointment, old: tuple, *, actor: str, now: datetime) -> None:
    """After a reschedule: `old` is (start, end, occupancy_start, occupancy_end, staff_id) before the move."""
    overlaps = appointment.occupancy_start < old[3] and appointment.occupancy_end > old[2]
    if appointment.status in HOLDING_STATUSES and not overlaps:  # a small shift frees no whole place
        offer_place(_place(appointment, *old), tz=appointment.location.timezone, actor=actor, now=now)
