"""Roles hold least-privilege permissions; an operator limited to some locations sees and acts on those only."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from appointments.enums import AppointmentStatus
from appointments.models import Appointment
from directory.roles import MANAGER, OPERATOR
from tests.console.conftest import console_user
from tests.factories import AppointmentFactory, DefinitionFactory, DefinitionLocationFactory, LocationFactory

pytestmark = pytest.mark.django_db

START = datetime(2026, 12, 1, 22, 0, tzinfo=UTC)


def codenames(role: str) -> set[str]:
    group = Group.objects.get(name=role)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_the_operator_role_holds_exactly_the_front_desk_permissions():
    assert codenames(OPERATOR) == {
        "appointments.view_appointment", "appointments.add_appointment", "appointments.change_appointment",
        "appointments.view_appointmentevent",
        "directory.view_profile", "directory.add_profile", "directory.change_profile",
        "directory.view_location",
        "appointments.view_queueentry", "appointments.add_queueentry", "appointments.change_queueentry",
        "appointments.view_queueevent",
        "appointments.view_waitlistentry", "appointments.add_waitlistentry", "appointments.change_waitlistentry",
        "appointments.view_waitlistoffer", "appointments.view_waitlistevent",
        "visits.view_visit", "visits.add_visit", "visits.change_visit",
        "notifications.view_notification", "notifications.view_deliveryattempt",
        "questionnaires.view_submission", "questionnaires.view_answer", "questionnaires.view_rating",
    }  # fmt: skip


def test_the_manager_role_covers_setup_and_deleting_but_not_users_or_periodic_tasks():
    perms = codenames(MANAGER)
    for codename in ("appointments.change_appointmentdefinition", "appointments.delete_appointment",
                     "directory.change_locationnormalhour", "directory.add_apitoken", "directory.delete_profile"):  # fmt: skip
        assert codename in perms
    assert not {p for p in perms if p.startswith(("auth.", "django_celery_beat."))}


@pytest.mark.parametrize(
    "url_name",
    ["admin:appointments_appointmentdefinition_changelist", "admin:directory_apitoken_changelist",
     "admin:directory_apitoken_add", "admin:django_celery_beat_periodictask_changelist", "admin:auth_user_changelist"],
)  # fmt: skip
def test_an_operator_cannot_open_setup_pages(operator_client, url_name):
    assert operator_client.get(reverse(url_name)).status_code == 403


@pytest.mark.parametrize(
    "url_name",
    ["admin:index", "admin:appointments_appointment_changelist", "admin:appointments_appointment_day",
     "admin:appointments_appointment_book", "admin:directory_profile_changelist"],
)  # fmt: skip
def test_an_operator_opens_the_front_desk_pages(operator_client, url_name):
    assert operator_client.get(reverse(url_name)).status_code == 200


@pytest.mark.parametrize(
    "url_name", ["admin:appointments_appointmentdefinition_changelist", "admin:directory_apitoken_changelist"]
)
def test_a_manager_opens_setup_pages(manager_client, url_name):
    assert manager_client.get(reverse(url_name)).status_code == 200


def test_the_sidebar_shows_an_operator_no_setup_links(operator_client, manager_client):
    operator_page = operator_client.get(reverse("admin:index")).content.decode()
    manager_page = manager_client.get(reverse("admin:index")).content.decode()
    definitions = reverse("admin:appointments_appointmentdefinition_changelist")
    assert definitions not in operator_page
    assert definitions in manager_page


@pytest.fixture
def two_locations():
    mine = LocationFactory(name="Melbourne CBD", timezone="Australia/Melbourne")
    theirs = LocationFactory(name="London Covent Garden", timezone="Europe/London")
    definition = DefinitionFactory(name="Fitting")
    for location in (mine, theirs):
        DefinitionLocationFactory(definition=definition, location=location)
    return mine, theirs, definition


def test_a_limited_operator_sees_and_acts_on_their_locations_only(login, two_locations):
    mine, theirs, definition = two_locations
    own = AppointmentFactory(definition=definition, location=mine, scheduled_start_at=START)
    other = AppointmentFactory(definition=definition, location=theirs, scheduled_start_at=START)
    client = login(console_user("olive", OPERATOR, locations=[mine]))

    listing = client.get(reverse("admin:appointments_appointment_changelist"))
    assert [row.pk for row in listing.context["cl"].result_list] == [own.pk]
    assert client.get(reverse("admin:appointments_appointment_change", args=[other.pk])).status_code == 302
    assert client.get(reverse("admin:directory_location_change", args=[theirs.pk])).status_code == 302
    locations = client.get(reverse("admin:directory_location_changelist")).context["cl"].result_list
    assert [location.pk for location in locations] == [mine.pk]

    moved = client.post(reverse("admin:appointments_appointment_move", args=[other.pk]), {"to": "cancelled"})
    assert moved.status_code == 404
    assert Appointment.objects.get(pk=other.pk).status == AppointmentStatus.CONFIRMED

    dashboard = client.get(reverse("admin:index"))
    assert [panel["location"].pk for panel in dashboard.context["console_panels"]] == [mine.pk]
    day = client.get(reverse("admin:appointments_appointment_day"), {"location": theirs.pk})
    assert day.context["location"] == mine
    book = client.get(reverse("admin:appointments_appointment_book"))
    assert list(book.context["search"].fields["location"].queryset) == [mine]


def test_an_unlimited_operator_and_a_superuser_see_every_location(login, two_locations, django_user_model):
    mine, theirs, definition = two_locations
    for location in (mine, theirs):
        AppointmentFactory(definition=definition, location=location, scheduled_start_at=START)
    boss = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw")
    for user in (console_user("olive", OPERATOR), boss):
        listing = login(user).get(reverse("admin:appointments_appointment_changelist"))
        assert listing.context["cl"].result_count == 2


def test_roles_are_resynced_by_migrate_after_a_permission_is_removed(db):
    from django.core.management import call_command

    group = Group.objects.get(name=OPERATOR)
    group.permissions.clear()
    call_command("migrate", verbosity=0)
    assert "appointments.view_appointment" in codenames(OPERATOR)
