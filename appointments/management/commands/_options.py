"""Argument types shared by the appointments commands (a leading underscore: Django does not list it)."""

from __future__ import annotations

import argparse
import getpass
from datetime import date

from django.core.management.base import CommandError

from directory.models import Location


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {value!r}") from None


def date_range(date_from: date | None, date_to: date | None) -> None:
    if date_from is not None and date_to is not None and date_from > date_to:
        raise CommandError(f"--from {date_from} is after --to {date_to}.")


def location_by_key(key: str) -> Location:
    """A location by id or handle."""
    found = Location.objects.filter(**({"pk": int(key)} if key.isdigit() else {"handle": key})).first()
    if found is None:
        raise CommandError(f"No location '{key}' (give an id or a handle).")
    return found


def command_actor(given: str | None) -> str:
    """How the audit trail names whoever ran a command: --actor, else `cli:<login name>`."""
    if given:
        return given
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no login name in this environment (a container without a passwd entry)
        return "cli"
