"""On PostgreSQL, a GiST index on (definition, location, occupancy range) of holding appointments.

The pooled occupancy read (selectors.fastpath) asks for the range overlapping a window. The B-tree on
(definition, location, occupancy_start, occupancy_end) bounds only `occupancy_start < end of window`, so it walked
every earlier holding appointment of the definition at the location; the range's GiST index bounds both ends
(bench/scaling.py). btree_gist (migration 0003) lets GiST hold the two ids. Other databases keep the B-tree.
"""

from django.db import migrations

INDEX = "appt_holding_def_loc_range"

CREATE = f"""
CREATE INDEX IF NOT EXISTS {INDEX} ON appointments_appointment
    USING gist (definition_id, location_id, tstzrange(occupancy_start, occupancy_end, '[)'))
    WHERE status IN ('requested', 'confirmed', 'arrived');
"""
DROP = f"DROP INDEX IF EXISTS {INDEX};"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("appointments", "0011_calendar_feeds")]

    operations = [migrations.RunPython(forwards, backwards)]
