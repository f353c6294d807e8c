"""Every role's dashboard shows what works, and the admin reaches each tool of a call in one click."""

import pytest
from django.urls import reverse

from surveys.enums import SurveyKind, SurveyStage
from tests.factories import make_user
from tests.surveys.helpers import make_survey

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["admin", "secretary", "association_staff", "applicant", "reviewer"])
def test_no_dashboard_shows_a_not_yet_available_card(client, role):
    user = make_user(role)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    html = client.get(reverse("dashboard", kwargs={"role": role})).content.decode()
    assert "stage-unavailable" not in html and "준비 중" not in html and "Not yet available" not in html


def test_admin_reaches_every_tool_of_each_call_from_the_dashboard(client):
    admin = make_user("admin")
    technology = make_survey(stage=SurveyStage.TECHNICAL_REVIEW)
    complex_call = make_survey(kind=SurveyKind.COMPLEX, stage=SurveyStage.ADVISORY_REVIEW)
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    html = client.get(reverse("dashboard", kwargs={"role": "admin"})).content.decode()
    for survey in (technology, complex_call):
        for name in (
            "surveys:manage_detail",
            "surveys:intake_list",
            "review:overview",
            "review:committee",
            "review:national_meetings",
            "review:notices",
            "review:objection_list",
        ):
            assert reverse(name, kwargs={"pk": survey.pk}) in html, name
    assert reverse("review:register") in html and reverse("review:complex_register") in html
    assert "전문가 자문단" in html or "Expert advisory panel" in html
