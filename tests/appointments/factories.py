"""Factories for waitlist and queue entries (the shared ones live in tests/factories.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import factory

from tests.factories import DefinitionFactory, LocationFactory, ProfileFactory


class WaitlistEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "appointments.WaitlistEntry"

    definition = factory.SubFactory(DefinitionFactory, allow_waitlist=True)
    profile = factory.SubFactory(ProfileFactory)
    location = factory.SubFactory(LocationFactory)
    status = "active"


class QueueEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "appointments.QueueEntry"

    definition = factory.SubFactory(DefinitionFactory, allow_walk_in=True, allow_queue=True)
    location = factory.SubFactory(LocationFactory)
    status = "waiting"
    created_at = factory.LazyFunction(lambda: datetime.now(UTC))
