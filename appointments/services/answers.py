"""The `transaction` routing destination: a questionnaire answer written into an appointment's transaction
reference. Registered with questionnaires from AppointmentsConfig.ready(), so questionnaires never imports us."""

from __future__ import annotations

from datetime import datetime

from appointments.models import Appointment
from questionnaires.enums import WritePolicy
from questionnaires.routing import RouteSkipped

TRANSACTION_KEYS = ("id", "external_id", "receipt_ref")
DEFAULT_KEY = "receipt_ref"


def check_transaction_target(target: str) -> str | None:
    if target in ("", *TRANSACTION_KEYS):
        return None
    return f"A transaction link_target is one of {', '.join(TRANSACTION_KEYS)} (receipt_ref when blank)."


def write_transaction_reference(answer, submission, now: datetime) -> str:
    """Set `transaction.<key>` of the submission's appointment, honouring overwrite / if_empty."""
    if submission.appointment_id is None:
        raise ValueError("The submission is not linked to an appointment.")
    key = answer.link_target or DEFAULT_KEY
    if key not in TRANSACTION_KEYS:
        raise ValueError(check_transaction_target(key))
    appointment = Appointment.objects.select_for_update().filter(pk=submission.appointment_id).first()
    if appointment is None:
        raise ValueError(f"Appointment {submission.appointment_id} no longer exists.")
    current = dict(appointment.transaction or {})
    field = f"transaction.{key}"
    if answer.link_write_policy == WritePolicy.IF_EMPTY and current.get(key) not in (None, ""):
        raise RouteSkipped(field, "The appointment already has this reference.")
    current[key] = answer.value if isinstance(answer.value, str | int) else str(answer.value)
    appointment.transaction = {name: current.get(name) for name in TRANSACTION_KEYS}
    appointment.save(update_fields=["transaction", "updated_at"])
    return field
