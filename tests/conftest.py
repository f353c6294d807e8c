import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from tests.factories import PASSWORD, make_user  # noqa: E402

if os.environ.get("TEST_DB_TEMPLATE") == "1":  # make test-fast: the database cloned from a migrated template
    from tests.template_db import django_db_setup  # noqa: E402, F401


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path, request):
    """Production settings with what a test run needs: plain static files, a temp media dir."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.LANGUAGE_COOKIE_SECURE = False
    settings.ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.WHITENOISE_AUTOREFRESH = True


@pytest.fixture(scope="session")
def signing_ca(tmp_path_factory):
    """One self-made CA and signing certificate for the whole run."""
    from portal.signing_demo import demo_ca_write

    directory = tmp_path_factory.mktemp("signing")
    demo_ca_write(directory)
    return directory


@pytest.fixture(autouse=True)
def _signing_settings(settings, signing_ca):
    """Issued PDFs are signed with the test CA (no production key is ever configured in tests)."""
    settings.SIGNING_KEY_FILE = ""
    settings.SIGNING_TRUST_ROOTS = []
    settings.SIGNING_DEMO_DIR = str(signing_ca)


@pytest.fixture(autouse=True)
def _eager_celery(request):
    """Tasks run in-process unless the test drives a real worker."""
    from portal.celery import app

    if request.node.get_closest_marker("celery_worker"):
        yield
        return
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _default_fields(request):
    """The fields migration 0002 loads; a transactional test's flush removes them."""
    uses_db = request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(request.fixturenames)
    if not uses_db:
        return
    from surveys.criteria import ensure_default_fields
    from surveys.models import Field

    if not Field.objects.exists():
        ensure_default_fields(Field)


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def user_with_role(db):
    return make_user


@pytest.fixture
def login(client):
    """Log a user in on the test client, second factor included."""

    def _login(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _login
