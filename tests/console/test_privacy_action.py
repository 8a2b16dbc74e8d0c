"""The console's "Erase personal data" action: a confirmation page first, Managers only (docs/privacy.md)."""

from __future__ import annotations

import pytest
from django.contrib.admin import helpers

from directory.models import AuditRecord
from tests.console.conftest import console_user
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/directory/profile/"


def action_names(client) -> list[str]:
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    return [name for name, _ in response.context["action_form"].fields["action"].choices]


def test_managers_see_the_action_and_operators_do_not(manager_client, operator_client):
    assert "erase_personal_data" in action_names(manager_client)
    assert "erase_personal_data" not in action_names(operator_client)


def test_the_first_post_only_asks_for_confirmation(manager_client):
    ada = ProfileFactory(first_name="Ada", email="ada@example.com")
    response = manager_client.post(
        CHANGELIST, {"action": "erase_personal_data", helpers.ACTION_CHECKBOX_NAME: [str(ada.pk)], "index": 0}
    )

    assert response.status_code == 200
    assert response.template_name == "admin/directory/profile/erase_confirmation.html"
    assert [p.pk for p in response.context["profiles"]] == [ada.pk]
    ada.refresh_from_db()
    assert ada.email == "ada@example.com"
    assert AuditRecord.objects.count() == 0


def test_confirming_erases_and_audits_as_the_manager(login):
    manager = console_user("mia", "Manager")
    ada, bob = ProfileFactory(email="ada@example.com"), ProfileFactory(email="bob@example.com")
    response = login(manager).post(
        CHANGELIST,
        {"action": "erase_personal_data", helpers.ACTION_CHECKBOX_NAME: [str(ada.pk)], "confirm": "erase-confirmed"},
    )

    assert (response.status_code, response["Location"]) == (302, CHANGELIST)
    ada.refresh_from_db()
    bob.refresh_from_db()
    assert (ada.email, bob.email) == ("", "bob@example.com")
    assert list(AuditRecord.objects.values_list("action", "actor", "subject_id")) == [
        ("profile.erase", f"user:{manager.pk}", str(ada.pk))
    ]


def test_an_operator_posting_the_action_directly_erases_nothing(operator_client):
    ada = ProfileFactory(email="ada@example.com")
    response = operator_client.post(
        CHANGELIST,
        {"action": "erase_personal_data", helpers.ACTION_CHECKBOX_NAME: [str(ada.pk)], "confirm": "erase-confirmed"},
    )

    assert response.status_code == 302
    ada.refresh_from_db()
    assert ada.email == "ada@example.com"
    assert AuditRecord.objects.count() == 0


def test_audit_records_are_read_only_for_managers_and_hidden_from_operators(manager_client, operator_client):
    assert manager_client.get("/admin/directory/auditrecord/").status_code == 200
    assert manager_client.get("/admin/directory/auditrecord/add/").status_code == 403
    assert operator_client.get("/admin/directory/auditrecord/").status_code == 403
