import pytest

pytestmark = pytest.mark.django_db


def test_metrics_from_an_allowed_address_report_latency_per_view_and_queries(client, settings):
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1"]
    client.get("/healthz")
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    text = response.content.decode()
    assert "django_http_requests_latency_seconds_by_view_method_bucket{" in text
    assert 'view="healthz"' in text
    assert "django_db_execute_total{" in text


def test_metrics_are_a_404_for_another_address(client, settings):
    settings.METRICS_ALLOWED_IPS = ["10.0.0.9"]
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404


def test_metrics_behind_a_proxy_read_the_forwarded_address(client, settings):
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1"]
    settings.AXES_IPWARE_PROXY_COUNT = 1
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert response.status_code == 404


@pytest.mark.parametrize("role", ["applicant", "reviewer", "secretary"])
def test_metrics_are_a_404_for_other_roles(client, settings, user_with_role, login, role):
    settings.METRICS_ALLOWED_IPS = []
    login(user_with_role(role))
    assert client.get("/metrics").status_code == 404


def test_metrics_are_served_to_a_ministry_admin_from_anywhere(client, settings, user_with_role, login):
    settings.METRICS_ALLOWED_IPS = []
    login(user_with_role("admin"))
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.7").status_code == 200


def test_metrics_are_served_to_a_superuser(client, settings):
    from tests.factories import UserFactory

    settings.METRICS_ALLOWED_IPS = []
    client.force_login(
        UserFactory(is_superuser=True, is_staff=True), backend="django.contrib.auth.backends.ModelBackend"
    )
    assert client.get("/metrics").status_code == 200


def test_celery_tasks_are_counted_with_their_duration(client, settings):
    from prometheus_client import REGISTRY

    from portal.celery import app

    @app.task(name="tests.metrics.sample")
    def sample():
        return 1

    @app.task(name="tests.metrics.broken")
    def broken():
        raise ValueError("broken")

    def value(name, **labels):
        return REGISTRY.get_sample_value(name, labels) or 0

    before_ok = value("portal_celery_tasks_total", task="tests.metrics.sample", state="succeeded")
    before_failed = value("portal_celery_tasks_total", task="tests.metrics.broken", state="failed")
    before_count = value("portal_celery_task_duration_seconds_count", task="tests.metrics.sample")
    sample.apply()
    sample.apply()
    broken.apply()
    assert value("portal_celery_tasks_total", task="tests.metrics.sample", state="succeeded") == before_ok + 2
    assert value("portal_celery_tasks_total", task="tests.metrics.broken", state="failed") == before_failed + 1
    assert value("portal_celery_task_duration_seconds_count", task="tests.metrics.sample") == before_count + 2

    settings.METRICS_ALLOWED_IPS = ["127.0.0.1"]
    text = client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()
    assert 'portal_celery_tasks_total{state="succeeded",task="tests.metrics.sample"}' in text


def test_production_logs_are_one_json_object_a_line():
    import json
    import logging
    import logging.config

    from django.conf import settings

    assert settings.LOG_FORMAT == "json"  # DEBUG is off in the tests, as in production
    config = {**settings.LOGGING, "root": {"handlers": ["console"], "level": "INFO"}}
    import io

    stream = io.StringIO()
    formatter = logging.config.DictConfigurator(config).configure_custom(dict(config["formatters"]["json"]))
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    logger = logging.getLogger("portal.test_json")
    logger.addHandler(handler)
    try:
        logger.warning("제출 %s건", 3)
    finally:
        logger.removeHandler(handler)
    record = json.loads(stream.getvalue().strip())
    assert record["message"] == "제출 3건"
    assert record["level"] == "WARNING" and record["logger"] == "portal.test_json"
