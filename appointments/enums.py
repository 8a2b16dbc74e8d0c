"""Choices of the appointments app, with the named groups the rules use."""

from django.db import models


class BookingType(models.TextChoices):
    INSTANT = "instant", "Instant"
    APPROVAL_REQUIRED = "approval_required", "Approval required"
    WALK_IN_ONLY = "walk_in_only", "Walk-in only"


class AppointmentStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    CONFIRMED = "confirmed", "Confirmed"
    CANCELLED = "cancelled", "Cancelled"
    ARRIVED = "arrived", "Arrived"
    COMPLETED = "completed", "Completed"
    NO_SHOW = "no_show", "No-show"
    REJECTED = "rejected", "Rejected"


# Statuses that hold their slot: they count against capacity and block the assigned staff member.
HOLDING_STATUSES = (AppointmentStatus.REQUESTED, AppointmentStatus.CONFIRMED, AppointmentStatus.ARRIVED)
TERMINAL_STATUSES = (
    AppointmentStatus.CANCELLED,
    AppointmentStatus.REJECTED,
    AppointmentStatus.COMPLETED,
    AppointmentStatus.NO_SHOW,
)

# Each has a target and an offset on the definition. `waitlist_offer` goes to the customer a freed place is
# offered to (appointments/services/offers.py); the rest follow the appointment's lifecycle.
NOTIFICATION_EVENTS = ("created", "confirmed", "cancelled", "rejected", "completed", "reminder", "waitlist_offer")


class WaitlistStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    FULFILLED = "fulfilled", "Fulfilled"
    CANCELLED = "cancelled", "Cancelled"


class OfferStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLAIMED = "claimed", "Claimed"
    DECLINED = "declined", "Declined"
    EXPIRED = "expired", "Expired"
    WITHDRAWN = "withdrawn", "Withdrawn"


class QueueStatus(models.TextChoices):
    WAITING = "waiting", "Waiting"
    CALLED = "called", "Called"
    SERVED = "served", "Served"
    CANCELLED = "cancelled", "Cancelled"


class LinkPurpose(models.TextChoices):
    """What a customer's signed link may do (docs/customer-links.md). Each is signed with its own salt."""

    VIEW = "view", "View"
    RESCHEDULE = "reschedule", "Reschedule"
    CANCEL = "cancel", "Cancel"
    CALENDAR = "calendar", "Add to calendar"
    CLAIM = "claim", "Claim the offer"
    DECLINE = "decline", "Decline the offer"


APPOINTMENT_PURPOSES = (LinkPurpose.VIEW, LinkPurpose.RESCHEDULE, LinkPurpose.CANCEL, LinkPurpose.CALENDAR)
OFFER_PURPOSES = (LinkPurpose.CLAIM, LinkPurpose.DECLINE)
# A link of these purposes works once: a second use is refused.
ONE_TIME_PURPOSES = (LinkPurpose.CANCEL, LinkPurpose.CLAIM, LinkPurpose.DECLINE)


class NotificationEvent(models.TextChoices):
    """What appointments and waitlist offers tell customers and systems (registered with the notifications outbox
    by services/notification_events.py)."""

    CREATED = "created", "Created"
    CONFIRMED = "confirmed", "Confirmed"
    CANCELLED = "cancelled", "Cancelled"
    REJECTED = "rejected", "Rejected"
    COMPLETED = "completed", "Completed"
    REMINDER = "reminder", "Reminder"
    WAITLIST_OFFER = "waitlist_offer", "Waitlist offer"
