"""Side effects of appointment changes, run after the change commits.

These are the named places later features plug into (notifications' outbox, visits on arrival, waitlist offers
when a slot frees up). Services schedule them with `transaction.on_commit`, never call them inline.
"""

from __future__ import annotations

import logging

logger = logging.getLogger("appointments.hooks")


def after_created(appointment_id: int) -> None:
    """An appointment was booked."""
    logger.info("appointment %s created", appointment_id)


def after_transition(appointment_id: int, before: str, after: str) -> None:
    """An appointment moved from `before` to `after`."""
    logger.info("appointment %s moved %s -> %s", appointment_id, before, after)


def after_rescheduled(appointment_id: int, old_start: str, new_start: str) -> None:
    """An appointment moved in time (its old slot is free again)."""
    logger.info("appointment %s rescheduled %s -> %s", appointment_id, old_start, new_start)
