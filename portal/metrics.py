"""Prometheus metrics of the Celery tasks (the web side's come from django-prometheus).

Each worker process counts the tasks it runs. Prefork children do not share memory, so a worker
machine sums them with prometheus_client's multiprocess mode: set PROMETHEUS_MULTIPROC_DIR (an
empty folder per machine) and CELERY_METRICS_PORT, and the worker's main process serves the sum of
its children on that port. Without the folder each process keeps its own figures, which only the
process itself can report.
"""

import os
import time

from celery.signals import task_failure, task_postrun, task_prerun, task_retry, worker_init
from prometheus_client import Counter, Histogram

TASKS = Counter("portal_celery_tasks_total", "Celery tasks finished, by task and outcome.", ["task", "state"])
TASK_DURATION = Histogram(
    "portal_celery_task_duration_seconds",
    "Time a Celery task ran, by task.",
    ["task"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, float("inf")),
)

_started: dict[str, float] = {}


@task_prerun.connect
def _task_started(task_id=None, **kwargs):
    _started[task_id] = time.monotonic()


@task_postrun.connect
def _task_finished(task_id=None, task=None, state=None, **kwargs):
    started = _started.pop(task_id, None)
    name = getattr(task, "name", "unknown")
    if started is not None:
        TASK_DURATION.labels(name).observe(time.monotonic() - started)
    if state == "SUCCESS":
        TASKS.labels(name, "succeeded").inc()


@task_failure.connect
def _task_failed(sender=None, **kwargs):
    TASKS.labels(getattr(sender, "name", "unknown"), "failed").inc()


@task_retry.connect
def _task_retried(sender=None, **kwargs):
    TASKS.labels(getattr(sender, "name", "unknown"), "retried").inc()


@worker_init.connect
def _serve_worker_metrics(**kwargs):
    """With CELERY_METRICS_PORT and PROMETHEUS_MULTIPROC_DIR set, serve the worker's summed figures."""
    port = os.environ.get("CELERY_METRICS_PORT")
    if not port or "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        return
    from prometheus_client import CollectorRegistry, multiprocess, start_http_server

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    start_http_server(int(port), addr=os.environ.get("CELERY_METRICS_ADDR", "127.0.0.1"), registry=registry)
