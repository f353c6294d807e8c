"""The complex call's panel view, subcommittee list and site-visit page cost the same at 10 and 200 plans."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from review.models import SiteVisit
from review.services import committee
from review.services.pool import panel_for
from surveys.enums import SurveyStage
from surveys.models import Candidate, Survey
from tests.complexes.world import complex_call
from tests.review.helpers import add_reviewer, assign

pytestmark = pytest.mark.django_db


def _plans(survey, size):
    start = Candidate.objects.filter(survey=survey).count()
    Candidate.objects.bulk_create(
        Candidate(survey=survey, number=f"BAT-{index + 1:04d}", title=f"특화단지 계획 {index + 1}", field_code="BAT")
        for index in range(start, size)
    )


def _count(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.fixture
def call(admin):
    return complex_call(admin, stage=SurveyStage.ADVISORY_REVIEW)


def test_panel_view_does_not_grow_with_plans(admin_client, call):
    url = reverse("review:overview", kwargs={"pk": call.pk})
    _plans(call, 10)
    small, html = _count(admin_client, url)
    assert (
        html.count("data-candidate=") == 10
        and reverse("review:site_visits", kwargs={"pk": Candidate.objects.get(number="BAT-0001").pk}) in html
    )
    _plans(call, 200)
    large, html = _count(admin_client, url)
    assert html.count("data-candidate=") == 50
    assert large == small, f"{small} queries at 10 plans, {large} at 200"


def test_subcommittee_list_does_not_grow_with_plans(admin_client, admin, call):
    Survey.objects.filter(pk=call.pk).update(stage=SurveyStage.SUBCOMMITTEE)
    call.refresh_from_db()
    committee.meeting_save(
        call, field_code="BAT", held_on=timezone.localdate(), attendees="7인", minutes="평가", actor=admin
    )
    url = reverse("review:committee_field", kwargs={"pk": call.pk, "field_code": "BAT"})
    _plans(call, 10)
    small, html = _count(admin_client, url)
    assert "BAT-0010" in html
    _plans(call, 200)
    large, html = _count(admin_client, url)
    assert "BAT-0050" in html or "BAT-0200" in html
    assert large == small, f"{small} queries at 10 plans, {large} at 200"


def test_site_visit_page_does_not_grow_with_visits(admin_client, admin, call):
    _plans(call, 1)
    plan = Candidate.objects.get(survey=call)
    member = add_reviewer(panel_for(call, "BAT"), name="김자문")
    assign(plan, member, admin)
    url = reverse("review:site_visits", kwargs={"pk": plan.pk})

    def visits(n):
        for index in range(SiteVisit.objects.filter(candidate=plan).count(), n):
            visit = SiteVisit.objects.create(
                candidate=plan, visited_on=timezone.localdate(), findings=f"점검 {index}", recorded_by=admin
            )
            visit.members.add(member)

    visits(2)
    small, html = _count(admin_client, url)
    assert html.count('data-testid="site-visit"') == 2
    visits(20)
    large, html = _count(admin_client, url)
    assert html.count('data-testid="site-visit"') == 20
    assert large == small
