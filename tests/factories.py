"""factory-boy factories for every model the tests build."""

from __future__ import annotations

from datetime import UTC, time, timedelta

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


# Appointments ----------------------------------------------------------------------------------------------


class DefinitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "appointments.AppointmentDefinition"

    handle = factory.Sequence(lambda n: f"service-{n}")
    name = factory.Sequence(lambda n: f"Service {n}")
    duration_minutes = 30
    booking_type = "instant"
    is_published = True


class DefinitionNormalHourFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "appointments.DefinitionNormalHour"

    definition = factory.SubFactory(DefinitionFactory)
    day_of_week = DayOfWeek.MON
    available_from = time(9, 0)
    available_until = time(17, 0)


class DefinitionSpecialHourFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "appointments.DefinitionSpecialHour"

    definition = factory.SubFactory(DefinitionFactory)
    name = "Closed"
    start_at = factory.Faker("date_object")
    end_at = factory.SelfAttribute("start_at")
    available_from = None
    available_until = None


class DefinitionLocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "appointments.DefinitionLocation"

    definition = factory.SubFactory(DefinitionFactory)
    location = factory.SubFactory(LocationFactory)
    is_active = True


class DefinitionStaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "appointments.DefinitionStaff"

    definition = factory.SubFactory(DefinitionFactory)
    staff = factory.SubFactory(ProfileFactory)
    is_active = True


class AppointmentFactory(factory.django.DjangoModelFactory):
    """An appointment written directly (bypassing booking); occupancy follows the definition's buffers."""

    class Meta:
        model = "appointments.Appointment"

    definition = factory.SubFactory(DefinitionFactory)
    profile = factory.SubFactory(ProfileFactory)
    location = factory.SubFactory(LocationFactory)
    status = "confirmed"
    scheduled_start_at = factory.Faker("date_time", tzinfo=UTC)
    scheduled_end_at = factory.LazyAttribute(
        lambda o: o.scheduled_start_at + timedelta(minutes=o.definition.duration_minutes)
    )
    timezone = factory.LazyAttribute(lambda o: o.location.timezone)
    occupancy_start = factory.LazyAttribute(
        lambda o: o.scheduled_start_at - timedelta(minutes=o.definition.buffer_before_minutes)
    )
    occupancy_end = factory.LazyAttribute(
        lambda o: o.scheduled_end_at + timedelta(minutes=o.definition.buffer_after_minutes)
    )
