from __future__ import annotations

from datetime import UTC

import factory

from tests.factories import LocationFactory


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "visits.Visit"

    location = factory.SubFactory(LocationFactory)
    visited_at = factory.Faker("date_time", tzinfo=UTC)
    timezone = factory.LazyAttribute(lambda o: o.location.timezone)
    source = "manual"
