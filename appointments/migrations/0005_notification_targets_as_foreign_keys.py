"""The definitions' `<event>_target_id` numbers become foreign keys to notifications.Target, keeping every value.

Ids written before Targets existed point at nothing: each such id gets an inactive placeholder Target with that id
(named so an operator can find and fix it), so no value is lost and the foreign keys hold.
"""

import django.db.models.deletion
from django.db import migrations, models

EVENTS = ("created", "confirmed", "cancelled", "rejected", "completed", "reminder")


def copy_targets(apps, schema_editor):
    Definition = apps.get_model("appointments", "AppointmentDefinition")
    Target = apps.get_model("notifications", "Target")
    for event in EVENTS:
        for definition_id, target_id in Definition.objects.exclude(**{f"{event}_target_id": None}).values_list(
            "id", f"{event}_target_id"
        ):
            if not Target.objects.filter(pk=target_id).exists():
                Target.objects.create(
                    pk=target_id, name=f"Imported target {target_id}", handle=f"imported-target-{target_id}",
                    channel="webhook", is_active=False,
                )
            Definition.objects.filter(pk=definition_id).update(**{f"{event}_target_new": target_id})


def copy_back(apps, schema_editor):
    Definition = apps.get_model("appointments", "AppointmentDefinition")
    for event in EVENTS:
        for definition_id, target_id in Definition.objects.exclude(**{f"{event}_target_new": None}).values_list(
            "id", f"{event}_target_new"
        ):
            Definition.objects.filter(pk=definition_id).update(**{f"{event}_target_id": target_id})


def _reset_sequence(apps, schema_editor):
    # Placeholders were inserted with explicit ids; PostgreSQL's sequence must move past them.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "SELECT setval(pg_get_serial_sequence('notifications_target', 'id'), "
            "COALESCE((SELECT MAX(id) FROM notifications_target), 0) + 1, false)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("appointments", "0004_schedule_version"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        *[
            migrations.AddField(
                model_name="appointmentdefinition",
                name=f"{event}_target_new",
                field=models.ForeignKey(
                    blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                    to="notifications.target",
                ),
            )
            for event in EVENTS
        ],
        migrations.RunPython(copy_targets, copy_back),
        migrations.RunPython(_reset_sequence, migrations.RunPython.noop),
        *[migrations.RemoveField(model_name="appointmentdefinition", name=f"{event}_target_id") for event in EVENTS],
        *[
            migrations.RenameField(
                model_name="appointmentdefinition", old_name=f"{event}_target_new", new_name=f"{event}_target"
            )
            for event in EVENTS
        ],
    ]
