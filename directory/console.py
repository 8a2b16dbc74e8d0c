"""The operator console's shared pieces: the admin base classes and the dashboard registry.

Every app's admin inherits `ConsoleModelAdmin` (or the inlines below) so that the console looks the same
everywhere and an operator limited to some locations sees only those: set `location_field` to the ORM path
from the model to its Location ("location", "appointment__location", ...).

Apps add numbers to the dashboard from their `AppConfig.ready()` with `dashboard_card`; the directory never
imports them, they register themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from unfold.admin import ModelAdmin, StackedInline, TabularInline


@dataclass(frozen=True)
class Card:
    """One number on the dashboard, linking to the list it counts."""

    label: str
    value: int | str
    url: str = ""
    tone: str = ""  # "", "success", "warning" or "danger"


# (request, location or None for all the operator's locations, the location's local date) -> cards
CardProvider = Callable[[object, object, date], list[Card]]

_providers: list[tuple[int, str, CardProvider]] = []


def dashboard_card(*, section: str, order: int = 100) -> Callable[[CardProvider], CardProvider]:
    """Register a function that returns the cards of one dashboard section."""

    def register(provider: CardProvider) -> CardProvider:
        if all(existing is not provider for _, _, existing in _providers):
            _providers.append((order, section, provider))
            _providers.sort(key=lambda item: (item[0], item[1]))
        return provider

    return register


def dashboard_sections(request, location, day: date) -> list[tuple[str, list[Card]]]:
    """The registered sections in order, each with its cards for this location and local day."""
    return [(section, provider(request, location, day)) for _, section, provider in _providers]


class ConsoleModelAdmin(ModelAdmin):
    """The admin base class of every console page."""

    # ORM path from this model to its directory.Location; None for models that belong to no location.
    location_field: str | None = None


class ConsoleTabularInline(TabularInline):
    pass


class ConsoleStackedInline(StackedInline):
    pass
