"""The printable blank form of a call, and the applicant's draft as PDF marked as a draft."""

import pytest
from django.urls import reverse

from surveys.models import AccessEvent, Criterion
from surveys.printable import form_outline
from surveys.services import applications as applying
from tests.applications.conftest import admin, applicant, complete_answers, open_survey  # noqa: F401
from tests.collection.helpers import pdf_text
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _organization(user):
    return user.memberships.get().organization


def test_the_outline_holds_every_question_criterion_and_limit(open_survey):  # noqa: F811
    outline = form_outline(open_survey)
    rows = {row.label: row for section in outline for row in section.rows}
    name = outline[0].rows[0]  # the technology name
    assert name.required and any("200" in limit for limit in name.limits)
    labels = " ".join(rows)
    for criterion in open_survey.criteria.all():
        assert criterion.display_title in labels
    question = open_survey.questions.get()
    assert rows[question.label].required and rows[question.label].kind
    level = next(row for row in rows.values() if "100" in " ".join(row.limits))
    assert any("0" in limit for limit in level.limits)  # the domestic level: 0 to 100


def test_the_blank_form_pdf_lists_the_questions(client, open_survey):  # noqa: F811
    Criterion.objects.filter(survey=open_survey, number=1).update(title="공급망 영향 특별기준")
    open_survey.refresh_from_db()
    response = client.get(reverse("surveys:call_form_pdf", kwargs={"pk": open_survey.pk}))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "공급망영향특별기준" in text
    assert "연구개발투자액" in text  # the call's own question
    assert "최대200자" in text  # a field limit
    page = client.get(reverse("surveys:call_detail", kwargs={"pk": open_survey.pk}))
    assert reverse("surveys:call_form_pdf", kwargs={"pk": open_survey.pk}).encode() in page.content


def test_a_draft_call_has_no_blank_form(client, open_survey):  # noqa: F811
    type(open_survey).objects.filter(pk=open_survey.pk).update(stage="draft")
    assert client.get(reverse("surveys:call_form_pdf", kwargs={"pk": open_survey.pk})).status_code == 404


def test_the_applicant_downloads_the_draft_marked_as_draft(client, open_survey, applicant, complete_answers):  # noqa: F811
    application = applying.application_create(open_survey, organization=_organization(applicant), actor=applicant)
    application = applying.application_save_draft(
        application, section="basic", data=complete_answers["basic"], revision=application.revision, actor=applicant
    )
    client.force_login(applicant)
    detail = client.get(reverse("surveys:application_detail", kwargs={"pk": application.pk}))
    url = reverse("surveys:application_draft_pdf", kwargs={"pk": application.pk})
    assert url.encode() in detail.content
    response = client.get(url)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    text = pdf_text(response.content)
    assert "초안" in text and "협동로봇용고정밀감속기" in text
    assert AccessEvent.objects.filter(application=application, action="draft_pdf", user=applicant).exists()


def test_no_one_else_gets_the_draft(client, open_survey, applicant, admin):  # noqa: F811
    application = applying.application_create(open_survey, organization=_organization(applicant), actor=applicant)
    url = reverse("surveys:application_draft_pdf", kwargs={"pk": application.pk})
    for user in (make_user("applicant"), make_user("reviewer"), admin):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
