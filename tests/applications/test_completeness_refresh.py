import pytest
from django.urls import reverse

from surveys.models import Application
from surveys.services import applications as service
from tests.applications.test_submission import _fill, _organization

pytestmark = pytest.mark.django_db


def test_a_new_required_question_marks_received_applications_incomplete(
    client, admin, open_survey, applicant, complete_answers
):
    application = _fill(
        service.application_create(open_survey, organization=_organization(applicant), actor=applicant),
        complete_answers,
        applicant,
    )
    service.application_submit(application, actor=applicant)
    assert Application.objects.get(pk=application.pk).missing_count == 0
    client.force_login(admin)
    existing = open_survey.questions.get()
    response = client.post(
        reverse("surveys:manage_questions", kwargs={"pk": open_survey.pk}),
        {
            "questions-TOTAL_FORMS": "2",
            "questions-INITIAL_FORMS": "1",
            "questions-MIN_NUM_FORMS": "0",
            "questions-MAX_NUM_FORMS": "1000",
            "questions-0-id": existing.pk,
            "questions-0-order": "1",
            "questions-0-type": "number",
            "questions-0-label": existing.label,
            "questions-0-required": "on",
            "questions-1-order": "2",
            "questions-1-type": "short_text",
            "questions-1-label": "생산 거점",
            "questions-1-required": "on",
        },
    )
    assert response.status_code == 302
    assert Application.objects.get(pk=application.pk).missing_count == 1
