"""The bare baseline of `make bench`: the least a request through the portal's middleware can cost.

Routed only when the BENCH_BASELINE setting is on, so it does not exist in production.
"""

from django.http import HttpResponse


def bare(request):
    return HttpResponse("ok", content_type="text/plain")
