"""Figures in applications: stored as typed, and shown in Korean style on every page and PDF that shows
answers, including versions stored in scientific notation before."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from review.services.blind import blind_proposals
from surveys.models import Application, ApplicationVersion
from surveys.services import applications as service
from surveys.services.intake import intake_accept
from surveys.services.receipts import version_pdf_context

pytestmark = pytest.mark.django_db


def _draft(survey, user, answers):
    application = service.application_create(survey, organization=user.memberships.get().organization, actor=user)
    for section, data in answers.items():
        application = service.application_save_draft(
            application, section=section, data=data, revision=application.revision, actor=user
        )
    return application


def _rows(sections):
    return {label: value for _title, rows in sections for _name, label, value in rows}


def test_round_numbers_are_stored_as_typed(
    open_survey, applicant, complete_answers, login, django_capture_on_commit_callbacks
):
    question = open_survey.questions.get()
    application = _draft(
        open_survey, applicant, {k: v for k, v in complete_answers.items() if k not in ("economy", "extra")}
    )
    client = login(applicant)
    economy = {f"economy-{name}": value for name, value in complete_answers["economy"].items()}
    economy["economy-exports_y1"] = "70"
    economy["economy-imports_y1"] = "70.0"
    for section, data in (("economy", economy), ("extra", {f"extra-{question.field_name}": "3500000"})):
        application.refresh_from_db()
        response = client.post(
            reverse("surveys:application_edit", kwargs={"pk": application.pk, "section": section}),
            {"revision": application.revision, "action": "save", **data},
        )
        assert response.status_code in (200, 302)
    application.refresh_from_db()
    assert application.answers["economy"]["exports_y1"] == "70"
    assert application.answers["economy"]["imports_y1"] == "70"
    assert application.answers["extra"][question.field_name] == "3500000"
    with django_capture_on_commit_callbacks(execute=True):
        version = service.application_submit(application, actor=applicant)
    assert version.answers["economy"]["exports_y1"] == "70"
    assert version.answers["extra"][question.field_name] == "3500000"


@pytest.fixture
def old_version(open_survey, applicant, complete_answers, django_capture_on_commit_callbacks):
    """A version stored as the portal used to store round numbers: "7E+1", "3.5E+6"."""
    application = _draft(open_survey, applicant, complete_answers)
    question = open_survey.questions.get()
    answers = {
        **application.answers,
        "economy": {**application.answers["economy"], "exports_y1": "7E+1"},
        "extra": {question.field_name: "3.5E+6"},
    }
    Application.objects.filter(pk=application.pk).update(answers=answers)
    application.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        version = service.application_submit(application, actor=applicant)
    version = ApplicationVersion.objects.get(pk=version.pk)
    assert version.answers["economy"]["exports_y1"] == "7E+1"  # the stored version is left as it is
    return version


def test_old_versions_show_korean_figures_with_units(old_version):
    rows = _rows(version_pdf_context(old_version)["sections"])
    values = list(rows.values())
    assert "70억 원" in values
    assert "3,500,000억 원" in values
    assert not any("E+" in value for value in values)


def test_old_version_pdf_prints_korean_figures(old_version):
    with old_version.pdf.open("rb") as handle:
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)
    assert "3,500,000억" in text.replace(" ", "")
    assert "E+" not in text


def test_old_version_page_and_intake_show_korean_figures(old_version, applicant, admin, login):
    client = login(applicant)
    page = client.get(reverse("surveys:version_detail", kwargs={"pk": old_version.application_id, "number": 1}))
    assert page.status_code == 200
    html = page.content.decode()
    assert "3,500,000억 원" in html and "7E+1" not in html and "3.5E+6" not in html
    client = login(admin)
    intake = client.get(
        reverse(
            "surveys:intake_application",
            kwargs={"pk": old_version.application.survey_id, "application_pk": old_version.application_id},
        )
    )
    assert intake.status_code == 200
    assert "70억 원" in intake.content.decode() and "7E+1" not in intake.content.decode()


def test_old_versions_read_by_reviewers_show_korean_figures(old_version, admin):
    application = intake_accept(old_version.application, actor=admin)
    rows = _rows(blind_proposals(application.candidate)[0].sections)
    assert "70억 원" in rows.values() and "3,500,000억 원" in rows.values()


def test_a_draft_saved_in_scientific_notation_edits_as_a_plain_number(open_survey, applicant, complete_answers, login):
    application = _draft(open_survey, applicant, {"economy": complete_answers["economy"]})
    Application.objects.filter(pk=application.pk).update(
        answers={**application.answers, "economy": {**application.answers["economy"], "exports_y1": "7E+1"}}
    )
    page = login(applicant).get(
        reverse("surveys:application_edit", kwargs={"pk": application.pk, "section": "economy"})
    )
    assert page.status_code == 200
    assert 'value="70"' in page.content.decode()
