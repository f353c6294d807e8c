"""The selection announcement: drafted once every category is closed, its items per category with partner countries
and first-year budget, published with a result and a mail for every applicant and a PDF rendered by the worker."""

from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import translation

from portal.enums import ArtefactStatus
from portal.exceptions import DomainError
from portal.models import OutboundMail
from review.enums import NoticeStatus, Outcome, SelectionDecision
from review.models import Assignment, ComplexNoticeItem, NoticeItem, RegisterEntry, Result, SelectionProposal
from review.services import complex_notices, notices, selection
from review.services.results import objection_lodge, objection_reviewers, objection_route
from surveys.enums import SurveyStage
from surveys.models import Application
from tests.factories import make_user
from tests.international.selection_world import (
    announcement,
    applicant,
    candidate,
    closed_selection,
    foundational,
    leap,
    meeting,
    propose_all,
    rnd_call,
)
from tests.review.helpers import log_in, pdf_text
from tests.surveys.helpers import ko, make_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary(db):
    return make_user("secretary", name="서간사")


@pytest.fixture
def company(db):
    return applicant("가람반도체")


@pytest.fixture
def call(admin):
    return rnd_call(admin)


@pytest.fixture
def candidates(call, company):
    """Leapfrogging: two essential (one of them with its budget years out of order) and one not; foundational: one."""
    return {
        "euv": candidate(call, leap(call), "EUV 펠리클 소재", rank=1, countries=("BE", "NL", "BE"), user=company),
        "solid": candidate(
            call,
            leap(call),
            "차세대 전고체 전해질",
            rank=2,
            countries=("DE",),
            budget=[
                {"year": "2029", "government": "20", "private": "5", "total": "25"},
                {"year": "2027", "government": "12.5", "private": "2.5", "total": "15.0"},
            ],
        ),
        "alone": candidate(call, leap(call), "국내 단독 가능 기술", rank=3, essential=False, countries=("US",)),
        "grid": candidate(call, foundational(call), "초전도 송전 케이블", rank=1, countries=("JP",), budget=[]),
    }


def test_the_announcement_waits_until_every_category_is_closed(call, candidates, secretary, admin):
    at = meeting(call, secretary)
    propose_all(leap(call), secretary)
    for proposal in leap(call).proposals.all():
        decision = SelectionDecision.SELECTED if proposal.proposed else SelectionDecision.NOT_SELECTED
        selection.decision_record(proposal, meeting=at, decision=decision, actor=secretary)
    selection.category_close(leap(call), meeting=at, actor=secretary)
    with pytest.raises(DomainError) as error:
        announcement(call, admin)
    assert error.value.code == "open_categories"
    assert not call.notices.exists()


def test_the_items_are_the_selection_per_category_with_countries_and_first_year_budget(
    call, candidates, secretary, admin
):
    closed_selection(call, secretary)
    notice = announcement(call, admin)
    assert notice.lists_selection and not notice.lists_complexes
    items = list(notice.selection_items.select_related("category"))
    assert [(i.category, i.order, i.candidate, i.title) for i in items] == [
        (leap(call), 1, candidates["euv"], "EUV 펠리클 소재"),
        (leap(call), 2, candidates["solid"], "차세대 전고체 전해질"),
        (foundational(call), 1, candidates["grid"], "초전도 송전 케이블"),
    ]
    assert [i.partner_countries for i in items] == [["BE", "NL"], ["DE"], ["JP"]]
    assert [i.first_year_budget for i in items] == [Decimal("40"), Decimal("15"), None]  # the earliest year's total
    assert [i.horizon_years for i in items] == [5, 5, 10]
    assert not NoticeItem.objects.exists() and not ComplexNoticeItem.objects.exists()


def test_a_selection_announcement_refuses_technology_and_complex_items(call, candidates, secretary, admin):
    closed_selection(call, secretary)
    notice = announcement(call, admin)
    entry = RegisterEntry(pk=0, title="가", field_code="SEM")
    with pytest.raises(DomainError) as error:
        notices.notice_item_amend(notice, entry=entry, title="가", actor=admin)
    assert error.value.code == "kind"
    with pytest.raises(DomainError) as error:
        complex_notices.complex_item_amend(notice, entry=entry, action="revoke", actor=admin)
    assert error.value.code == "kind" and "선정 공고" in str(error.value.message)
    # a technology call's notice may not list selected candidates
    technology = make_survey(stage=SurveyStage.NATIONAL_COMMITTEE)
    with pytest.raises(DomainError) as error:
        selection.selection_items_draft(notices.Notice(survey=technology))
    assert error.value.code == "kind"


def test_publishing_tells_every_applicant_and_renders_the_pdf(
    client, call, candidates, secretary, admin, company, django_capture_on_commit_callbacks
):
    closed_selection(call, secretary)
    notice = announcement(call, admin)
    log_in(client, admin)
    page = client.get(reverse("review:notice_edit", kwargs={"pk": notice.pk})).content.decode()
    assert "EUV 펠리클 소재" in page and ("벨기에" in page or "Belgium" in page)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("review:notice_publish", kwargs={"pk": notice.pk}))
    assert response.status_code == 302
    notice.refresh_from_db()
    call.refresh_from_db()
    assert notice.status == NoticeStatus.PUBLISHED and call.stage == SurveyStage.NOTICE
    assert not RegisterEntry.objects.exists()  # a selection designates nothing
    outcomes = {r.application.candidate_id: r for r in Result.objects.select_related("application__survey")}
    assert len(outcomes) == Application.objects.filter(survey=call).count() == 4
    assert {cid: r.outcome for cid, r in outcomes.items()} == {
        candidates["euv"].pk: Outcome.SELECTED,
        candidates["solid"].pk: Outcome.SELECTED,
        candidates["alone"].pk: Outcome.NOT_SELECTED,
        candidates["grid"].pk: Outcome.SELECTED,
    }
    with translation.override("ko"):
        assert outcomes[candidates["euv"].pk].outcome_label == "선정"
        assert outcomes[candidates["alone"].pk].outcome_label == "미선정"
    mails = OutboundMail.objects.filter(template="result_published")
    assert mails.count() == 4
    assert all(notice.number in mail.body_text for mail in mails)
    mine = mails.get(to=company.email)
    assert "EUV 펠리클 소재" in mine.subject and "선정" in mine.subject
    # the PDF, rendered by the task queued on commit
    assert notice.pdf_status == ArtefactStatus.READY and notice.pdf
    with default_storage.open(notice.pdf.name, "rb") as handle:
        text = pdf_text(handle.read())
    assert notice.number.replace(" ", "") in text
    assert "EUV펠리클소재" in text and "초전도송전케이블" in text and "40" in text
    assert "벨기에" in text or "Belgium" in text


def test_the_public_page_of_the_announcement_lists_each_category(client, call, candidates, secretary, admin):
    closed_selection(call, secretary)
    notice = notices.notice_publish(announcement(call, admin), actor=admin)
    page = client.get(reverse("review:notice_public", kwargs={"pk": notice.pk})).content.decode()
    assert leap(call).name in page and foundational(call).name in page
    assert page.index("EUV 펠리클 소재") < page.index("초전도 송전 케이블")
    assert "국내 단독 가능 기술" not in page
    assert "가람반도체" not in page  # no applicant names


def test_objections_go_to_experts_who_evaluated_the_proposal_in_no_layer(call, candidates, secretary, admin, company):
    from review.services.pool import panel_for
    from tests.review.helpers import add_reviewer

    closed_selection(call, secretary)
    notices.notice_publish(announcement(call, admin), actor=admin)
    panel = panel_for(call, "SEM")
    scorer, panellist, outsider = (add_reviewer(panel, name=name) for name in ("김평가", "이패널", "박외부"))
    euv = candidates["euv"]
    Assignment.objects.create(candidate=euv, reviewer=scorer, pseudonym="평가위원 A", layer=1, assigned_by=admin)
    Assignment.objects.create(candidate=euv, reviewer=panellist, pseudonym="패널 A", layer=2, assigned_by=admin)
    result = Result.objects.get(application__candidate=euv)
    objection = objection_lodge(result, ground="fact", body="예산 산정 오류", actor=company)
    offered = objection_reviewers(objection)
    assert outsider in offered and panellist not in offered and scorer not in offered
    with pytest.raises(DomainError) as error:
        objection_route(objection, reviewers=[panellist], actor=admin)
    assert error.value.code == "conflict"
    assert [o.reviewer for o in objection_route(objection, reviewers=[outsider], actor=admin)] == [outsider]


def test_the_draft_page_says_when_categories_are_still_open(client, call, candidates, secretary, admin):
    log_in(client, admin)
    response = client.post(
        reverse("review:notices", kwargs={"pk": call.pk}),
        {"number": "산업통상자원부 공고 제2027-7호", "title": "선정 공고", "effective_on": "2027-04-01"},
    )
    assert response.status_code == 400
    assert (
        ko("The selection announcement can be drafted once the selection committee has closed every category.")
        in response.content.decode()
    )
    assert SelectionProposal.objects.count() == 0


def test_the_applicant_reads_selected_or_not_selected(client, call, secretary, admin, company):
    other = applicant("나래정밀")
    mine = candidate(call, leap(call), "EUV 펠리클 소재", rank=1, user=company)
    theirs = candidate(call, leap(call), "국내 단독 가능 기술", rank=2, essential=False, user=other)
    closed_selection(call, secretary)
    notices.notice_publish(announcement(call, admin), actor=admin)
    for user, found, word in ((company, mine, "선정"), (other, theirs, "미선정")):
        log_in(client, user)
        application = Application.objects.get(candidate=found)
        page = client.get(reverse("surveys:application_detail", kwargs={"pk": application.pk})).content.decode()
        assert f'data-testid="result-outcome">{word}</span>' in page
        assert "위원회" not in page.split('data-testid="result-outcome">', 1)[1].split("</span>", 1)[0]
