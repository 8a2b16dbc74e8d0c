"""The one way a status changes: every state machine of the app (appointments, walk-in queue entries, waitlist
entries and waitlist offers) is a `Machine` with its ALLOWED table, and `Machine.move` is the only writer of its
status.

A service that moves a row: `row = MACHINE.lock(pk)` (SELECT ... FOR UPDATE, 404 when missing), returns early on a
no-op, `MACHINE.check(row.status, to, customer=...)` (403 for a move only staff may make, 422
`transition_not_allowed` for a move the table does not have), runs its own checks (time rules, the appointment a
waitlist entry led to), then `MACHINE.move(row, to, ...)`: the status, the stamps of the move, one `save` with
`update_fields`, and one history row. Side effects follow in the same transaction (outbox rows, waitlist offers,
visits); a committed move is logged after the commit. Adding a machine: declare its table and its stamp and
history functions beside its service, and build a Machine (docs/architecture.md "Where shared rules live").
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from django.db import models, transaction

from core.errors import Forbidden, NotFound, ValidationFailed

logger = logging.getLogger("appointments.transitions")


class TransitionNotAllowed(ValidationFailed):
    """A move the machine's ALLOWED table does not have: 422 `transition_not_allowed` on `status`."""

    code = "transition_not_allowed"

    def __init__(self, allowed: Mapping[str, frozenset[str]], current: str, to: str):
        moves = sorted(allowed.get(current, ()))
        hint = f"allowed: {', '.join(moves)}" if moves else f"{current} is final"
        super().__init__(errors={"status": [f"Cannot move from {current} to {to} ({hint})."]})


# stamp(row, before, to, actor, now) -> the fields it set; record(row, before, to, actor, reason, now, data) -> None
Stamp = Callable[[models.Model, str, str, str, datetime], list[str]]
Record = Callable[..., None]


@dataclass(frozen=True)
class Machine:
    """One state machine: its rows, its moves, who may make them, and how a move is stamped and recorded."""

    name: str  # in messages and logs: "appointment", "queue entry", ...
    model: type[models.Model]
    allowed: Mapping[str, frozenset[str]]
    stamp: Stamp
    record: Record
    customer_moves: frozenset[str] = field(default_factory=frozenset)
    touch: tuple[str, ...] = ("updated_at",)  # saved with every move (auto_now fields)

    def lock(self, pk) -> models.Model:
        """The row, locked for the rest of the transaction (404 when there is none)."""
        row = self.model.objects.select_for_update().filter(pk=pk).first()
        if row is None:
            raise NotFound(f"{self.name.capitalize()} not found.")
        return row

    def check(self, current: str, to: str, *, customer: bool = False) -> None:
        """Whether the table (and, for a customer, the customer's moves) allow `current` -> `to`."""
        if customer and to not in self.customer_moves:
            raise Forbidden(f"Only staff can move {_article(self.name)} {self.name} to {to}.")
        if to not in self.allowed.get(current, ()):
            raise TransitionNotAllowed(self.allowed, current, to)

    def move(self, row: models.Model, to: str, *, actor: str, now: datetime, reason: str = "", data=None,
             also: tuple[str, ...] = (), record: bool = True) -> str:  # fmt: skip
        """Write the move (the caller holds the lock and has checked it): status, stamps, one save (with the
        fields in `also` the caller set for this move), one history row unless `record` is False (a move whose
        service writes its history row once more is known). Returns the status before."""
        before = row.status
        row.status = to
        changed = self.stamp(row, before, to, actor, now)
        row.save(update_fields=["status", *self.touch, *changed, *also])
        if record:
            self.record(row, before, to, actor, reason or "", now, data)
        transaction.on_commit(partial(logger.info, "%s %s moved %s -> %s", self.name, row.pk, before, to))
        return before


def _article(name: str) -> str:
    return "an" if name[0] in "aeiou" else "a"
