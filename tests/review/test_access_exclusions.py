"""Who may open the exclusion list of an application: its organisation's applicants only."""

import pytest
from django.urls import reverse

from review.services import exclusions
from surveys.services import applications as service
from tests.factories import make_user
from tests.review.helpers import log_in, organization_of

pytestmark = pytest.mark.django_db

ROWS = {
    "exclusions": ("get", lambda w: {"pk": w["application"].pk}),
    "exclusion_remove": ("post", lambda w: {"pk": w["application"].pk, "exclusion_pk": w["exclusion"].pk}),
}

ROLES = ["anonymous", "applicant", "other_applicant", "reviewer", "secretary", "admin"]


@pytest.fixture
def world(open_survey, applicant):
    application = service.application_create(open_survey, organization=organization_of(applicant), actor=applicant)
    exclusion = exclusions.exclusion_add(application, actor=applicant, name="홍길동", reason="경쟁")
    users = {
        "anonymous": None,
        "applicant": applicant,
        "other_applicant": make_user("applicant", manager=True),
        "reviewer": make_user("reviewer"),
        "secretary": make_user("secretary"),
        "admin": make_user("admin"),
    }
    return {"application": application, "exclusion": exclusion, "users": users}


@pytest.mark.parametrize("role", ROLES)
def test_the_url_role_matrix(client, world, role):
    log_in(client, world["users"][role])
    for name, (method, kwargs) in ROWS.items():
        response = getattr(client, method)(reverse(f"review:{name}", kwargs=kwargs(world)))
        expected = {"anonymous": 302, "applicant": 200 if method == "get" else 302}.get(role, 404)
        assert response.status_code == expected, (name, role)
        if role == "anonymous":
            assert response.url.startswith(reverse("account_login"))
