"""The appointment named in words wherever another record links to it by id (a submission, a notification, an
audit record): registered with directory.console_display from AppointmentsConfig.ready()."""

from __future__ import annotations

from appointments.models import Appointment
from core.localtime import local_label


def appointment_words(appointment: Appointment) -> str:
    """ "Fitting for Olivia Jones, Tue 08 Dec 2026 10:00 AEDT (Confirmed)"."""
    when = local_label(appointment.scheduled_start_at, appointment.location.timezone)
    return f"{appointment.definition.name} for {appointment.profile}, {when} ({appointment.get_status_display()})"


def describe_appointment(appointment_id: str) -> str | None:
    if not appointment_id.isdigit():
        return None
    appointment = (
        Appointment.objects.select_related("definition", "profile", "location").filter(pk=appointment_id).first()
    )
    return None if appointment is None else appointment_words(appointment)
