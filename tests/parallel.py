"""What each pytest-xdist worker needs of its own, set before Django reads its settings (loaded with ``-p``).

pytest-django gives every worker its own test database (``test_portal_ci_gw0``, ``…_gw1``). Redis is shared: the
cache is emptied before each test (FLUSHDB) and real Celery workers take tasks from the queue named in the
settings, so two pytest workers on one Redis database would empty each other's queues and take each other's
tasks. Each worker therefore gets a database number of its own (spread over the 16 Redis has, starting from the
one in REDIS_URL) and a queue of its own. Browser and multi-node tests run on one worker, never side by side
(``tests/conftest.py`` marks them), and the tests of a module with a module-wide world stay on one worker.
"""

import os
from urllib.parse import urlsplit, urlunsplit

REDIS_DATABASES = 16


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
