import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from portal.context import client_ip, current_ip


class KoreanFirstLocaleMiddleware:
    """Korean unless the visitor chose English with the language switch.

    The browser's Accept-Language is not consulted: the portal speaks Korean first.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


def _without_nul(data):
    """The query dict with NUL characters removed from its values (the same object when there are none)."""
    if not any("\x00" in value for _key, values in data.lists() for value in values if isinstance(value, str)):
        return data
    cleaned = data.copy()
    for key, values in data.lists():
        cleaned.setlist(key, [value.replace("\x00", "") if isinstance(value, str) else value for value in values])
    cleaned._mutable = False
    return cleaned


class StripNulMiddleware:
    """PostgreSQL can neither store nor compare NUL, and no one types it: drop it from every parameter."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.GET = _without_nul(request.GET)
        if request.method == "POST":
            request.POST = _without_nul(request.POST)
        return self.get_response(request)


class RequestContextMiddleware:
    """Makes the client's address available to the audit helper."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)


class SessionIdleTimeoutMiddleware:
    """Signs a user out after SESSION_IDLE_TIMEOUT seconds without a request."""

    KEY = "portal.last_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(self.KEY)
            if last_seen is not None and now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                messages.info(
                    request, _("You were signed out after a period of inactivity. Please sign in again.")
                )
                return redirect(f"{reverse('account_login')}?next={request.path}")
            if last_seen is None or now - last_seen > 30:
                request.session[self.KEY] = now
        return self.get_response(request)


class RequireTwoFactorMiddleware:
    """Reviewers, secretaries and admins must enrol a second factor before anything else."""

    ALLOWED_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/healthz", "/media/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and needs_two_factor(user)
            and not has_two_factor(user)
        ):
            messages.warning(
                request,
                _("Your role requires two-factor authentication. Set up an authenticator app to continue."),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)


def needs_two_factor(user) -> bool:
    return any(user.has_role(role) for role in settings.TWO_FACTOR_ROLES)


def has_two_factor(user) -> bool:
    return user.has_totp()
