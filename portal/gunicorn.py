"""gunicorn's settings for the web container and `make bench` (``gunicorn -c python:portal.gunicorn``).

Two processes with four threads each: a request waiting on PostgreSQL, Redis or a disk flush leaves
the processor to another request of the same process. Django and the portal keep no per-request state
outside the request and context variables, so threads are safe here.
"""

import os

from portal.logformat import json_formatter

bind = os.environ.get("WEB_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
accesslog = "-"

_debug = os.environ.get("DEBUG", "0").lower() in {"1", "true", "yes", "on"}
if os.environ.get("LOG_FORMAT", "text" if _debug else "json") == "json":
    # The same JSON lines as the portal's own logs (settings.LOGGING): time, level, logger, message.
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": json_formatter()},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"}},
        "loggers": {
            "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
            "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
        },
    }


def child_exit(server, worker):
    """In Prometheus multiprocess mode a finished worker's live gauges no longer count."""
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
