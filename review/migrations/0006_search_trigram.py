"""The staff search: pg_trgm and trigram GIN indexes on the searched columns (PostgreSQL only)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = [
    ("search_survey_trgm", "surveys_survey", ["title", "code"]),
    ("search_application_trgm", "surveys_application", ["title", "receipt_number"]),
    ("search_organization_trgm", "portal_organization", ["name"]),
    ("search_candidate_trgm", "surveys_candidate", ["title", "number"]),
    ("search_notice_trgm", "review_notice", ["title", "number"]),
    ("search_registerentry_trgm", "review_registerentry", ["title", "number"]),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, columns in INDEXES:
        ops = ", ".join(f'UPPER("{column}") gin_trgm_ops' for column in columns)
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({ops})')


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _columns in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0005_stored_scores"),
        ("surveys", "0013_application_fewer_indexes"),
        ("portal", "0003_observer_role"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create, drop),
    ]
