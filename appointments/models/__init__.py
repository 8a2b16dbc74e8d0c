from appointments.models.appointment import Appointment
from appointments.models.definition import (
    AppointmentDefinition,
    DefinitionLocation,
    DefinitionNormalHour,
    DefinitionSpecialHour,
    DefinitionStaff,
)
from appointments.models.event import AppointmentEvent, AppointmentLink, IdempotencyRecord
from appointments.models.schedule import ScheduleVersion

__all__ = [
    "Appointment",
    "AppointmentEvent",
    "AppointmentLink",
    "IdempotencyRecord",
    "AppointmentDefinition",
    "DefinitionLocation",
    "DefinitionNormalHour",
    "DefinitionSpecialHour",
    "DefinitionStaff",
    "ScheduleVersion",
]
