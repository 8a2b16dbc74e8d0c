"""Whether a definition takes a booking, a waitlist entry or a walk-in, and who may see it: one rule, one place.

The rule is data: for each purpose, conditions on the definition's fields, checked in order. The same conditions
answer for one definition in Python (:func:`definition_admits`, the services and the engine's ``Rules.bookable``)
and for many in SQL (:func:`admitted`, lists and waitlist offers), so the two readings cannot drift. No queries,
no clock: callers load the definition.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from appointments.enums import BookingType
from core.errors import ValidationFailed


class Purpose(StrEnum):
    BOOK = "book"  # an appointment (availability answers only for these)
    WAITLIST = "waitlist"  # a waitlist entry (and a waitlist offer made to it)
    QUEUE = "queue"  # a walk-in in the queue
    SEE = "see"  # a customer seeing the definition at all (lists and detail)


@dataclass(frozen=True)
class Refusal:
    """Why a definition refuses: ``code`` names the rule, ``message`` is what the API says."""

    code: str
    message: str

    def error(self, field: str = "appointment_definition_id") -> ValidationFailed:
        """The 422 on ``field`` (the envelope's code stays ``validation_error``)."""
        return ValidationFailed.on(field, self.message)


@dataclass(frozen=True)
class Condition:
    """A condition the definition must meet, else ``refusal``: every ``equal`` field has its value and no ``differ``
    field has its value. ``customers`` conditions apply to customer callers only."""

    refusal: Refusal
    equal: dict[str, Any] = field(default_factory=dict)
    differ: dict[str, Any] = field(default_factory=dict)
    customers: bool = False

    def holds(self, definition) -> bool:
        return all(getattr(definition, name) == value for name, value in self.equal.items()) and not any(
            getattr(definition, name) == value for name, value in self.differ.items()
        )


MISSING = Refusal("missing", "The appointment definition does not exist.")
ARCHIVED = Refusal("archived", "This appointment definition is archived.")
WALK_IN_ONLY = Refusal("walk_in_only", "This service is walk-in only: join the queue instead of booking.")
NOT_FOR_CUSTOMERS = Refusal("not_for_customers", "This appointment definition cannot be booked by customers.")
NO_WAITLIST = Refusal("no_waitlist", "This appointment definition has no waitlist.")
NO_QUEUE = Refusal("no_queue", "This appointment definition does not take walk-ins in a queue.")
UNPUBLISHED = Refusal("unpublished", "This appointment definition is not published.")
NO_STAFF_CHOICE = Refusal("no_staff_choice", "This appointment definition is not booked with a staff member.")

_NOT_ARCHIVED = Condition(ARCHIVED, equal={"is_archived": False})
_PUBLISHED = {"is_published": True}

RULES: dict[Purpose, tuple[Condition, ...]] = {
    Purpose.BOOK: (
        _NOT_ARCHIVED,
        Condition(WALK_IN_ONLY, differ={"booking_type": BookingType.WALK_IN_ONLY}),
        Condition(NOT_FOR_CUSTOMERS, equal={**_PUBLISHED, "allow_customer_booking": True}, customers=True),
    ),
    Purpose.WAITLIST: (
        _NOT_ARCHIVED,
        Condition(NO_WAITLIST, equal={"allow_waitlist": True}),
        Condition(NO_WAITLIST, equal=_PUBLISHED, customers=True),
    ),
    Purpose.QUEUE: (
        _NOT_ARCHIVED,
        Condition(NO_QUEUE, equal={"allow_walk_in": True, "allow_queue": True}),
        Condition(NO_QUEUE, equal=_PUBLISHED, customers=True),
    ),
    Purpose.SEE: (
        _NOT_ARCHIVED,
        Condition(UNPUBLISHED, equal=_PUBLISHED, customers=True),
    ),
}


def _conditions(purpose: Purpose, customer: bool) -> list[Condition]:
    return [condition for condition in RULES[purpose] if customer or not condition.customers]


def definition_admits(definition, purpose: Purpose, *, customer: bool) -> Refusal | None:
    """None when ``definition`` (None: it does not exist) takes ``purpose`` from this kind of caller, else the first
    refusal in the rule's order."""
    if definition is None:
        return MISSING
    return next((c.refusal for c in _conditions(purpose, customer) if not c.holds(definition)), None)


def admitted(queryset, purpose: Purpose, *, customer: bool, prefix: str = ""):
    """``queryset`` narrowed to rows whose definition (reached through ``prefix``, e.g. ``"definition__"``) meets
    the same conditions as :func:`definition_admits`."""
    for condition in _conditions(purpose, customer):
        queryset = queryset.filter(**{prefix + name: value for name, value in condition.equal.items()})
        for name, value in condition.differ.items():
            queryset = queryset.exclude(**{prefix + name: value})
    return queryset


def staff_choice_refused(definition, staff_id) -> Refusal | None:
    """A staff member named for a definition that is not booked with one (booking, availability, waitlist)."""
    return NO_STAFF_CHOICE if staff_id is not None and not definition.requires_staff else None
