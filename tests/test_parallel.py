"""Each pytest-xdist worker's Redis database: the same server, never the same database as another worker's."""

from tests.parallel import group_of, worker_redis_url


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


def test_browser_and_multinode_tests_share_a_group_and_site_tests_theirs():
    assert group_of("tests/browser/test_tour.py::test_a_call_goes_through_the_whole_pipeline[chromium]") == "heavy"
    assert group_of("tests/multinode/test_cluster.py::test_cluster") == "heavy"
    assert group_of("tests/site/test_fuzz.py::test_no_server_error[intake]") == "site-world"
    assert group_of("tests/review/test_scores.py::test_x") is None
    assert group_of("tests/test_parallel.py::test_y") is None
