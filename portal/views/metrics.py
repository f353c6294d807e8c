"""The Prometheus scrape endpoint, for the monitoring addresses and administrators only."""

from django.conf import settings
from django.http import Http404
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_prometheus.exports import ExportToDjangoView

from portal.context import client_ip
from portal.enums import Role


def may_scrape(request) -> bool:
    """A configured monitoring address (METRICS_ALLOWED_IPS), a superuser or a ministry admin."""
    if client_ip(request) in settings.METRICS_ALLOWED_IPS:
        return True
    user = request.user
    return user.is_authenticated and (user.is_superuser or user.has_role(Role.ADMIN))


@never_cache
@require_GET
def metrics(request):
    """Request latency per view, database queries, cache use and, in multiprocess mode, Celery tasks."""
    if not may_scrape(request):
        raise Http404
    return ExportToDjangoView(request)
