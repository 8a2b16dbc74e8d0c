"""Profiles and locations with appointments are kept: deleting them is a 409 and nothing is removed."""

import pytest

from appointments.models import Appointment
from directory.models import Location, Profile
from tests.factories import AppointmentFactory

pytestmark = pytest.mark.django_db


def test_deleting_a_location_with_appointments_is_409_in_use(api):
    appointment = AppointmentFactory()

    response = api.delete(f"/api/v3/locations/{appointment.location_id}")

    assert response.status_code == 409
    assert response.json() == {
        "message": "This record is still in use and cannot be deleted.",
        "code": "in_use",
        "errors": {},
    }
    assert Location.objects.filter(pk=appointment.location_id).exists()
    assert Appointment.objects.filter(pk=appointment.pk).exists()


@pytest.mark.parametrize("role", ["profile", "assigned_staff"])
def test_deleting_a_profile_with_appointments_is_409_in_use(api, role):
    appointment = AppointmentFactory(
        **({"assigned_staff": AppointmentFactory().profile} if role == "assigned_staff" else {})
    )
    profile_id = getattr(appointment, f"{role}_id")

    response = api.delete(f"/api/v3/profiles/{profile_id}")

    assert response.status_code == 409
    assert response.json()["code"] == "in_use"
    assert Profile.objects.filter(pk=profile_id).exists()
