"""An appointment at Melbourne CBD with booking answers, as the appointment workspace tests (console and browser)
read it: Wednesday 2 Dec 2026 09:00 AEDT, a fitting for Olivia Jones with Noah Brown."""

from __future__ import annotations

from datetime import UTC, datetime

from appointments.enums import AppointmentStatus as S
from questionnaires.selectors import form_of_version
from questionnaires.services.submissions import clean_answers, submission_write
from tests.factories import (
    AppointmentFactory,
    DefinitionFactory,
    DefinitionLocationFactory,
    LocationFactory,
    ProfileFactory,
)
from tests.questionnaires.factories import QuestionFactory, QuestionnaireFactory

# Wednesday 2 Dec 2026 09:00 AEDT (UTC+11), and 09:05 on that morning.
NINE_AEDT = datetime(2026, 12, 1, 22, 0, tzinfo=UTC)
FIVE_PAST_NINE = datetime(2026, 12, 1, 22, 5, tzinfo=UTC)
SIZES = [{"value": "s", "label": "Small"}, {"value": "m", "label": "Medium"}, {"value": "l", "label": "Large"}]


def booking_form():
    size = QuestionFactory(handle="size", label="Your size?", type="single_select", options=SIZES)
    gift = QuestionFactory(handle="gift", label="Gift wrap?", type="boolean")
    note = QuestionFactory(handle="note", label="Anything we should know?", type="text")
    questionnaire = QuestionnaireFactory(handle="fitting-form", name="Fitting form", purpose="booking", questions=[
        {"mapping_key": "size", "question_id": size.pk}, {"mapping_key": "gift", "question_id": gift.pk},
        {"mapping_key": "note", "question_id": note.pk}])  # fmt: skip
    return form_of_version(questionnaire.current_version_id)


def answer(appointment, form, values: dict):
    """A submission of `form` for the appointment, `values` by mapping key (as the booking service writes it)."""
    by_key = {slot.mapping_key: slot.pk for slot in form.slots}
    given = [{"questionnaire_question_id": by_key[key], "value": value} for key, value in values.items()]
    return submission_write(form, clean_answers(form, given), profile_id=appointment.profile_id,
                            location_id=appointment.location_id, appointment_id=appointment.pk, now=NINE_AEDT)  # fmt: skip


def melbourne_appointment(status=S.CONFIRMED, location=None, answers=True):
    location = location or LocationFactory(name="Melbourne CBD", timezone="Australia/Melbourne")
    definition = DefinitionFactory(name="Fitting", duration_minutes=30)
    DefinitionLocationFactory(definition=definition, location=location)
    appointment = AppointmentFactory(
        definition=definition, location=location, status=status, scheduled_start_at=NINE_AEDT,
        profile=ProfileFactory(first_name="Olivia", last_name="Jones"),
        assigned_staff=ProfileFactory(first_name="Noah", last_name="Brown"),
    )  # fmt: skip
    if answers:
        answer(appointment, booking_form(), {"size": "m", "gift": True, "note": "Left shoulder is lower"})
    return appointment
