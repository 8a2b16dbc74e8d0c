"""factory-boy factories for every model the tests build."""

from __future__ import annotations

from datetime import time

import factory

from directory.enums import AssignmentType, DayOfWeek
from directory.models import (
    Location,
    LocationNormalHour,
    LocationSpecialHour,
    Profile,
    ProfileNormalHour,
    ProfileSpecialHour,
    StaffAssignment,
)


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    handle = factory.Sequence(lambda n: f"location-{n}")
    name = factory.Sequence(lambda n: f"Location {n}")
    timezone = "Australia/Melbourne"
    phone = "+61 3 9000 0000"
    is_published = True


class LocationNormalHourFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocationNormalHour

    location = factory.SubFactory(LocationFactory)
    day_of_week = DayOfWeek.MON
    open_at = time(9, 0)
    close_at = time(17, 0)


class LocationSpecialHourFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocationSpecialHour

    location = factory.SubFactory(LocationFactory)
    name = "Public holiday"
    start_at = factory.Faker("date_object")
    end_at = factory.SelfAttribute("start_at")
    is_repeating = False
    open_at = None
    close_at = None


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"person{n}@example.com")
    mobile_phone = "+61400000000"


class ProfileNormalHourFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProfileNormalHour

    profile = factory.SubFactory(ProfileFactory)
    day_of_week = DayOfWeek.MON
    available_from = time(9, 0)
    available_until = time(17, 0)


class ProfileSpecialHourFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProfileSpecialHour

    profile = factory.SubFactory(ProfileFactory)
    name = "Leave"
    start_at = factory.Faker("date_object")
    end_at = factory.SelfAttribute("start_at")
    is_repeating = False
    available_from = None
    available_until = None


class StaffAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffAssignment

    location = factory.SubFactory(LocationFactory)
    profile = factory.SubFactory(ProfileFactory)
    assignment_type = AssignmentType.STAFF
    is_active = True
