from django.db import migrations

from surveys.criteria import ensure_default_fields


def load(apps, schema_editor):
    ensure_default_fields(apps.get_model("surveys", "Field"))


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
