"""Who may open the results and objections URLs: the applicant's members, the ministry admin, the routed reviewer."""

from datetime import datetime
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from portal.enums import OrganizationType
from portal.models.identity import AssociationMembership
from review.services import results as service
from tests.factories import OrganizationFactory, make_user
from tests.review.helpers import add_reviewer, log_in, organization_of
from tests.review.results_helpers import KST, published_result

pytestmark = pytest.mark.django_db

APPLICANT_PAGE, MANAGE_PAGE, OPINION_PAGE = "applicant", "manage", "opinion"

#: url name → (who it is for, how to build its kwargs from the world)
ROWS = {
    "objection_lodge": (APPLICANT_PAGE, lambda w: {"pk": w["result"].application_id}),
    "evaluation_summary": (APPLICANT_PAGE, lambda w: {"pk": w["result"].application_id}),
    "objection_list": (MANAGE_PAGE, lambda w: {"pk": w["result"].application.survey_id}),
    "objection_manage": (MANAGE_PAGE, lambda w: {"pk": w["objection"].pk}),
    "objection_opinion": (OPINION_PAGE, lambda w: {"pk": w["objection"].pk}),
}

ROLES = [
    "anonymous",
    "applicant",
    "colleague",
    "other_applicant",
    "association_staff",
    "secretary",
    "routed_reviewer",
    "other_reviewer",
    "admin",
]

ALLOWED = {
    "applicant": APPLICANT_PAGE,
    "colleague": APPLICANT_PAGE,
    "routed_reviewer": OPINION_PAGE,
    "admin": MANAGE_PAGE,
}


@pytest.fixture
def world(open_survey, applicant, admin, panel, time_machine):
    time_machine.move_to(datetime(2026, 12, 3, 9, 0, tzinfo=KST), tick=False)
    association = OrganizationFactory(type=OrganizationType.ASSOCIATION, name="한국로봇산업협회", code="KAR")
    AssociationMembership.objects.create(member=organization_of(applicant), association=association)
    result = published_result(open_survey, applicant, admin)
    objection = service.objection_lodge(result, ground="fact", body="사실관계 오류", actor=applicant)
    routed = add_reviewer(panel, name="의견위원")
    service.objection_route(objection, reviewers=[routed], actor=admin)
    users = {
        "anonymous": None,
        "applicant": applicant,
        "colleague": make_user("applicant", organization=organization_of(applicant)),
        "other_applicant": make_user("applicant", manager=True),
        "association_staff": make_user("association_staff", organization=association),
        "secretary": make_user("secretary"),
        "routed_reviewer": routed,
        "other_reviewer": add_reviewer(panel, name="다른위원"),
        "admin": admin,
    }
    return {"result": result, "objection": objection, "users": users}


@pytest.mark.parametrize("role", ROLES)
def test_the_url_role_matrix(client, world, role):
    log_in(client, world["users"][role])
    wrong = []
    for name, (kind, kwargs) in ROWS.items():
        response = client.get(reverse(f"review:{name}", kwargs=kwargs(world)))
        expected = 302 if role == "anonymous" else 200 if ALLOWED.get(role) == kind else 404
        if response.status_code != expected:
            wrong.append(f"{name}: {response.status_code}, expected {expected}")
        elif role == "anonymous" and urlsplit(response.url).path != reverse("account_login"):
            wrong.append(f"{name}: redirected to {response.url}, not to the login")
    assert not wrong, "\n".join(wrong)


def test_posts_by_the_unpermitted_are_404(client, world):
    """An other applicant cannot lodge, a reviewer cannot route, the applicant cannot write an opinion."""
    objection = world["objection"]
    attempts = [
        ("other_applicant", "objection_lodge", {"pk": world["result"].application_id}, {"ground": "fact", "body": "x"}),
        (
            "routed_reviewer",
            "objection_manage",
            {"pk": objection.pk},
            {"action": "decide", "outcome": "upheld", "reason": "x"},
        ),
        ("applicant", "objection_opinion", {"pk": objection.pk}, {"opinion": "x"}),
    ]
    for role, name, kwargs, data in attempts:
        log_in(client, world["users"][role])
        assert client.post(reverse(f"review:{name}", kwargs=kwargs), data).status_code == 404, (role, name)
    objection.refresh_from_db()
    assert objection.status == "routed" and not objection.opinions.filter(submitted_at__isnull=False).exists()


def test_an_application_without_a_result_has_no_objection_page(client, open_survey, applicant):
    from tests.review.results_helpers import make_application

    application = make_application(open_survey, applicant, status="submitted")
    log_in(client, applicant)
    assert client.get(reverse("review:objection_lodge", kwargs={"pk": application.pk})).status_code == 404
