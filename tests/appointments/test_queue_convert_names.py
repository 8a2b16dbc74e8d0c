"""Naming the customer of a walk-in (issue 19 finding 2): convert and PUT take `profile_id`, never drop it silently.

An anonymous walk-in is served; the customer gives their name at the counter, and the entry, then the appointment,
record who it was. Naming someone other than the entry already names is a 422.
"""

from __future__ import annotations

import pytest

from appointments.models import QueueEntry
from tests.factories import DefinitionFactory, DefinitionLocationFactory, LocationFactory, ProfileFactory

pytestmark = pytest.mark.django_db

Q = "/api/v3/appointment-queues"


@pytest.fixture
def served(api):
    """Serve a walk-in through the API: anonymous unless a profile is given."""
    location = LocationFactory(timezone="Australia/Melbourne")
    definition = DefinitionFactory(allow_walk_in=True, allow_queue=True, duration_minutes=20)
    DefinitionLocationFactory(definition=definition, location=location)

    def serve(profile=None) -> int:
        body = {"appointment_definition_id": definition.pk, "location_id": location.pk}
        if profile is not None:
            body["profile_id"] = str(profile.pk)
        entry = api.post(Q, body, format="json").json()["data"]["id"]
        for status in ("called", "served"):
            assert api.put(f"{Q}/{entry}", {"status": status}, format="json").status_code == 200
        return entry

    return serve


def error(response, status: int, message: str) -> None:
    assert response.status_code == status, response.json()
    assert response.json() == {"message": message, "code": "validation_error", "errors": {"profile_id": [message]}}


def test_an_anonymous_walk_in_is_converted_once_the_customer_is_named(api, served):
    entry = served()
    customer = ProfileFactory(first_name="Noah")

    unnamed = api.post(f"{Q}/{entry}/convert")
    error(unnamed, 422, "An anonymous walk-in becomes an appointment only once you name the customer (profile_id).")

    converted = api.post(f"{Q}/{entry}/convert", {"profile_id": str(customer.pk)}, format="json")

    assert converted.status_code == 201, converted.json()
    appointment = converted.json()["data"]
    assert (appointment["status"], appointment["profile_id"]) == ("completed", str(customer.pk))
    assert QueueEntry.objects.get(pk=entry).profile_id == customer.pk
    assert api.get(f"{Q}/{entry}").json()["data"]["profile_id"] == str(customer.pk)


def test_convert_refuses_another_person_or_an_unknown_profile(api, served):
    known = ProfileFactory()
    entry = served(known)

    other = api.post(f"{Q}/{entry}/convert", {"profile_id": str(ProfileFactory().pk)}, format="json")
    error(other, 422, "This queue entry already belongs to another customer.")
    unknown = api.post(f"{Q}/{served()}/convert", {"profile_id": "0f0f0f0f-0000-4000-8000-000000000000"},
                       format="json")  # fmt: skip
    error(unknown, 422, "No profile with this id.")
    assert QueueEntry.objects.get(pk=entry).appointment_id is None

    same = api.post(f"{Q}/{entry}/convert", {"profile_id": str(known.pk)}, format="json")
    assert same.status_code == 201 and same.json()["data"]["profile_id"] == str(known.pk)


def test_put_names_an_anonymous_entry_and_refuses_another_person(api, served):
    entry = served()
    customer = ProfileFactory()

    named = api.put(f"{Q}/{entry}", {"profile_id": str(customer.pk)}, format="json")

    assert named.status_code == 200, named.json()
    assert named.json()["data"]["profile_id"] == str(customer.pk)
    error(api.put(f"{Q}/{entry}", {"profile_id": str(ProfileFactory().pk)}, format="json"), 422,
          "This queue entry already belongs to another customer.")  # fmt: skip
    assert QueueEntry.objects.get(pk=entry).profile_id == customer.pk


def test_a_customer_cannot_name_a_queue_entry(make_customer_client):
    customer = make_customer_client()
    location = LocationFactory()
    definition = DefinitionFactory(allow_walk_in=True, allow_queue=True, is_published=True)
    DefinitionLocationFactory(definition=definition, location=location)
    joined = customer.post(Q, {"appointment_definition_id": definition.pk, "location_id": location.pk},
                           format="json")  # fmt: skip
    assert joined.status_code == 201, joined.json()

    response = customer.put(f"{Q}/{joined.json()['data']['id']}", {"profile_id": str(ProfileFactory().pk)},
                            format="json")  # fmt: skip

    assert response.status_code == 403
