"""The site-wide world, built once for all the site tests inside a transaction that each test's own savepoint rolls
back to."""

import shutil

import pytest
from django.db import transaction
from django.test import override_settings

from tests.shared_world import storage_settings, world_settings
from tests.site.world import build_world


@pytest.fixture(scope="package")
def site_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world of ``tests.site.world``; what a test changes is undone after it, the world after the last site test."""
    from surveys.criteria import ensure_default_fields
    from surveys.models import Field

    media = tmp_path_factory.mktemp("site-media")
    with django_db_blocker.unblock(), override_settings(**world_settings(media)):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            ensure_default_fields(Field)
            world = build_world()
            world.media = media
            yield world
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def world(site_world, db, settings, tmp_path):
    """The site world for one test, with a fresh copy of its files (a test may delete some)."""
    media = tmp_path / "site-media"
    shutil.copytree(site_world.media, media)
    for name, value in storage_settings(media).items():
        setattr(settings, name, value)
    return site_world
