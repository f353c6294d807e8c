"""Who may open the hearing URLs: the public pages for everyone, the ministry's screens for the ministry admin."""

from urllib.parse import urlsplit

import pytest
import time_machine
from django.urls import reverse

from portal.enums import OrganizationType
from review.models import HearingComment
from review.services import hearing
from tests.factories import OrganizationFactory, make_user
from tests.review.helpers import log_in
from tests.review.test_hearing import INSIDE, add_candidates, confirm

pytestmark = pytest.mark.django_db

PUBLIC_PAGE, ANSWER_PAGE = "public", "answer"

#: url name → (what it is, method, how to build its kwargs from the world)
ROWS = {
    "hearing": (PUBLIC_PAGE, "get", lambda w: {"pk": w["survey"].pk}),
    "hearing_candidate": (PUBLIC_PAGE, "get", lambda w: {"pk": w["candidate"].pk}),
    "hearing_manage": (ANSWER_PAGE, "get", lambda w: {"pk": w["survey"].pk}),
    "hearing_answer": (ANSWER_PAGE, "get", lambda w: {"pk": w["comment"].pk}),
}

ROLES = [
    "anonymous",
    "applicant",
    "association_staff",
    "ministry_liaison",
    "observer",
    "reviewer",
    "secretary",
    "admin",
]


@pytest.fixture
def world(open_survey, admin, applicant):
    candidate = add_candidates(open_survey, 1)[0]
    confirm(open_survey, [candidate], admin)
    with time_machine.travel(INSIDE, tick=False):
        comment = hearing.hearing_comment_add(candidate, stance="for", body="찬성", actor=applicant)
    users = {
        "anonymous": None,
        "applicant": applicant,
        "association_staff": make_user("association_staff"),
        "ministry_liaison": make_user("ministry_liaison"),
        "observer": make_user("observer", organization=OrganizationFactory(type=OrganizationType.MINISTRY)),
        "reviewer": make_user("reviewer"),
        "secretary": make_user("secretary"),
        "admin": admin,
    }
    return {"survey": open_survey, "candidate": candidate, "comment": comment, "users": users}


def _expected(role: str, name: str) -> int:
    if ROWS[name][0] == PUBLIC_PAGE:
        return 200
    if role == "anonymous":
        return 302
    return 200 if role == "admin" else 404


@pytest.mark.parametrize("role", ROLES)
def test_the_url_role_matrix(client, world, role):
    log_in(client, world["users"][role])
    wrong = []
    for name, (_kind, method, kwargs) in ROWS.items():
        response = getattr(client, method)(reverse(f"review:{name}", kwargs=kwargs(world)))
        expected = _expected(role, name)
        if response.status_code != expected:
            wrong.append(f"{method.upper()} {name}: {response.status_code}, expected {expected}")
        elif expected == 302:
            target = urlsplit(response.url)
            if target.path != reverse("account_login") or "next=" not in target.query:
                wrong.append(f"{name}: redirected to {response.url}, not to the login")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role", ROLES)
def test_posting_an_answer_needs_the_ministry_admin(client, world, role):
    log_in(client, world["users"][role])
    url = reverse("review:hearing_answer", kwargs={"pk": world["comment"].pk})
    response = client.post(url, {"answer": "답변", "change": "none"})
    expected = {"anonymous": 302, "admin": 302}.get(role, 404)
    assert response.status_code == expected
    assert (HearingComment.objects.get(pk=world["comment"].pk).answer == "답변") is (role == "admin")


@pytest.mark.parametrize("role", ROLES)
def test_every_signed_in_role_may_comment_and_the_anonymous_are_sent_to_log_in(client, world, role):
    url = reverse("review:hearing_candidate", kwargs={"pk": world["candidate"].pk})
    with time_machine.travel(INSIDE, tick=False):
        log_in(client, world["users"][role])
        response = client.post(url, {"stance": "against", "body": f"{role} 의견"})
    assert response.status_code == 302
    created = HearingComment.objects.filter(body=f"{role} 의견").exists()
    if role == "anonymous":
        assert urlsplit(response.url).path == reverse("account_login")
        assert not created
    else:
        assert created
