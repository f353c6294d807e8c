"""A Redis outage costs the cache, never a page: sessions come from PostgreSQL, reads miss, writes are dropped.

Redis holds only what can be rebuilt (sessions are written through to PostgreSQL), so with Redis stopped a
signed-in user keeps working and the files built on request (the intake export, the score sheet) still come.
"""

import shutil

import pytest
from django.core.cache import caches
from django.urls import reverse

from portal.cache import ResilientRedisCache
from tests.collection.helpers import log_in
from tests.surveys.helpers import make_survey

pytestmark = [
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]


@pytest.fixture
def redis_cache(own_redis, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": own_redis.url,
            "KEY_PREFIX": "outage-test",
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    yield caches["default"]
    caches["default"].close()


def test_reads_miss_and_writes_are_dropped_while_redis_is_down(own_redis, redis_cache, caplog):
    assert isinstance(redis_cache, ResilientRedisCache)
    redis_cache.set("kept", 1)
    assert redis_cache.get("kept") == 1

    own_redis.stop()
    assert redis_cache.get("kept", "miss") == "miss"
    assert redis_cache.get_many(["kept"]) == {}
    assert redis_cache.add("new", 1) is False
    redis_cache.set("new", 1)
    assert redis_cache.delete("kept") is False
    with pytest.raises(ValueError):  # callers treat it as "not cached"
        redis_cache.incr("kept")
    assert "cache unavailable" in caplog.text
    assert caplog.text.count("cache unavailable") == 1, "an outage is logged once a minute, not once a call"

    own_redis.start()
    redis_cache.set("back", 2)
    assert redis_cache.get("back") == 2


@pytest.mark.django_db
def test_a_signed_in_user_keeps_working_while_redis_is_down(own_redis, redis_cache, client):
    from tests.factories import make_user

    admin = make_user("admin", name="관리자")
    survey = make_survey()
    log_in(client, admin)
    home = reverse("dashboard", kwargs={"role": "admin"})
    assert client.get(home).status_code == 200

    own_redis.stop()
    response = client.get(home)
    assert response.status_code == 200
    assert admin.email in response.content.decode() or admin.name in response.content.decode()
    export = client.get(reverse("surveys:intake_list", kwargs={"pk": survey.pk}), {"export": "xlsx"})
    assert export.status_code == 200
    assert ".xlsx" in export["Content-Disposition"]
    sheet = client.get(reverse("review:committee_scores", kwargs={"pk": survey.pk, "field_code": "ROB"}))
    assert sheet.status_code in (200, 404)  # 404 only if the call has no such panel: never a 500
