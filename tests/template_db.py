"""The fast lane's test database: cloned from a migrated PostgreSQL template instead of migrated each run.

Migrating a new test database replays every migration (about fifteen seconds a worker, most of it Django rendering
model states). ``make test-fast`` sets ``TEST_DB_TEMPLATE=1``, and ``tests/conftest.py`` then uses the
``django_db_setup`` below: the first run migrates as usual and keeps a copy of the fresh database as a template
named after a digest of every migration file and the Django version; later runs create each worker's database
from it with ``CREATE DATABASE … TEMPLATE …``, which takes a second. A changed migration gives a new digest, so a
stale schema is never reused, and the older templates of the same database are dropped when a new one is made.
``make test`` (and so CI) always migrates from scratch.
"""

import hashlib
import os
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def migrations_digest(root: Path = ROOT) -> str:
    """A digest of every migration file of the project and the Django version."""
    import django

    digest = hashlib.sha256(django.get_version().encode())
    for path in sorted(root.glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def template_name(test_name: str, worker: str | None, digest: str) -> str:
    """The template shared by every worker: the test database's name without the worker's suffix."""
    base = test_name.removesuffix(f"_{worker}") if worker else test_name
    return f"{base}_tpl_{digest}"


@contextmanager
def _maintenance(settings_dict):
    """An autocommit connection to the server's ``postgres`` database, for creating and dropping databases."""
    import psycopg2

    connection = psycopg2.connect(
        dbname="postgres",
        user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
        host=settings_dict.get("HOST") or None,
        port=settings_dict.get("PORT") or None,
    )
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            yield cursor
    finally:
        connection.close()


def _exists(cursor, name: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    return cursor.fetchone() is not None


def _make_template(cursor, test_name: str, template: str) -> None:
    """Keep the freshly migrated database as the template, and drop the older templates of this database."""
    from django.db import connections

    connections.close_all()  # a template must have no other session open on it while it is copied
    cursor.execute(f'CREATE DATABASE "{template}" TEMPLATE "{test_name}"')
    prefix = template.rsplit("_tpl_", 1)[0] + "_tpl_"
    cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s AND datname <> %s", [f"{prefix}%", template])
    for (old,) in cursor.fetchall():
        cursor.execute(f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)')


def _clone(cursor, test_name: str, template: str) -> None:
    """The worker's database, copied from the template, and Django pointed at it as ``create_test_db`` would."""
    from django.conf import settings
    from django.db import connection

    cursor.execute(f'DROP DATABASE IF EXISTS "{test_name}" WITH (FORCE)')
    cursor.execute(f'CREATE DATABASE "{test_name}" TEMPLATE "{template}"')
    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = test_name
    connection.settings_dict["NAME"] = test_name
    connection.ensure_connection()


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_modify_db_settings):
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    verbosity = request.config.option.verbose
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            config = setup_databases(verbosity=verbosity, interactive=False)
        else:
            old_name = connection.settings_dict["NAME"]
            test_name = connection.creation._get_test_db_name()
            template = template_name(test_name, os.environ.get("PYTEST_XDIST_WORKER"), migrations_digest())
            with _maintenance(connection.settings_dict) as cursor:
                # one worker builds the template while the others wait for it, then each clones it
                cursor.execute("SELECT pg_advisory_lock(hashtext(%s))", [template])
                try:
                    if _exists(cursor, template):
                        _clone(cursor, test_name, template)
                        config = [(connection, old_name, True)]
                    else:
                        config = setup_databases(verbosity=verbosity, interactive=False, aliases={connection.alias})
                        _make_template(cursor, test_name, template)
                        connection.ensure_connection()
                finally:
                    cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", [template])
    yield
    with django_db_blocker.unblock():
        teardown_databases(config, verbosity=verbosity)
