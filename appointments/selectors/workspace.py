"""What the appointment's console page shows besides its fields: the booking answers in words, and the
appointment named in words wherever another record links to it."""

from __future__ import annotations

from dataclasses import dataclass

from appointments.models import Appointment
from core.localtime import local_label
from questionnaires.selectors import answer_text, answers_by_appointment


@dataclass(frozen=True)
class ShownAnswer:
    question: str
    answer: str
    submission_id: int


def appointment_words(appointment: Appointment) -> str:
    """ "Fitting for Olivia Jones, Tue 08 Dec 2026 10:00 AEDT (confirmed)"."""
    when = local_label(appointment.scheduled_start_at, appointment.location.timezone)
    return f"{appointment.definition.name} for {appointment.profile}, {when} ({appointment.get_status_display()})"


def describe_appointment(appointment_id: str) -> str | None:
    if not appointment_id.isdigit():
        return None
    appointment = (
        Appointment.objects.select_related("definition", "profile", "location").filter(pk=appointment_id).first()
    )
    return None if appointment is None else appointment_words(appointment)


def booking_answers(appointment: Appointment) -> list[ShownAnswer]:
    """The questions as the customer was asked them (the pinned version's label) and their answers in words."""
    return [
        ShownAnswer(answer.question_version.label, answer_text(answer.question_version, answer.value),
                    answer.submission_id)
        for answer in answers_by_appointment([appointment.pk]).get(appointment.pk, [])
    ]  # fmt: skip
