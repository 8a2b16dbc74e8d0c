"""A shop whose every message goes by email, and helpers to read customers' signed links back (docs/customer-links.md).

Melbourne location (UTC+10 in June) open Mondays 09:00-17:00 with 30-minute slots and one place each; DAY is
Monday 2025-06-16 and NOW a week before. Shared by the page tests and the browser tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from appointments.enums import NOTIFICATION_EVENTS
from appointments.models import Appointment, AppointmentDefinition, AppointmentEvent, WaitlistEvent
from appointments.services.booking import BookingRequest, appointment_book
from directory.models import AuditRecord, Location, Profile
from notifications.enums import Channel
from notifications.models import Notification
from tests.factories import DefinitionFactory, DefinitionLocationFactory, LocationFactory, ProfileFactory
from tests.notifications.factories import TargetFactory

MELBOURNE = ZoneInfo("Australia/Melbourne")
DAY = date(2025, 6, 16)
NOW = datetime(2025, 6, 9, 0, 0, tzinfo=UTC)
LINK = re.compile(r"^(See your appointment|Reschedule|Cancel|Add to your calendar|Claim this place|Decline it): (\S+)$",
                  re.MULTILINE)  # fmt: skip
LABELS = {"See your appointment": "view", "Reschedule": "reschedule", "Cancel": "cancel",
          "Add to your calendar": "calendar", "Claim this place": "claim", "Decline it": "decline"}  # fmt: skip


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=MELBOURNE).astimezone(UTC)


@dataclass
class Shop:
    location: Location
    definition: AppointmentDefinition
    ada: Profile


def make_shop(**definition_fields) -> Shop:
    from directory.enums import DayOfWeek
    from tests.factories import DefinitionNormalHourFactory

    location = LocationFactory(handle="fitzroy", name="Fitzroy", timezone="Australia/Melbourne", phone="+61 3 9000 0000",
                               address={"address_line_1": "1 Smith St", "city": "Fitzroy", "state": "VIC",
                                        "postcode": "3065"})  # fmt: skip
    target = TargetFactory(channel=Channel.EMAIL, url="")
    fields = {f"{event}_target": target for event in NOTIFICATION_EVENTS}
    definition = DefinitionFactory(handle="fitting", name="Fitting", duration_minutes=30, max_concurrent_bookings=1,
                                   allow_waitlist=True, **fields, **definition_fields)  # fmt: skip
    DefinitionLocationFactory(definition=definition, location=location)
    DefinitionNormalHourFactory(definition=definition, day_of_week=DayOfWeek.MON, available_from=time(9),
                                available_until=time(17))  # fmt: skip
    ada = ProfileFactory(first_name="Ada", last_name="Lovelace", email="ada@example.com")
    return Shop(location, definition, ada)


def book(shop: Shop, hour: int, profile: Profile | None = None, now: datetime = NOW, day: date = DAY) -> Appointment:
    """A booking as the customer's own API call makes it (actor profile:<uuid>)."""
    profile = profile or shop.ada
    request = BookingRequest(definition_id=shop.definition.pk, profile_id=str(profile.pk),
                             location_id=shop.location.pk, start=local(day, hour))  # fmt: skip
    return appointment_book(request, actor=f"profile:{profile.pk}", customer_id=str(profile.pk), now=now)


def links_in(text: str) -> dict[str, str]:
    """The purpose -> URL lines of a default email body."""
    return {LABELS[label]: url for label, url in LINK.findall(text.replace("\r\n", "\n"))}


def email_text(message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode()
    raise AssertionError("no text part")


def trail(appointment: Appointment) -> list[tuple]:
    """The appointment's audit events as the API and the links both write them, without ids and times."""
    return [
        (e.kind, e.actor.split(":")[0], e.from_status, e.to_status, e.reason, bool(e.data))
        for e in AppointmentEvent.objects.filter(appointment=appointment).order_by("at", "id")
    ]


def outbox(subject_type: str, subject_id) -> list[tuple]:
    """The outbox rows about one subject: (event, status, due time), in a stable order."""
    rows = Notification.objects.filter(subject_type=subject_type, subject_id=str(subject_id))
    return sorted((n.event, n.status) for n in rows)


def written_counts() -> dict[str, int]:
    """How many rows every table a link could write holds (for 'nothing written' checks)."""
    from appointments.models import CustomerLink, WaitlistOffer

    return {
        "appointments": Appointment.objects.count(),
        "events": AppointmentEvent.objects.count(),
        "waitlist_events": WaitlistEvent.objects.count(),
        "offers": WaitlistOffer.objects.count(),
        "notifications": Notification.objects.count(),
        "audit": AuditRecord.objects.count(),
        "links_used": CustomerLink.objects.exclude(used_at=None).count(),
        "statuses": sorted(Appointment.objects.values_list("status", "scheduled_start_at")),
    }
