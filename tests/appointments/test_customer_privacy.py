"""Customer tokens see definitions without staff-only details (docs/decisions.md)."""

import pytest

from tests.factories import DefinitionFactory, DefinitionStaffFactory, ProfileFactory

pytestmark = pytest.mark.django_db


def test_customer_gets_no_internal_notes_or_staff_contact_details(customer, api):
    definition = DefinitionFactory(internal_notes="Upsell the premium package", use_staff_from_location=False)
    DefinitionStaffFactory(
        definition=definition, staff=ProfileFactory(first_name="Ava", email="ava@example.com", mobile_phone="+614111")
    )

    seen_by_customer = customer.get(f"/api/v3/appointment-definitions/{definition.pk}").json()["data"]
    seen_by_staff = api.get(f"/api/v3/appointment-definitions/{definition.pk}").json()["data"]

    assert seen_by_customer["internal_notes"] is None
    assert seen_by_customer["staff"][0]["staff"]["first_name"] == "Ava"
    assert seen_by_customer["staff"][0]["staff"]["email"] is None
    assert seen_by_customer["staff"][0]["staff"]["mobile_phone"] is None
    assert seen_by_staff["internal_notes"] == "Upsell the premium package"
    assert seen_by_staff["staff"][0]["staff"]["email"] == "ava@example.com"
    assert seen_by_staff["staff"][0]["staff"]["mobile_phone"] == "+614111"
