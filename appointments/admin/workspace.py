"""The appointment page as a workspace: what was booked and answered, and the moves the operator may make from it.

The moves post to the day schedule's move view (one lifecycle service, the same permission and location checks),
and come back to this page.
"""

from __future__ import annotations

from django.urls import reverse

from appointments.admin.front_desk import moves_for
from appointments.models import Appointment
from appointments.services.lifecycle import RESCHEDULABLE
from questionnaires.selectors import answer_text, answers_by_appointment

# Moves that undo or refuse the booking look secondary beside the ones that carry the visit forward.
SECONDARY_MOVES = frozenset({"cancelled", "rejected", "no_show"})


def workspace(appointment: Appointment, *, can_move: bool) -> dict:
    """The change page's extra context: the local summary, the answers, the moves and the reschedule link."""
    tz = appointment.location.timezone
    start, end = appointment.scheduled_start_at.astimezone(tz), appointment.scheduled_end_at.astimezone(tz)
    answers = answers_by_appointment([appointment.pk]).get(appointment.pk, [])
    page = reverse("admin:appointments_appointment_change", args=[appointment.pk])
    return {
        "workspace": {
            "when": f"{start:%a %d %b %Y %H:%M}–{end:%H:%M} {start:%Z} ({tz.key})",
            "answers": [(answer.question_version.label, answer_text(answer)) for answer in answers],
            "moves": [
                {"to": to, "label": label, "secondary": to in SECONDARY_MOVES}
                for to, label in moves_for(appointment, can_move)
            ],
            "move_url": reverse("admin:appointments_appointment_move", args=[appointment.pk]),
            "next": page,
            "reschedule_url": reverse("admin:appointments_appointment_reschedule", args=[appointment.pk])
            if can_move and appointment.status in RESCHEDULABLE
            else None,
        }
    }
