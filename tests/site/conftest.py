"""The site-wide world, built once for all the site tests inside a transaction that each test's own savepoint rolls
back to."""

import shutil

import pytest
from django.db import transaction
from django.test import override_settings

from tests.site.world import build_world


def _storage_settings(media) -> dict:
    from django.conf import settings

    return {
        "STORAGES": {
            **settings.STORAGES,
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": media}},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        "MEDIA_ROOT": media,
    }


def _world_settings(media) -> dict:
    """What the root conftest sets for each test, for the package-wide fixtures that run outside a test."""
    return {
        **_storage_settings(media),
        "SECURE_SSL_REDIRECT": False,
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "LANGUAGE_COOKIE_SECURE": False,
        "ALLOWED_HOSTS": ["testserver", "localhost", "127.0.0.1"],
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    }


@pytest.fixture(scope="package")
def site_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world of ``tests.site.world``; what a test changes is undone after it, the world after the last site test."""
    from surveys.criteria import ensure_default_fields
    from surveys.models import Field

    media = tmp_path_factory.mktemp("site-media")
    with django_db_blocker.unblock(), override_settings(**_world_settings(media)):
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
    for name, value in _storage_settings(media).items():
        setattr(settings, name, value)
    return site_world
