"""Each pytest-xdist worker's Redis database: the same server, never the same database as another worker's."""

from tests.parallel import worker_redis_url


def test_two_workers_get_databases_eight_apart_from_the_configured_one():
    assert worker_redis_url("redis://127.0.0.1:6379/0", 0, 2) == "redis://127.0.0.1:6379/0"
    assert worker_redis_url("redis://127.0.0.1:6379/0", 1, 2) == "redis://127.0.0.1:6379/8"
    assert worker_redis_url("redis://127.0.0.1:6379/12", 1, 2) == "redis://127.0.0.1:6379/4"


def test_workers_never_share_a_database():
    for count in (1, 2, 3, 4, 8, 16):
        databases = {worker_redis_url("redis://:secret@localhost:6380/5", i, count) for i in range(count)}
        assert len(databases) == count
        assert all(url.startswith("redis://:secret@localhost:6380/") for url in databases)


def test_a_url_without_a_database_number_starts_from_0():
    assert worker_redis_url("redis://127.0.0.1:6379", 1, 4) == "redis://127.0.0.1:6379/4"
