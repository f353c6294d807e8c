import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
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


class RequestSizeLimitMiddleware:
    """Refuses, before reading it, a request whose declared size exceeds REQUEST_MAX_SIZE (413)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_MAX_SIZE:
            message = _("The request is too large (at most %(limit)s MB). Attach fewer or smaller files.") % {
                "limit": settings.REQUEST_MAX_SIZE // (1024 * 1024)
            }
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def _without_nul(data):
    """The query dict with NUL characters removed from its values (the same object when there are none)."""
    if not any("\x00" in value for _key, values in data.lists() for value in values if isinstance(value, str)):
        return data
    cleaned = data.copy()
    for key, values in data.lists():
        cleaned.setlist(key, [value.replace("\x00", "") if isinstance(value, str) else value for value in values])
    cleaned._mutable = False
    return cleaned


class VerifyUploadLimitMiddleware:
    """The public verification page takes uploads from anyone: cap them before any parsing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path_info == reverse("verify"):
            from portal.views.verify import upload_limit

            upload_limit(request)
        return self.get_response(request)


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
                messages.info(request, _("You were signed out after a period of inactivity. Please sign in again."))
                return redirect_to_login(request.get_full_path())
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


class AdminRequiresSecondFactorMiddleware:
    """The Django admin only for staff who enrolled an authenticator and used it to sign in this session.

    Anyone else is sent to enrol one, or to sign in again (with the code) and come back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.is_staff and request.path.startswith(admin_prefix()):
            if not has_two_factor(user):
                messages.warning(
                    request,
                    _("The administration requires two-factor authentication. Set up an authenticator app first."),
                )
                return redirect("mfa_activate_totp")
            if not used_second_factor(request):
                next_url = request.get_full_path()
                logout(request)
                messages.info(request, _("Sign in again with your authenticator code to use the administration."))
                return redirect_to_login(next_url)
        return self.get_response(request)


def admin_prefix() -> str:
    return reverse("admin:index")


def used_second_factor(request) -> bool:
    """Whether this session's sign-in passed the second factor (allauth records it)."""
    from allauth.account.authentication import get_authentication_records

    return any(record.get("method") == "mfa" for record in get_authentication_records(request, request.user))


def needs_two_factor(user) -> bool:
    return any(user.has_role(role) for role in settings.TWO_FACTOR_ROLES)


def has_two_factor(user) -> bool:
    return user.has_totp()
