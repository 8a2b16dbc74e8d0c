"""Records and actors in words on the console (issue 16): titles said "waitlist #2 1@1 (active)" and event actors
"token:1" / "user:1"."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User

from appointments.models import QueueEntry, WaitlistEvent
from directory.selectors import actor_label
from directory.services.tokens import token_issue
from tests.appointments.factories import WaitlistEntryFactory
from tests.factories import DefinitionFactory, LocationFactory, ProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry():
    return WaitlistEntryFactory(
        profile=ProfileFactory(first_name="Olivia", last_name="Jones"),
        definition=DefinitionFactory(name="Fitting", allow_waitlist=True),
        location=LocationFactory(name="Melbourne CBD", timezone="Australia/Melbourne"),
    )


def test_a_waitlist_entry_is_titled_in_words_and_its_events_name_who_did_it(admin_client, entry):
    token, _ = token_issue(name="Booking app", scopes=["admin"])
    WaitlistEvent.objects.create(entry=entry, actor=f"token:{token.pk}", kind="status", to_status="active",
                                 at=datetime(2026, 12, 1, tzinfo=UTC))  # fmt: skip

    page = admin_client.get(f"/admin/appointments/waitlistentry/{entry.pk}/change/").content.decode()

    assert f"Waitlist #{entry.pk}: Olivia Jones for Fitting at Melbourne CBD (active)" in page
    assert "Booking app (API token)" in page
    assert f"token:{token.pk}" not in page


def test_actors_in_words():
    boss = User.objects.create_user("boss", first_name="Bea", last_name="Boss")
    customer = ProfileFactory(first_name="Noah", last_name="Smith")
    token, _ = token_issue(name="Noah's app", kind="customer", profile=customer)

    assert actor_label(f"user:{boss.pk}") == "Bea Boss"
    assert actor_label(f"token:{token.pk}") == "Noah Smith (customer app)"
    assert (actor_label("system"), actor_label("cli:ops")) == ("System", "ops (command line)")
    assert actor_label("user:999999") == "user:999999"  # gone: the record still says who it was


def test_an_anonymous_walk_in_is_titled_in_words():
    entry = QueueEntry(pk=4, definition=DefinitionFactory(name="Repairs"), location=LocationFactory(name="CBD"),
                       status="waiting")  # fmt: skip
    assert str(entry) == "Walk-in #4: an anonymous walk-in for Repairs at CBD (waiting)"
