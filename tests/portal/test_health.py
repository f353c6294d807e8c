import json

import pytest

from tests.portal.conftest import _use_broker

pytestmark = pytest.mark.django_db


def test_healthz_reports_the_database_and_an_eager_celery(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["status"] == "ok"
    assert body["components"]["database"]["status"] == "ok"
    assert body["components"]["redis"]["status"] == "not_configured"
    assert body["components"]["celery"]["status"] == "eager"


def test_healthz_is_503_when_redis_does_not_answer(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "error"
    assert body["components"]["redis"]["status"] == "error"


def test_healthz_is_503_when_no_celery_worker_answers(client, settings):
    from portal.celery import app

    settings.REDIS_URL = ""
    settings.HEALTH_CELERY_TIMEOUT = 0.2
    app.conf.task_always_eager = False
    broker = app.conf.broker_url
    _use_broker("memory://")  # and its connection pool, which would otherwise outlive the test in this process
    try:
        response = client.get("/healthz")
    finally:
        _use_broker(broker)
    body = json.loads(response.content)
    assert response.status_code == 503
    assert body["components"]["celery"]["status"] == "error"


def test_anyone_gets_the_statuses_and_nothing_more(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["components"] == {
        "database": {"status": "ok"},
        "redis": {"status": "error"},
        "celery": {"status": "eager"},
        "queue": {"status": "eager"},
    }
    assert b"postgresql" not in response.content and b"Error" not in response.content


@pytest.mark.parametrize("role", ["applicant", "reviewer"])
def test_other_roles_get_no_details_either(client, settings, user_with_role, login, role):
    settings.REDIS_URL = ""
    login(user_with_role(role))
    body = json.loads(client.get("/healthz").content)
    assert body["components"]["database"] == {"status": "ok"}


def test_a_ministry_admin_gets_the_details(client, settings, user_with_role, login):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    login(user_with_role("admin"))
    body = json.loads(client.get("/healthz").content)
    assert body["components"]["database"]["vendor"] in ("postgresql", "sqlite")
    assert body["components"]["redis"]["error"] and "ms" in body["components"]["redis"]


def _broker_queue(settings, name):
    """The real Redis broker with tasks not eager; the queue ``name`` emptied."""
    import os

    import redis

    from portal.celery import app

    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("needs Redis (REDIS_URL)")
    settings.REDIS_URL = url
    settings.CELERY_BROKER_URL = url
    settings.CELERY_TASK_DEFAULT_QUEUE = name
    app.conf.task_always_eager = False
    client = redis.Redis.from_url(url)
    client.delete(name)
    return client


@pytest.mark.slow  # waits for the workers' answer to the health check's ping until its timeout
def test_a_ministry_admin_sees_the_queue_length(client, settings, user_with_role, login):
    queue = "portal_healthz_test"
    redis_client = _broker_queue(settings, queue)
    try:
        redis_client.rpush(queue, b"{}", b"{}", b"{}")
        login(user_with_role("admin"))
        body = json.loads(client.get("/healthz").content)
    finally:
        redis_client.delete(queue)
    assert body["components"]["queue"]["status"] == "ok"
    assert body["components"]["queue"]["length"] == 3
    assert body["components"]["queue"]["queue"] == queue


@pytest.mark.slow  # waits for the workers' answer to the health check's ping until its timeout
def test_anyone_gets_the_queue_status_without_its_length(client, settings):
    queue = "portal_healthz_test"
    redis_client = _broker_queue(settings, queue)
    try:
        redis_client.rpush(queue, b"{}")
        body = json.loads(client.get("/healthz").content)
    finally:
        redis_client.delete(queue)
    assert body["components"]["queue"] == {"status": "ok"}
