"""A small fixed-window rate limit per client address, counted in the shared cache (Redis)."""

import time

from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import gettext as _

from portal.context import client_ip


def rate_limit_hit(request, scope: str, *, limit: int, window: int = 60) -> int:
    """Count this request; 0 when it is allowed, else the seconds until the client may try again."""
    now = int(time.time())
    key = f"ratelimit:{scope}:{client_ip(request) or '-'}:{now // window}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 5)
        count = 1
    if count <= limit:
        return 0
    return window - now % window or 1


def too_many_requests(retry_after: int) -> HttpResponse:
    response = HttpResponse(
        _("Too many requests. Please try again in %(seconds)s seconds.") % {"seconds": retry_after}
        + "\n"
        + "Too many requests. Please try again in %s seconds." % retry_after,
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(retry_after)
    return response
