from appointments.models.appointment import Appointment
from appointments.models.definition import (
    AppointmentDefinition,
    DefinitionLocation,
    DefinitionNormalHour,
    DefinitionSpecialHour,
    DefinitionStaff,
)

__all__ = [
    "Appointment",
    "AppointmentDefinition",
    "DefinitionLocation",
    "DefinitionNormalHour",
    "DefinitionSpecialHour",
    "DefinitionStaff",
]
