import logging
import time

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal.enums import Role

logger = logging.getLogger(__name__)


def _check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"status": "ok", "vendor": connection.vendor}


def _check_redis() -> dict:
    if not settings.REDIS_URL:
        return {"status": "not_configured"}
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1)
    try:
        client.ping()
    finally:
        client.close()
    return {"status": "ok"}


def _check_celery() -> dict:
    from portal.celery import app

    if app.conf.task_always_eager:
        return {"status": "eager"}
    replies = app.control.ping(timeout=settings.HEALTH_CELERY_TIMEOUT)
    workers = sorted(name for reply in replies for name in reply)
    if not workers:
        return {"status": "error", "error": "no worker answered"}
    return {"status": "ok", "workers": workers}


def _check_queue() -> dict:
    """Messages waiting in the Celery queue on the Redis broker (kombu keeps one list per priority step)."""
    from portal.celery import app

    if not settings.REDIS_URL:
        return {"status": "not_configured"}
    if app.conf.task_always_eager:
        return {"status": "eager"}
    import redis

    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    keys = [queue, *(f"{queue}\x06\x16{step}" for step in (3, 6, 9))]
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=1, socket_connect_timeout=1)
    try:
        with client.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.llen(key)
            length = sum(pipe.execute())
    finally:
        client.close()
    return {"status": "ok", "queue": queue, "length": length}


CHECKS = {"database": _check_database, "redis": _check_redis, "celery": _check_celery, "queue": _check_queue}


def _may_see_details(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_role(Role.ADMIN))


@never_cache
@require_GET
def healthz(request):
    """Status of the database, Redis, the Celery workers and queue: 200 when all configured answer.

    Anyone (a load balancer, a monitor) gets each component's status; the database vendor, the
    workers' names, the queue's length, timings and error texts are for superusers and ministry
    admins, and errors go to the log.
    """
    components = {}
    healthy = True
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            result = check()
        except Exception as exc:
            result = {"status": "error", "error": f"{type(exc).__name__}: {exc}"[:300]}
        result["ms"] = round((time.monotonic() - started) * 1000, 1)
        if result["status"] == "error":
            healthy = False
            logger.warning("healthz: %s: %s", name, result.get("error", ""))
        components[name] = result
    if not _may_see_details(request.user):
        components = {name: {"status": result["status"]} for name, result in components.items()}
    return JsonResponse(
        {"status": "ok" if healthy else "error", "components": components},
        status=200 if healthy else 503,
        json_dumps_params={"ensure_ascii": False},
    )
