"""Settings for a world of test data built once for many tests, outside any one test (see ``tests/site/conftest.py``
and ``TestAccessMatrix`` in ``tests/applications/test_views.py``)."""


def storage_settings(media) -> dict:
    from django.conf import settings

    return {
        "STORAGES": {
            **settings.STORAGES,
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": media}},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        "MEDIA_ROOT": media,
    }


def world_settings(media) -> dict:
    """What the root conftest sets for each test, for the package-wide fixtures that run outside a test."""
    return {
        **storage_settings(media),
        "SECURE_SSL_REDIRECT": False,
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "LANGUAGE_COOKIE_SECURE": False,
        "ALLOWED_HOSTS": ["testserver", "localhost", "127.0.0.1"],
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    }
