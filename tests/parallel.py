"""What each pytest-xdist worker needs of its own, set before Django reads its settings (loaded with ``-p``).

pytest-django gives every worker its own test database (``test_portal_ci_gw0``, ``…_gw1``). Redis is shared: the
cache is emptied before each test (FLUSHDB) and real Celery workers take tasks from the queue named in the
settings, so two pytest workers on one Redis database would empty each other's queues and take each other's
tasks. Each worker therefore gets a database number of its own (spread over the 16 Redis has, starting from the
one in REDIS_URL) and a queue of its own.

With ``--dist loadgroup`` the tests are handed out one by one, except the groups ``GROUPS`` names by folder: the
browser and multi-node tests run on one worker, one after the other, and the site tests, which share one world
built once (``tests/site/conftest.py``), stay together. The groups are read from the test ids by the scheduler
below: pytest 9 no longer lets pytest-xdist 3.8 add an ``xdist_group`` mark's name to a test's id.
"""

import os
from urllib.parse import urlsplit, urlunsplit

REDIS_DATABASES = 16
#: Folders of tests/ whose tests run on one worker, by group name.
GROUPS = {"browser": "heavy", "multinode": "heavy", "site": "site-world"}


def group_of(nodeid: str) -> str | None:
    """The group of a test id such as ``tests/browser/test_tour.py::test_…``, or None."""
    parts = nodeid.split("::", 1)[0].split("/")
    if len(parts) > 2 and parts[0] == "tests":
        return GROUPS.get(parts[1])
    return None


def worker_redis_url(url: str, index: int, count: int) -> str:
    """REDIS_URL for worker ``index`` of ``count``: the same server, databases spread evenly from the given one."""
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    step = max(REDIS_DATABASES // max(count, 1), 1)
    return urlunsplit(parts._replace(path=f"/{(base + index * step) % REDIS_DATABASES}"))


def _isolate_worker() -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return
    index = int(worker.removeprefix("gw"))
    count = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    if os.environ.get("REDIS_URL"):
        os.environ["REDIS_URL"] = worker_redis_url(os.environ["REDIS_URL"], index, count)
    os.environ["CELERY_QUEUE"] = f"{os.environ.get('CELERY_QUEUE', 'portal')}_{worker}"


_isolate_worker()

try:
    from xdist.scheduler import LoadGroupScheduling
except ImportError:  # pytest-xdist is a dev dependency; without it the suite runs in one process
    LoadGroupScheduling = None

if LoadGroupScheduling is not None:

    class FolderGroupScheduling(LoadGroupScheduling):
        """``--dist loadgroup`` with the groups of ``GROUPS`` as well as those of ``xdist_group`` marks."""

        def _split_scope(self, nodeid: str) -> str:
            return group_of(nodeid) or super()._split_scope(nodeid)

    def pytest_xdist_make_scheduler(config, log):
        if config.getvalue("dist") == "loadgroup":
            return FolderGroupScheduling(config, log)
        return None
