"""On PostgreSQL, a GiST index on (definition, location, occupancy range) of holding appointments.

The pooled occupancy read (selectors.fastpath) asks for the range overlapping a window. The B-tree on
(definition, location, occupancy_start, occupancy_end) bounds only `occupancy_start < end of window`, so it walked
every earlier holding appointment of the definition at the location; the range's GiST index bounds both ends
(bench/scaling.py). btree_gist (migration 0003) lets GiST hold the two ids. Other databases keep the B-tree.

Built CONCURRENTLY, outside a transaction, so bookings go on while a large table is indexed. A build that was
interrupted leaves an invalid index behind; running the migration again drops it and builds it afresh.
"""

from django.db import migrations

INDEX = "appt_holding_def_loc_range"

CREATE = f"""
CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON appointments_appointment
    USING gist (definition_id, location_id, tstzrange(occupancy_start, occupancy_end, '[)'))
    WHERE status IN ('requested', 'confirmed', 'arrived')
"""
INVALID = """
SELECT 1 FROM pg_index JOIN pg_class ON pg_class.oid = pg_index.indexrelid
WHERE pg_class.relname = %s AND NOT pg_index.indisvalid
"""
DROP = f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(INVALID, [INDEX])
        if cursor.fetchone():
            cursor.execute(DROP)
        cursor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(DROP)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [("appointments", "0011_calendar_feeds")]

    operations = [migrations.RunPython(forwards, backwards)]
