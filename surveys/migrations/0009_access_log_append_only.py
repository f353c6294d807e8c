"""On PostgreSQL, access events are never updated, and deleted only once older than the two-year minimum."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION surveys_access_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.at < now() - interval '730 days' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'rows of % are append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    schema_editor.execute(
        "CREATE TRIGGER surveys_accessevent_append_only BEFORE UPDATE OR DELETE ON surveys_accessevent "
        "FOR EACH ROW EXECUTE FUNCTION surveys_access_guard()",
        params=None,
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP TRIGGER IF EXISTS surveys_accessevent_append_only ON surveys_accessevent", params=None)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0008_access_log")]

    operations = [migrations.RunPython(forwards, backwards)]
