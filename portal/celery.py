"""The Celery application shared by web processes, workers and beat."""

import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _below_web_priority(**kwargs):
    """Worker processes (PDF rendering, mail) yield the CPU to web processes on the same machine."""
    from django.conf import settings

    if settings.WORKER_NICENESS:
        os.nice(settings.WORKER_NICENESS)


import portal.metrics  # noqa: E402,F401 - counts tasks and their durations (Celery signals)
