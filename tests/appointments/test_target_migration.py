"""The migration that turns the definitions' `<event>_target_id` numbers into foreign keys keeps every value."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("appointments", "0004_schedule_version"), ("notifications", "0001_initial")]
AFTER = [("appointments", "0005_notification_targets_as_foreign_keys")]


@pytest.fixture(autouse=True)
def back_to_the_latest_migrations():
    """Leave the schema complete: later tests need the tables of the migrations after AFTER too."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture(autouse=True)
def _back_to_the_latest_schema():
    """Going back to 0004 unapplies every later migration (of any app); the tests that follow need them all."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_target_ids_survive_as_foreign_keys_with_placeholders_for_unknown_ids():
    old = migrate(BEFORE)
    Target = old.get_model("notifications", "Target")
    Definition = old.get_model("appointments", "AppointmentDefinition")
    known = Target.objects.create(name="CRM", handle="crm", channel="webhook", url="https://example.com/hook")
    first = Definition.objects.create(handle="a", name="A", duration_minutes=30, created_target_id=known.pk,
                                      reminder_target_id=known.pk + 40, notify_reminder_offset_hours=24)  # fmt: skip
    second = Definition.objects.create(handle="b", name="B", duration_minutes=30)

    new = migrate(AFTER)

    Definition = new.get_model("appointments", "AppointmentDefinition")
    Target = new.get_model("notifications", "Target")
    row = Definition.objects.get(pk=first.pk)
    assert (row.created_target_id, row.reminder_target_id, row.notify_reminder_offset_hours) == (
        known.pk, known.pk + 40, 24,
    )  # fmt: skip
    placeholder = Target.objects.get(pk=known.pk + 40)
    assert (placeholder.name, placeholder.is_active, placeholder.channel) == (
        f"Imported target {known.pk + 40}", False, "webhook",
    )  # fmt: skip
    assert Definition.objects.get(pk=second.pk).created_target_id is None
    # New targets get fresh ids after the placeholders.
    assert Target.objects.create(name="N", handle="n", channel="email").pk > known.pk + 40
