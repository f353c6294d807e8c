"""The international R&D proposal: categories, consortium, partners, dispatch, IP and a budget that adds up."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.enums import OrganizationType
from portal.exceptions import DomainError
from surveys.application_schema import section_by_key, section_form_class
from surveys.enums import SurveyKind, SurveyStage
from surveys.models import Application, Category, ListedTechnology
from surveys.services import applications as service
from surveys.services.applications import labelled_answers
from surveys.services.categories import listed_technologies_import
from tests.factories import OrganizationFactory, make_user
from tests.surveys.helpers import make_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(admin):
    return make_survey(
        kind=SurveyKind.INTERNATIONAL_RND,
        stage=SurveyStage.COLLECTION,
        fields=("SEM", "BAT"),
        eligible_types=(OrganizationType.COMPANY,),
    )


@pytest.fixture
def company(db):
    return make_user("applicant", organization=OrganizationFactory(name="가람반도체"), manager=True)


def _answers(call):
    leap = call.categories.get(horizon_years=5)
    return {
        "basic": {
            "technology_name": "차세대 EUV 펠리클 소재",
            "field": "SEM",
            "sub_field": "",
            "summary": "EUV 투과율 95%",
            "category": str(leap.pk),
            "listed_technology": "",
        },
        "specification": {
            "specification": "투과율 95% 이상",
            "mass_production": "롤투롤 공정",
            "products": "EUV 펠리클",
        },
        "consortium": {
            "consortium": [
                {"organization": "가람반도체", "type": "company", "role": "주관"},
                {"organization": "한국과학기술원", "type": "university", "role": "소재 분석"},
            ]
        },
        "cooperation": {
            "partners": [{"country": "BE", "institution": "imec", "role": "공정 검증", "agreement": "mou"}],
            "why_cooperation": "국내에 EUV 검증 인프라가 없음",
            "researchers_dispatched": "4",
            "dispatch_months": "12",
            "dispatch_direct": True,
        },
        "ip": {"ip_plan": "공동 소유, 국내 실시권 확보", "ip_confirmation": True},
        "budget": {
            "budget": [
                {"year": "2027", "government": "30", "private": "10", "total": "40"},
                {"year": "2028", "government": "35", "private": "15", "total": "50"},
            ]
        },
        "level": {
            "domestic_level": "60",
            "world_leader": "일본 M사",
            "industrialisation_stage": "development",
            "holders": "일본 M사, 벨기에 imec",
        },
        "criteria": {f"criterion_{c.number}": "근거" for c in call.criteria.all()},
        "contact": {
            "contact_name": "서지우",
            "contact_department": "연구소",
            "contact_phone": "031-000-0000",
            "contact_email": "seo@garam.example",
        },
    }


def _draft(call, company, answers):
    application = service.application_create(call, organization=company.memberships.get().organization, actor=company)
    for section, data in answers.items():
        application = service.application_save_draft(
            application, section=section, data=data, revision=application.revision, actor=company
        )
    return application


def test_the_call_has_the_two_default_categories(call):
    assert [(c.name, c.horizon_years, c.quota) for c in call.categories.all()] == [
        ("초격차 기술", 5, 48),
        ("산업기반 기술", 10, 50),
    ]


def test_a_complete_proposal_submits_with_totals(call, company):
    application = _draft(call, company, _answers(call))
    service.attachment_add(application, upload=_pdf("imec-mou.pdf"), actor=company, partner_row=1)
    assert service.completeness(application) == []
    version = service.application_submit(Application.objects.get(pk=application.pk), actor=company)
    shown = {name: value for _t, rows in labelled_answers(call, version.answers) for name, _l, value in rows}
    assert "imec" in shown["partners"] and ("벨기에" in shown["partners"] or "Belgium" in shown["partners"])
    assert "90" in shown["budget"]  # 40 + 50
    assert shown["ip_confirmation"] in ("예", "Yes")
    assert [a["partner_row"] for a in version.attachments] == [1]


def test_a_proposal_without_a_partner_is_incomplete_and_keeps_the_rest(call, company):
    answers = _answers(call)
    answers["cooperation"]["partners"] = []
    application = _draft(call, company, answers)
    missing = {(m.section, m.field) for m in service.completeness(application)}
    assert ("cooperation", "partners") in missing
    with pytest.raises(DomainError):
        service.application_submit(Application.objects.get(pk=application.pk), actor=company)
    application.refresh_from_db()
    assert application.answers["cooperation"]["why_cooperation"] == "국내에 EUV 검증 인프라가 없음"


def test_partner_rows_posted_without_a_country_are_refused_with_input_kept(client, call, company):
    application = _draft(call, company, {"basic": _answers(call)["basic"]})
    client.force_login(company, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("surveys:application_edit", kwargs={"pk": application.pk, "section": "cooperation"})
    response = client.post(
        url,
        {
            "revision": application.revision,
            "action": "next",
            "cooperation-partners-0-institution": "imec",
            "cooperation-partners-0-role": "검증",
            "cooperation-partners-0-agreement": "loi",
            "cooperation-why_cooperation": "필수",
        },
    )
    html = response.content.decode()
    assert 'value="imec"' in html
    application.refresh_from_db()
    assert application.answers["cooperation"]["partners"][0]["institution"] == "imec"


def test_budget_shares_must_add_up(call):
    form_class = section_form_class(call, section_by_key(call, "budget"))
    form = form_class(
        data={"budget-budget": [{"year": "2027", "government": "30", "private": "10", "total": "45"}]}, prefix="budget"
    )
    assert not form.is_valid()
    assert "1" in str(form.errors["budget"])


def test_confirmations_are_required(call):
    form_class = section_form_class(call, section_by_key(call, "ip"))
    form = form_class(data={"ip-ip_plan": "공동 소유"}, prefix="ip")
    assert not form.is_valid() and "ip_confirmation" in form.errors


def test_candidate_list_import_reports_bad_rows_and_offers_the_rest(call, admin):
    csv = (
        "기술명,분야,유형\nEUV 펠리클,SEM,초격차 기술\n고체전해질,BAT,산업기반 기술\n"
        "양자 센서,QNT,초격차 기술\n,SEM,초격차 기술\n"
    )
    result = listed_technologies_import(
        call, upload=SimpleUploadedFile("list.csv", csv.encode("utf-8-sig")), actor=admin
    )
    assert result.added == 2 and [line for line, _m in result.errors] == [4, 5]
    assert list(ListedTechnology.objects.filter(survey=call).values_list("number", "title")) == [
        (1, "EUV 펠리클"),
        (2, "고체전해질"),
    ]
    basic = section_form_class(call, section_by_key(call, "basic"))
    assert "EUV 펠리클" in str(basic(prefix="basic")["listed_technology"])


def test_a_listed_technology_must_match_its_category(call, admin):
    csv = "기술명,분야,유형\nEUV 펠리클,SEM,초격차 기술\n"
    listed_technologies_import(call, upload=SimpleUploadedFile("list.csv", csv.encode()), actor=admin)
    listed = ListedTechnology.objects.get(survey=call)
    other = Category.objects.get(survey=call, horizon_years=10)
    basic = section_form_class(call, section_by_key(call, "basic"))
    form = basic(
        prefix="basic",
        data={
            "basic-technology_name": "EUV 펠리클",
            "basic-field": "SEM",
            "basic-summary": "x",
            "basic-category": str(other.pk),
            "basic-listed_technology": str(listed.pk),
        },
    )
    assert not form.is_valid() and "listed_technology" in form.errors


def test_categories_page_is_for_international_calls_only(admin_client, call):
    url = reverse("surveys:manage_categories", kwargs={"pk": call.pk})
    assert admin_client.get(url).status_code == 200
    technology = make_survey()
    assert admin_client.get(reverse("surveys:manage_categories", kwargs={"pk": technology.pk})).status_code == 404


def _pdf(name="agreement.pdf"):
    from tests.factories import MINIMAL_PDF

    return SimpleUploadedFile(name, MINIMAL_PDF, content_type="application/pdf")


def test_a_signed_agreement_must_be_attached_to_its_partner(call, company):
    answers = _answers(call)
    answers["cooperation"]["partners"].append(
        {"country": "US", "institution": "MIT", "role": "설계", "agreement": "none"}
    )
    application = _draft(call, company, answers)
    missing = {(m.section, m.field) for m in service.completeness(application)}
    assert ("attachments", "partner-1") in missing  # imec: MoU, not attached
    assert ("attachments", "partner-2") not in missing  # MIT: no agreement yet, nothing to attach

    service.attachment_add(application, upload=_pdf("imec-mou.pdf"), actor=company, partner_row=1)
    assert ("attachments", "partner-1") not in {(m.section, m.field) for m in service.completeness(application)}

    # A second file for the same partner replaces the first.
    service.attachment_add(application, upload=_pdf("imec-mou-signed.pdf"), actor=company, partner_row=1)
    current = application.attachments.filter(removed_at__isnull=True, partner_row=1)
    assert [a.original_name for a in current] == ["imec-mou-signed.pdf"]


def test_an_agreement_for_a_partner_that_is_not_listed_is_refused(call, company):
    application = _draft(call, company, _answers(call))
    with pytest.raises(DomainError):
        service.attachment_add(application, upload=_pdf(), actor=company, partner_row=2)
    assert not application.attachments.exists()


def test_the_attachments_page_offers_each_partner(call, company, client):
    application = _draft(call, company, _answers(call))
    client.force_login(company, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("surveys:application_attachments", kwargs={"pk": application.pk})
    page = client.get(url).content.decode()
    assert "1. imec (BE)" in page

    response = client.post(url, {"file": _pdf("imec.pdf"), "partner_row": "1"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert 'data-testid="partner-agreement"' in page and "imec" in page
    assert application.attachments.get().partner_row == 1

    response = client.post(url, {"file": _pdf("x.pdf"), "partner_row": "7"})
    assert response.status_code == 400  # not a choice: refused with the form kept
    assert application.attachments.count() == 1
