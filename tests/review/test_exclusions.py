"""The applicant's list of experts to exclude: limits, the stage window, and its effect on assignment."""

import pytest
from django.urls import reverse

from portal.exceptions import DomainError
from portal.models import AuditEvent
from review.models import ExclusionRequest
from review.services import exclusions
from review.services.assignment import assign_automatically
from surveys.models import Survey
from surveys.services import applications as service
from tests.review.helpers import accepted_application, add_reviewer, log_in, organization_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(open_survey, applicant):
    return service.application_create(open_survey, organization=organization_of(applicant), actor=applicant)


def test_the_applicant_adds_and_removes_experts(client, application, applicant):
    log_in(client, applicant)
    url = reverse("review:exclusions", kwargs={"pk": application.pk})
    response = client.post(url, {"name": "홍길동", "email": "Hong@Rival.example", "reason": "경쟁사 재직"})
    assert response.status_code == 302
    request = application.exclusion_requests.get()
    assert (request.name, request.email, request.reason) == ("홍길동", "hong@rival.example", "경쟁사 재직")
    assert AuditEvent.objects.filter(action="review.exclusion.added").count() == 1
    page = client.get(url).content.decode()
    assert "hong@rival.example" in page
    remove = reverse("review:exclusion_remove", kwargs={"pk": application.pk, "exclusion_pk": request.pk})
    assert client.post(remove).status_code == 302
    assert not application.exclusion_requests.exists()


def test_bad_input_is_refused_with_the_text_kept(client, application, applicant):
    log_in(client, applicant)
    url = reverse("review:exclusions", kwargs={"pk": application.pk})
    response = client.post(url, {"name": "", "email": "", "reason": "공동연구 수행 중인 연구자"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "공동연구 수행 중인 연구자" in page
    assert not ExclusionRequest.objects.exists()


def test_at_most_three_experts_each_once(application, applicant):
    exclusions.exclusion_add(application, actor=applicant, email="same@x.example", reason="경쟁")
    with pytest.raises(DomainError) as error:
        exclusions.exclusion_add(application, actor=applicant, email="SAME@x.example", reason="경쟁")
    assert error.value.code == "duplicate"
    application.exclusion_requests.all().delete()
    for n in range(exclusions.MAX_EXCLUSIONS):
        exclusions.exclusion_add(application, actor=applicant, email=f"e{n}@x.example", reason="경쟁")
    with pytest.raises(DomainError) as error:
        exclusions.exclusion_add(application, actor=applicant, email="e9@x.example", reason="경쟁")
    assert error.value.code == "limit"


def test_the_list_closes_when_the_review_starts(client, application, applicant):
    exclusions.exclusion_add(application, actor=applicant, name="홍길동", reason="경쟁")
    Survey.objects.filter(pk=application.survey_id).update(stage="technical_review")
    application.refresh_from_db()
    with pytest.raises(DomainError) as error:
        exclusions.exclusion_add(application, actor=applicant, name="김철수", reason="경쟁")
    assert error.value.code == "closed"
    log_in(client, applicant)
    request = application.exclusion_requests.get()
    remove = reverse("review:exclusion_remove", kwargs={"pk": application.pk, "exclusion_pk": request.pk})
    client.post(remove)
    assert application.exclusion_requests.exists()


def test_an_excluded_expert_is_never_assigned(open_survey, applicant, complete_answers, admin, panel):
    excluded = add_reviewer(panel, name="기피대상")
    others = [add_reviewer(panel, name=f"위원{n}") for n in range(2)]
    accepted = accepted_application(open_survey, applicant, complete_answers, admin)
    exclusions.exclusion_add(accepted, actor=applicant, email=excluded.email, reason="경쟁사 재직")
    Survey.objects.filter(pk=open_survey.pk).update(stage="technical_review")
    assign_automatically(Survey.objects.get(pk=open_survey.pk), actor=admin)
    assigned = set(accepted.candidate.assignments.values_list("reviewer_id", flat=True))
    assert assigned == {reviewer.pk for reviewer in others}
