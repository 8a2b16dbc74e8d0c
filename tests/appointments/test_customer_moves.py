"""A staff-only move by a customer is a 403 whatever the appointment's status (docs/decisions.md)."""

import pytest

from appointments.enums import AppointmentStatus
from tests.factories import AppointmentFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("to", ["rejected", "confirmed", "no_show"])
def test_customer_gets_403_for_staff_moves_even_when_the_move_is_not_allowed(customer, to):
    appointment = AppointmentFactory(profile=customer.profile, status=AppointmentStatus.COMPLETED)

    response = customer.put(f"/api/v3/appointments/{appointment.pk}", {"status": to}, format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.COMPLETED
