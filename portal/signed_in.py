"""The signed-in user of a request, read from the cache instead of two queries.

Every signed-in request used to read the user row and the user's memberships from PostgreSQL before the
view did anything. Here both come from one cache read: the user as ``auth.get_user`` returned it, with its
memberships (and, for the roles that need one, whether a second factor is enrolled) already read. A miss
does what Django does and fills the cache.

What Django checks stays checked on every request: the session's user and backend, the session hash (a
password change signs other sessions out), and that the account is active. The entry is dropped whenever the
user, one of their memberships or authenticators is saved or deleted (``portal/signals.py``), on every node,
since the cache is shared; ``SIGNED_IN_CACHE_SECONDS`` bounds what a change made while Redis was unreachable
could leave behind.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.core.cache import cache
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject


def cache_key(user_id) -> str:
    return f"signed-in:{user_id}"


def forget_signed_in(user_id) -> None:
    cache.delete(cache_key(user_id))


def _from_cache(request):
    try:
        user_id = request.session[SESSION_KEY]
        backend = request.session[BACKEND_SESSION_KEY]
    except KeyError:
        return None
    if backend not in settings.AUTHENTICATION_BACKENDS:
        return None
    user = cache.get(cache_key(user_id))
    if user is None or str(user.pk) != str(user_id) or not user.is_active:
        return None
    session_hash = request.session.get(HASH_SESSION_KEY)
    if not session_hash or not constant_time_compare(session_hash, user.get_session_auth_hash()):
        return None  # Django's own path decides (fallback secrets, flushing the session)
    return user


def _remember(user) -> None:
    user.membership_facts()
    if any(user.has_role(role) for role in settings.TWO_FACTOR_ROLES):
        user.has_totp()
    cache.set(cache_key(user.pk), user, settings.SIGNED_IN_CACHE_SECONDS)


def get_user(request):
    if not hasattr(request, "_cached_user"):
        user = _from_cache(request)
        if user is None:
            user = auth.get_user(request)
            if user.is_authenticated:
                _remember(user)
        request._cached_user = user
    return request._cached_user


class CachedAuthenticationMiddleware(AuthenticationMiddleware):
    """Django's authentication middleware, with the user read through the cache."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: get_user(request))
