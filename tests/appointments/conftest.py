"""Fixtures shared by the customer-link and calendar-feed tests (tests/appointments/link_world.py)."""

from __future__ import annotations

import pytest
import time_machine

from tests.appointments.link_world import NOW


@pytest.fixture
def at_now():
    """The clock stopped at NOW: the pages and feeds read timezone.now()."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller
