"""What `make bench` requests: the pages, who asks for them, and the submissions (needs Django set up).

Signed-in requests carry a session made directly in the session store for a seeded account (the
accounts of two-factor roles have their authenticator seeded, which is what the portal checks),
``X-Forwarded-Proto: https`` as a TLS-terminating proxy sends it, and for POSTs a CSRF cookie with
the matching header and a same-origin Referer.
"""

import secrets
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db.models import Count
from django.urls import NoReverseMatch, reverse

from portal.middleware import SessionIdleTimeoutMiddleware
from portal.models import Organization, User
from review.models import Assignment
from surveys.enums import ApplicationStatus, Channel
from surveys.models import Application, Survey

PROXY = {"X-Forwarded-Proto": "https"}


@dataclass
class Scenario:
    name: str
    label: str
    requests: list[dict] = field(default_factory=list)
    baseline: str = "bare_signed_in"
    missing: str = ""


def session_for(user: User) -> str:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[SessionIdleTimeoutMiddleware.KEY] = int(time.time())
    store.create()
    return store.session_key


class Sessions:
    def __init__(self, port: int):
        self.port = port
        self.keys: dict[int, str] = {}
        self.csrf = secrets.token_hex(16)

    def headers(self, user: User | None, *, post: bool = False, referer: str = "/") -> dict:
        headers = dict(PROXY)
        cookies = []
        if user is not None:
            if user.pk not in self.keys:
                self.keys[user.pk] = session_for(user)
            cookies.append(f"{settings.SESSION_COOKIE_NAME}={self.keys[user.pk]}")
        if post:
            cookies.append(f"{settings.CSRF_COOKIE_NAME}={self.csrf}")
            headers.update(
                {
                    "X-CSRFToken": self.csrf,
                    "Referer": f"https://127.0.0.1:{self.port}{referer}",
                    "Content-Type": "application/x-www-form-urlencoded",
                }
            )
        if cookies:
            headers["Cookie"] = "; ".join(cookies)
        return headers


def _get(path: str, headers: dict) -> dict:
    return {"method": "GET", "path": path, "headers": headers}


def _median(queryset, key: str):
    """The row in the middle of a queryset ordered by ``key``: a typical account, not the busiest."""
    rows = list(queryset.order_by(key, "pk"))
    return rows[len(rows) // 2] if rows else None


def _call(code: str) -> Survey:
    return Survey.objects.get(code=code)


def scenarios(port: int) -> tuple[dict[str, Scenario], Sessions]:
    sessions = Sessions(port)
    review_call = _call("SC3")
    admin = User.objects.get(email__startswith="admin-000000@")
    secretary = User.objects.get(email__startswith="sec-000000@")

    filer = _median(Organization.objects.filter(type="company").annotate(n=Count("applications")), "n")
    applicant = User.objects.get(memberships__organization=filer, memberships__role="applicant")
    association = _median(
        Organization.objects.filter(type="association").annotate(
            n=Count("collected_applications", filter=_in_call(review_call))
        ),
        "n",
    )
    staff = User.objects.get(memberships__organization=association, memberships__role="association_staff")
    loads = sorted(Assignment.objects.values_list("reviewer").annotate(n=Count("pk")).values_list("n", "reviewer"))
    reviewer = User.objects.get(pk=loads[len(loads) // 2][1])

    result = {
        "bare": Scenario("bare", "bare view, anonymous", [_get("/bench/bare/", sessions.headers(None))], baseline=""),
        "bare_signed_in": Scenario(
            "bare_signed_in", "bare view, signed in", [_get("/bench/bare/", sessions.headers(applicant))], baseline=""
        ),
        "applicant_dashboard": Scenario(
            "applicant_dashboard", "applicant dashboard", [_get("/dashboard/applicant/", sessions.headers(applicant))]
        ),
        "collection_dashboard": Scenario(
            "collection_dashboard",
            "association collection dashboard",
            [
                _get(
                    reverse("surveys:collection_dashboard", kwargs={"pk": review_call.pk})
                    + f"?association={association.pk}",
                    sessions.headers(staff),
                )
            ],
        ),
        "intake": Scenario(
            "intake",
            "intake dashboard",
            [_get(reverse("surveys:intake_list", kwargs={"pk": review_call.pk}), sessions.headers(admin))],
        ),
        "reviewer_dashboard": Scenario(
            "reviewer_dashboard", "reviewer dashboard", [_get("/dashboard/reviewer/", sessions.headers(reviewer))]
        ),
        "ranking": _optional(
            "ranking",
            "secretary's ranking page",
            "review:committee_field",
            {"pk": review_call.pk, "field_code": "ROB"},
            sessions.headers(secretary),
        ),
        "register": _optional(
            "register", "public register", "review:register", {}, sessions.headers(None), baseline="bare"
        ),
        "intake_application": _intake_application(review_call, sessions.headers(admin)),
        "assignment_detail": _assignment_detail(reviewer, sessions.headers(reviewer)),
    }
    return result, sessions


def _intake_application(survey: Survey, headers: dict) -> Scenario:
    """MOTIE's page of one received application (the counterpart of pretalx's submission detail)."""
    application = _median(Application.objects.filter(survey=survey).exclude(status=ApplicationStatus.DRAFT), "pk")
    if application is None:
        return Scenario("intake_application", "intake application detail", missing="no received application")
    path = reverse("surveys:intake_application", kwargs={"pk": survey.pk, "application_pk": application.pk})
    return Scenario("intake_application", "intake application detail", [_get(path, headers)])


def _assignment_detail(reviewer: User, headers: dict) -> Scenario:
    """A reviewer's page of one assigned candidate, its scoring form included (pretalx's review page)."""
    assignment = _median(Assignment.objects.filter(reviewer=reviewer), "pk")
    if assignment is None:
        return Scenario("assignment_detail", "reviewer assignment detail", missing="the reviewer has no assignment")
    path = reverse("review:assignment", kwargs={"pk": assignment.pk})
    return Scenario("assignment_detail", "reviewer assignment detail", [_get(path, headers)])


def _in_call(survey):
    from django.db.models import Q

    return Q(collected_applications__survey=survey) & ~Q(collected_applications__status=ApplicationStatus.DRAFT)


def _optional(name: str, label: str, url_name: str, kwargs: dict, headers: dict, baseline="bare_signed_in") -> Scenario:
    try:
        path = reverse(url_name, kwargs=kwargs)
    except NoReverseMatch:
        return Scenario(name, label, baseline=baseline, missing=f"URL {url_name} does not exist yet")
    return Scenario(name, label, [_get(path, headers)], baseline=baseline)


def submissions(sessions: Sessions, limit: int = 2000) -> Scenario:
    """Each request submits (or amends) a different complete application of the call still collecting."""
    applications = (
        Application.objects.filter(
            survey=_call("SC4"),
            channel__in=[Channel.DIRECT, Channel.MINISTRY],
            status__in=[ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED],
        )
        .select_related("created_by")
        .order_by("pk")[:limit]
    )
    requests = []
    for application in applications:
        path = reverse("surveys:application_submit", kwargs={"pk": application.pk})
        referer = reverse("surveys:application_review", kwargs={"pk": application.pk})
        requests.append(
            {
                "method": "POST",
                "path": path,
                "body": "",
                "headers": sessions.headers(application.created_by, post=True, referer=referer),
            }
        )
    return Scenario("submit", "submit (POST: version, audit, PDF queued)", requests)


def counts() -> dict:
    """What a submission leaves behind, to compare with what the load generator was told."""
    from portal.models import AuditEvent
    from surveys.enums import ApplicationAction
    from surveys.models import ApplicationVersion

    return {
        "versions": ApplicationVersion.objects.count(),
        "audit": AuditEvent.objects.filter(action__in=[ApplicationAction.SUBMITTED, ApplicationAction.AMENDED]).count(),
    }
