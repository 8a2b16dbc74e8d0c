"""The admission rule (appointments/admission.py): one rule read two ways, in Python and in SQL, that agree.

Every combination of the fields the rule reads is stored once; for each purpose and kind of caller, the
definitions `admitted` keeps are exactly those `definition_admits` lets through, and the first refusal is the
one the services have always given.
"""

from __future__ import annotations

from itertools import product

import pytest

from appointments.admission import (
    ARCHIVED,
    MISSING,
    NO_QUEUE,
    NO_WAITLIST,
    NOT_FOR_CUSTOMERS,
    UNPUBLISHED,
    WALK_IN_ONLY,
    Purpose,
    admitted,
    definition_admits,
)
from appointments.models import AppointmentDefinition, WaitlistEntry
from appointments.selectors import definitions_for_customers
from tests.factories import DefinitionFactory, LocationFactory, ProfileFactory

pytestmark = pytest.mark.django_db

FLAGS = ("is_archived", "is_published", "allow_customer_booking", "allow_waitlist", "allow_walk_in", "allow_queue")


@pytest.fixture
def every_definition():
    """One definition per combination of the flags and of walk-in-only or not (128 rows)."""
    made = []
    for values in product((False, True), repeat=len(FLAGS) + 1):
        *flags, walk_in_only = values
        made.append(
            DefinitionFactory(
                booking_type="walk_in_only" if walk_in_only else "instant", **dict(zip(FLAGS, flags, strict=True))
            )
        )
    return made


@pytest.mark.parametrize("purpose", list(Purpose))
@pytest.mark.parametrize("customer", [False, True])
def test_the_sql_reading_keeps_exactly_what_the_python_reading_admits(every_definition, purpose, customer):
    expected = {d.pk for d in every_definition if definition_admits(d, purpose, customer=customer) is None}
    kept = set(admitted(AppointmentDefinition.objects.all(), purpose, customer=customer).values_list("pk", flat=True))

    assert kept == expected
    assert 0 < len(kept) < len(every_definition)


def test_through_a_relation_too(every_definition):
    location, profile = LocationFactory(), ProfileFactory()
    for definition in every_definition:
        WaitlistEntry.objects.create(definition=definition, location=location, profile=profile)
    expected = {d.pk for d in every_definition if definition_admits(d, Purpose.WAITLIST, customer=False) is None}

    kept = admitted(WaitlistEntry.objects.all(), Purpose.WAITLIST, customer=False, prefix="definition__")

    assert set(kept.values_list("definition_id", flat=True)) == expected


def test_customers_see_published_definitions_that_are_not_archived(every_definition):
    expected = {d.pk for d in every_definition if d.is_published and not d.is_archived}

    assert set(definitions_for_customers().values_list("pk", flat=True)) == expected


def rules(**fields) -> AppointmentDefinition:
    """An unsaved definition that takes everything, with `fields` changed."""
    base = dict(booking_type="instant", is_archived=False, is_published=True, allow_customer_booking=True,
                allow_waitlist=True, allow_walk_in=True, allow_queue=True)  # fmt: skip
    return AppointmentDefinition(**{**base, **fields})


@pytest.mark.parametrize(
    ("purpose", "fields", "customer", "refusal"),
    [
        (Purpose.BOOK, {}, True, None),
        (Purpose.BOOK, {"is_archived": True, "booking_type": "walk_in_only"}, False, ARCHIVED),
        (Purpose.BOOK, {"booking_type": "walk_in_only", "is_published": False}, True, WALK_IN_ONLY),
        (Purpose.BOOK, {"is_published": False}, False, None),
        (Purpose.BOOK, {"is_published": False}, True, NOT_FOR_CUSTOMERS),
        (Purpose.BOOK, {"allow_customer_booking": False}, True, NOT_FOR_CUSTOMERS),
        (Purpose.WAITLIST, {"allow_waitlist": False}, False, NO_WAITLIST),
        (Purpose.WAITLIST, {"is_published": False}, False, None),
        (Purpose.WAITLIST, {"is_published": False}, True, NO_WAITLIST),
        (Purpose.WAITLIST, {"booking_type": "walk_in_only"}, True, None),
        (Purpose.QUEUE, {"allow_queue": False}, False, NO_QUEUE),
        (Purpose.QUEUE, {"allow_walk_in": False}, False, NO_QUEUE),
        (Purpose.QUEUE, {"is_published": False}, True, NO_QUEUE),
        (Purpose.QUEUE, {"is_archived": True, "allow_queue": False}, False, ARCHIVED),
        (Purpose.SEE, {"is_published": False}, False, None),
        (Purpose.SEE, {"is_published": False}, True, UNPUBLISHED),
    ],
)
def test_the_first_refusal_in_the_rules_order(purpose, fields, customer, refusal):
    assert definition_admits(rules(**fields), purpose, customer=customer) == refusal


def test_a_missing_definition_is_refused_for_every_purpose():
    assert {definition_admits(None, purpose, customer=False) for purpose in Purpose} == {MISSING}
    assert MISSING.message == "The appointment definition does not exist."
    assert MISSING.error().errors == {"appointment_definition_id": ["The appointment definition does not exist."]}
