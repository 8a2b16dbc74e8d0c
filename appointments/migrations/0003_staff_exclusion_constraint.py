"""On PostgreSQL, make double-booking a staff member impossible even for writes that bypass the service.

EXCLUDE USING gist over (assigned staff =, occupancy range &&) for holding statuses. Other databases rely on the
booking service's serialised check-then-insert (SQLite serialises every write transaction anyway).
"""

from django.db import migrations

CONSTRAINT = "appointment_staff_no_overlap"

CREATE = f"""
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE appointments_appointment ADD CONSTRAINT {CONSTRAINT}
    EXCLUDE USING gist (
        assigned_staff_id WITH =,
        tstzrange(occupancy_start, occupancy_end, '[)') WITH &&
    )
    WHERE (assigned_staff_id IS NOT NULL AND status IN ('requested', 'confirmed', 'arrived'));
"""
DROP = f"ALTER TABLE appointments_appointment DROP CONSTRAINT IF EXISTS {CONSTRAINT};"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("appointments", "0002_events_links_idempotency")]

    operations = [migrations.RunPython(forwards, backwards)]
