"""On PostgreSQL, a submitted version's snapshot can never change; its PDF is filled in once."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION surveys_version_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'submitted versions are immutable' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.answers IS DISTINCT FROM OLD.answers
       OR NEW.attachments IS DISTINCT FROM OLD.attachments
       OR NEW.number IS DISTINCT FROM OLD.number
       OR NEW.application_id IS DISTINCT FROM OLD.application_id
       OR NEW.title IS DISTINCT FROM OLD.title
       OR NEW.receipt_number IS DISTINCT FROM OLD.receipt_number
       OR NEW.submitted_by_id IS DISTINCT FROM OLD.submitted_by_id
       OR NEW.submitted_at IS DISTINCT FROM OLD.submitted_at
       OR (OLD.pdf <> '' AND NEW.pdf IS DISTINCT FROM OLD.pdf)
       OR (OLD.pdf_sha256 <> '' AND NEW.pdf_sha256 IS DISTINCT FROM OLD.pdf_sha256) THEN
        RAISE EXCEPTION 'submitted versions are immutable' USING ERRCODE = 'insufficient_privilege';
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
        "CREATE TRIGGER surveys_applicationversion_immutable BEFORE UPDATE OR DELETE "
        "ON surveys_applicationversion FOR EACH ROW EXECUTE FUNCTION surveys_version_guard()",
        params=None,
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "DROP TRIGGER IF EXISTS surveys_applicationversion_immutable ON surveys_applicationversion", params=None
    )


class Migration(migrations.Migration):
    dependencies = [("surveys", "0003_applications")]

    operations = [migrations.RunPython(forwards, backwards)]
