import os
import secrets
import subprocess  # nosec B404
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str, **env):
    base = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "REDIS_URL", "DATABASE_URL"}}
    base.update(env)
    return subprocess.run(  # nosec B603
        [sys.executable, "-c", code], cwd=ROOT, env=base, capture_output=True, text=True, timeout=60
    )


@pytest.mark.slow  # starts a Python process that loads the settings afresh
def test_settings_refuse_to_start_without_secret_key_when_debug_is_off():
    result = _run(
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='portal.settings'; django.setup()", DEBUG="0"
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    assert "SECRET_KEY 환경 변수" in result.stderr


@pytest.mark.slow  # starts a Python process that loads the settings afresh
def test_settings_without_redis_url_run_celery_eagerly_on_sqlite():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='portal.settings'; django.setup();"
        "from django.conf import settings; from portal.celery import app;"
        "print(app.conf.task_always_eager, settings.DATABASES['default']['ENGINE'], "
        "settings.CACHES['default']['BACKEND'])"
    )
    result = _run(code, DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "django_prometheus.db.backends.sqlite3",
        "django.core.cache.backends.locmem.LocMemCache",
    ]


@pytest.mark.slow  # starts a Python process that loads the settings afresh
def test_settings_with_redis_url_use_redis_for_broker_and_cache():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='portal.settings'; django.setup();"
        "from django.conf import settings; from portal.celery import app;"
        "print(app.conf.task_always_eager, app.conf.broker_url, settings.CACHES['default']['BACKEND'],"
        " settings.SESSION_ENGINE)"
    )
    result = _run(code, DEBUG="1", REDIS_URL="redis://127.0.0.1:6399/3")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "redis://127.0.0.1:6399/3",
        "portal.cache.ResilientRedisCache",
        "django.contrib.sessions.backends.cached_db",
    ]


@pytest.mark.slow  # starts a Python process that loads the settings afresh
def test_production_settings_pass_the_deploy_check():
    result = subprocess.run(  # nosec B603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "portal.example.kr",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_language_and_time_settings(settings):
    assert settings.LANGUAGE_CODE == "ko"
    assert [code for code, _ in settings.LANGUAGES] == ["ko", "en"]
    assert settings.TIME_ZONE == "Asia/Seoul"
    assert settings.USE_TZ is True


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy_and_security_headers(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_templates_have_no_inline_script_or_style(client):
    html = client.get("/").content.decode()
    assert "<script>" not in html and "<style" not in html
    assert " style=" not in html
    assert " onclick=" not in html and " onchange=" not in html


@pytest.mark.slow  # starts a Python process that loads the settings afresh
def test_s3_storage_is_used_when_a_bucket_is_configured():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='portal.settings'; django.setup();"
        "from django.core.files.storage import storages; print(type(storages['default']).__name__)"
    )
    result = _run(code, DEBUG="1", AWS_STORAGE_BUCKET_NAME="portal-files", AWS_S3_ENDPOINT_URL="http://127.0.0.1:9000")
    assert result.returncode == 0, result.stderr
    assert "S3Storage" in result.stdout
