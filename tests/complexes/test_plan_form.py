"""The development plan: repeatable rows, totals, numbers as typed, errors that keep the input."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys.application_schema import section_by_key, section_form_class
from surveys.models import Application
from surveys.services import applications as service
from surveys.services.applications import labelled_answers
from tests.complexes.world import complex_call, plan_answers, province_applicant

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(admin):
    return complex_call(admin)


@pytest.fixture
def province(db):
    return province_applicant()


def _draft(call, province):
    organization = province.memberships.get().organization
    return service.application_create(call, organization=organization, actor=province)


def _client(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_complete_plan_passes_the_completeness_check_and_submits(call, province):
    application = _draft(call, province)
    for section, data in plan_answers(call).items():
        application = service.application_save_draft(
            application, section=section, data=data, revision=application.revision, actor=province
        )
    assert service.completeness(application) == []
    version = service.application_submit(Application.objects.get(pk=application.pk), actor=province)
    assert version.answers["companies"]["anchor_companies"][0]["investment"] == "12000"


def test_plan_without_anchor_companies_is_incomplete(call, province):
    application = _draft(call, province)
    answers = plan_answers(call)
    answers["companies"]["anchor_companies"] = []
    for section, data in answers.items():
        application = service.application_save_draft(
            application, section=section, data=data, revision=application.revision, actor=province
        )
    missing = {(m.section, m.field) for m in service.completeness(application)}
    assert ("companies", "anchor_companies") in missing


def test_rows_posted_through_the_form_are_stored_as_typed_with_totals(client, call, province):
    application = _draft(call, province)
    url = reverse("surveys:application_edit", kwargs={"pk": application.pk, "section": "companies"})
    response = _client(client, province).post(
        url,
        {
            "revision": application.revision,
            "action": "save",
            "companies-anchor_companies-0-company": "한빛에너지소재",
            "companies-anchor_companies-0-investment": "1,200",
            "companies-anchor_companies-0-year": "2027",
            "companies-anchor_companies-0-jobs": "70",
            "companies-anchor_companies-1-company": "가람정밀",
            "companies-anchor_companies-1-investment": "300.5",
            "companies-anchor_companies-1-year": "2028",
            "companies-anchor_companies-1-jobs": "30",
        },
    )
    assert response.status_code in (200, 302)
    application.refresh_from_db()
    rows = application.answers["companies"]["anchor_companies"]
    assert [(r["company"], r["investment"], r["jobs"]) for r in rows] == [
        ("한빛에너지소재", "1200", "70"),
        ("가람정밀", "300.5", "30"),
    ]
    shown = {
        name: value for _title, items in labelled_answers(call, application.answers) for name, _label, value in items
    }
    text = shown["anchor_companies"]
    assert "1,200" in text and "1,500.5" in text and "100" in text
    assert "E+" not in text


def test_a_bad_row_is_refused_with_its_row_named_and_the_input_kept(client, call, province):
    application = _draft(call, province)
    url = reverse("surveys:application_edit", kwargs={"pk": application.pk, "section": "companies"})
    response = _client(client, province).post(
        url,
        {
            "revision": application.revision,
            "action": "next",
            "companies-anchor_companies-0-company": "한빛에너지소재",
            "companies-anchor_companies-0-investment": "많이",
            "companies-anchor_companies-0-year": "2027",
            "companies-anchor_companies-0-jobs": "70",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="많이"' in html and 'value="한빛에너지소재"' in html
    application.refresh_from_db()
    assert application.answers["companies"]["anchor_companies"][0]["investment"] == "많이"
    form = section_form_class(call, section_by_key(call, "companies"))(
        data={"companies-anchor_companies": application.answers["companies"]["anchor_companies"]}, prefix="companies"
    )
    assert not form.is_valid()
    assert "1" in str(form.errors["anchor_companies"])


def test_site_section_offers_provinces_and_existing_complexes(client, call, province):
    application = _draft(call, province)
    html = (
        _client(client, province)
        .get(reverse("surveys:application_edit", kwargs={"pk": application.pk, "section": "site"}))
        .content.decode()
    )
    assert "충청북도" in html and 'name="site-phases-0-phase"' in html
    html = client.get(
        reverse("surveys:application_edit", kwargs={"pk": application.pk, "section": "value_chain"})
    ).content.decode()
    assert "청주 이차전지 특화단지" in html and "새만금" in html


def test_the_plans_receipt_pdf_shows_rows_and_totals(call, province):
    from portal.services.pdf import render_pdf
    from surveys.services.receipts import version_pdf_context
    from tests.collection.helpers import pdf_text

    application = _draft(call, province)
    for section, data in plan_answers(call).items():
        application = service.application_save_draft(
            application, section=section, data=data, revision=application.revision, actor=province
        )
    version = service.application_submit(Application.objects.get(pk=application.pk), actor=province)
    text = pdf_text(render_pdf("pdf/application_version.html", version_pdf_context(version)))
    assert "한빛에너지소재" in text and "15,500" in text and "1,050" in text
    assert "3,500,000" in text or "3500000" in text


def test_deadline_is_18_00_korea_time_by_default(admin):
    call = complex_call(admin)
    assert timezone.localtime(call.deadline).hour in range(24)  # stored as given
    assert call.deadline > timezone.now() + timedelta(days=6)
