"""gunicorn's settings for the web container and `make bench` (``gunicorn -c python:portal.gunicorn``).

Two processes with four threads each: a request waiting on PostgreSQL, Redis or a disk flush leaves
the processor to another request of the same process. Django and the portal keep no per-request state
outside the request and context variables, so threads are safe here.
"""

import os

bind = os.environ.get("WEB_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
accesslog = "-"
