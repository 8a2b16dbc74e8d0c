"""Where answers can be routed: a registry of destinations by `link_type`.

The questionnaires app owns `profile` and `rating`; other apps register theirs from their AppConfig.ready()
(appointments registers `transaction`), so this app never imports them. A destination is a function
`(answer, submission, now) -> mapped_field` that writes the answer's value (inside the caller's transaction) and
raises `RouteSkipped` when its write policy leaves the destination as it is, or any exception when it fails.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


class RouteSkipped(Exception):  # noqa: N818 - an outcome, not an error
    """The destination kept its value (policy if_empty) or there was nothing to write."""

    def __init__(self, field: str, reason: str):
        super().__init__(reason)
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class Destination:
    write: Callable
    # Checks a question's link_target when routing is configured; returns an error message or None.
    check_target: Callable[[str], str | None]


_destinations: dict[str, Destination] = {}


def register_destination(link_type: str, write: Callable, check_target: Callable[[str], str | None]) -> None:
    _destinations[link_type] = Destination(write, check_target)


def destination(link_type: str) -> Destination | None:
    return _destinations.get(link_type)
