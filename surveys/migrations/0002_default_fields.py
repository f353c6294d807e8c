from django.db import migrations

from surveys.criteria import DEFAULT_FIELDS


def load(apps, schema_editor):
    Field = apps.get_model("surveys", "Field")
    for order, (code, name, name_en, children) in enumerate(DEFAULT_FIELDS):
        parent, _ = Field.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en, "order": order})
        for child_order, (child_code, child_name, child_name_en) in enumerate(children):
            Field.objects.get_or_create(
                code=child_code,
                defaults={"name": child_name, "name_en": child_name_en, "parent": parent, "order": child_order},
            )


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
