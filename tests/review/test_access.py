"""Who may open which review URL: every URL name in review.urls against every role."""

from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import review.urls
from portal.enums import OrganizationType
from portal.models import Organization
from portal.models.identity import AssociationMembership
from review.services.blind import blind_proposals
from tests.factories import MINIMAL_PDF, OrganizationFactory, make_user
from tests.review.helpers import accept, accepted_candidate, add_reviewer, assign, log_in, organization_of

pytestmark = pytest.mark.django_db

PDF = MINIMAL_PDF

REVIEWER_PAGE, MANAGE_PAGE, SCORES_PAGE = "reviewer", "manage", "scores"

#: url name → (what it is, method, how to build its kwargs from the world)
ROWS = {
    "pledge": (REVIEWER_PAGE, "get", lambda w: {"pk": w["survey"].pk}),
    "assignment": (REVIEWER_PAGE, "get", lambda w: {"pk": w["assignment"].pk}),
    "attachment": (REVIEWER_PAGE, "get", lambda w: {"pk": w["assignment"].pk, "attachment_id": w["attachment_id"]}),
    "review_pdf": (REVIEWER_PAGE, "get", lambda w: {"pk": w["assignment"].pk}),
    "overview": (MANAGE_PAGE, "get", lambda w: {"pk": w["survey"].pk}),
    "auto_assign": (MANAGE_PAGE, "post", lambda w: {"pk": w["survey"].pk}),
    "panel": (MANAGE_PAGE, "get", lambda w: {"pk": w["survey"].pk, "field_code": "ROB"}),
    "candidate_assign": (MANAGE_PAGE, "get", lambda w: {"pk": w["candidate"].pk}),
    "aggregate": (SCORES_PAGE, "get", lambda w: {"pk": w["candidate"].pk}),
}

ROLES = [
    "anonymous",
    "applicant",
    "association_staff",
    "ministry_liaison",
    "observer",
    "secretary",
    "other_reviewer",
    "assigned_reviewer",
    "admin",
]


def _all_rows() -> set[str]:
    """URL names with a row here or in another ``tests/review/test_access_*.py`` module's ``ROWS``."""
    import importlib
    import pkgutil

    import tests.review
    from tests.site.test_url_matrix import MATRIX

    names = set(ROWS)
    # pages added since the site-wide matrix exists have their role rows there (anonymous to admin)
    names |= {key.split("[")[0].removeprefix("review:") for key in MATRIX if key.startswith("review:")}
    for module in pkgutil.iter_modules(tests.review.__path__):
        if module.name.startswith("test_access_"):
            names |= set(importlib.import_module(f"tests.review.{module.name}").ROWS)
    return names


def test_every_review_url_has_a_row():
    names = {pattern.name for pattern in review.urls.urlpatterns}
    rows = _all_rows()
    assert names == rows, f"add rows for {names - rows}; drop rows for {rows - names}"


@pytest.fixture
def world(open_survey, applicant, complete_answers, admin, panel):
    association = OrganizationFactory(type=OrganizationType.ASSOCIATION, name="한국로봇산업협회", code="KAR")
    AssociationMembership.objects.create(member=organization_of(applicant), association=association)
    upload = SimpleUploadedFile("proposal.pdf", PDF)
    candidate = accepted_candidate(open_survey, applicant, complete_answers, admin, attachments=[upload])
    second_applicant = make_user("applicant", manager=True)
    second = accepted_candidate(open_survey, second_applicant, complete_answers, admin, title="두 번째 기술")
    assigned = add_reviewer(panel, name="배정위원")
    other = add_reviewer(panel, name="다른위원")
    assignment = accept(assign(candidate, assigned, admin))
    accept(assign(second, other, admin))  # the other reviewer works on the same call, another candidate
    msit = Organization.objects.create(name="과학기술정보통신부", type=OrganizationType.MINISTRY, code="MSIT")
    users = {
        "anonymous": None,
        "applicant": applicant,
        "association_staff": make_user("association_staff", organization=association),
        "ministry_liaison": make_user("ministry_liaison"),
        "observer": make_user("observer", organization=msit),
        "secretary": make_user("secretary"),
        "other_reviewer": other,
        "assigned_reviewer": assigned,
        "admin": admin,
    }
    attachment_id = blind_proposals(candidate)[0].attachments[0]["id"]
    return {
        "survey": open_survey,
        "candidate": candidate,
        "assignment": assignment,
        "attachment_id": attachment_id,
        "users": users,
    }


def _expected(role: str, name: str) -> int:
    kind = ROWS[name][0]
    if role == "anonymous":
        return 302
    if role == "assigned_reviewer":
        return 200 if kind == REVIEWER_PAGE else 404
    if role == "other_reviewer":
        return 200 if name == "pledge" else 404  # the pledge covers the call, where they have work too
    if role == "admin":
        if kind == REVIEWER_PAGE:
            return 404
        return 302 if name == "auto_assign" else 200
    if role == "secretary":
        return 200 if kind == SCORES_PAGE else 404
    return 404


@pytest.mark.parametrize("role", ROLES)
def test_the_url_role_matrix(client, world, role):
    log_in(client, world["users"][role])
    wrong = []
    for name, (_kind, method, kwargs) in ROWS.items():
        url = reverse(f"review:{name}", kwargs=kwargs(world))
        response = getattr(client, method)(url)
        expected = _expected(role, name)
        if response.status_code != expected:
            wrong.append(f"{method.upper()} {name}: {response.status_code}, expected {expected}")
            continue
        if role == "anonymous":
            target = urlsplit(response.url)
            if target.path != reverse("account_login") or "next=" not in target.query:
                wrong.append(f"{name}: redirected to {response.url}, not to the login")
        elif expected == 302:  # the admin's automatic assignment returns to the overview
            if response.url != reverse("review:overview", kwargs={"pk": world["survey"].pk}):
                wrong.append(f"{name}: redirected to {response.url}")
    assert not wrong, "\n".join(wrong)


def test_the_automatic_assignment_takes_post_only(client, world):
    log_in(client, world["users"]["admin"])
    assert client.get(reverse("review:auto_assign", kwargs={"pk": world["survey"].pk})).status_code == 405


def test_an_ended_assignment_closes_to_its_reviewer(client, world, open_survey, admin, panel):
    from review.services import reviewing

    candidate = world["candidate"]
    reviewer = add_reviewer(panel, name="사퇴위원")
    assignment = assign(candidate, reviewer, admin)
    reviewing.pledge_sign(open_survey, reviewer=reviewer, signed_name=reviewer.name)
    reviewing.decline(assignment, reviewer=reviewer, reason="일정 문제")
    log_in(client, reviewer)
    for name in ("assignment", "review_pdf"):
        assert client.get(reverse(f"review:{name}", kwargs={"pk": assignment.pk})).status_code == 404
    url = reverse("review:attachment", kwargs={"pk": assignment.pk, "attachment_id": world["attachment_id"]})
    assert client.get(url).status_code == 404


def test_an_attachment_of_another_candidate_is_not_served(client, world, open_survey, admin, panel):
    """The assigned reviewer cannot fetch attachments by id outside their candidate."""
    log_in(client, world["users"]["other_reviewer"])
    other_assignment = world["users"]["other_reviewer"].assignments.get()
    url = reverse("review:attachment", kwargs={"pk": other_assignment.pk, "attachment_id": world["attachment_id"]})
    assert client.get(url).status_code == 404
