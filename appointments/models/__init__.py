from appointments.models.appointment import Appointment
from appointments.models.customer_link import CustomerLink
from appointments.models.definition import (
    AppointmentDefinition,
    DefinitionLocation,
    DefinitionNormalHour,
    DefinitionSpecialHour,
    DefinitionStaff,
)
from appointments.models.event import AppointmentEvent, AppointmentLink, IdempotencyRecord
from appointments.models.feed import CalendarFeed
from appointments.models.queue import QueueEntry, QueueEvent
from appointments.models.schedule import ScheduleVersion
from appointments.models.waitlist import WaitlistEntry, WaitlistEvent, WaitlistOffer

__all__ = [
    "Appointment",
    "AppointmentEvent",
    "CalendarFeed",
    "CustomerLink",
    "AppointmentLink",
    "IdempotencyRecord",
    "AppointmentDefinition",
    "DefinitionLocation",
    "DefinitionNormalHour",
    "DefinitionSpecialHour",
    "DefinitionStaff",
    "ScheduleVersion",
    "QueueEntry",
    "QueueEvent",
    "WaitlistEntry",
    "WaitlistEvent",
    "WaitlistOffer",
]
