"""The one place a ``next`` address from the request is read: only this site's own addresses are followed."""

from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, field: str = "next") -> str | None:
    """The request's ``next`` (POST, then GET) when it points into this site, else None."""
    url = request.POST.get(field) or request.GET.get(field)
    if not url or not isinstance(url, str):
        return None
    if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return None


def redirect_next(request, fallback, *args, **kwargs):
    """Redirect to the request's safe ``next``, or to ``fallback`` (a URL name or path) when there is none."""
    return redirect(safe_next(request) or fallback, *args, **kwargs)
