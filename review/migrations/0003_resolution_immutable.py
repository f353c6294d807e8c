"""On PostgreSQL, a resolution of a closed meeting can be neither changed nor deleted."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION review_resolution_guard() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM review_nationalmeeting WHERE id = OLD.meeting_id AND closed_at IS NOT NULL) THEN
        RAISE EXCEPTION 'resolutions of a closed meeting are immutable' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    schema_editor.execute(
        "CREATE TRIGGER review_resolution_immutable BEFORE UPDATE OR DELETE "
        "ON review_resolution FOR EACH ROW EXECUTE FUNCTION review_resolution_guard()",
        params=None,
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP TRIGGER IF EXISTS review_resolution_immutable ON review_resolution", params=None)


class Migration(migrations.Migration):
    dependencies = [("review", "0002_committee_and_notice")]

    operations = [migrations.RunPython(forwards, backwards)]
