"""Objections: the window, one open at a time, routing to reviewers who did not review it, the blind opinion page,
the outcome mailed once."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.exceptions import DomainError
from portal.models import AuditEvent, OutboundMail
from review.enums import ObjectionStatus
from review.models import Assignment, Objection, ObjectionOpinion, ReviewerConflict
from review.services import results as service
from tests.factories import make_user
from tests.review.helpers import add_reviewer, log_in, organization_of
from tests.review.results_helpers import KST, make_application, make_candidate, published_result

pytestmark = pytest.mark.django_db

LAST_SECOND = datetime(2026, 12, 15, 23, 59, 59, tzinfo=KST)  # published 2026-12-01, 14 days


@pytest.fixture
def result(open_survey, applicant, admin, time_machine):
    time_machine.move_to(datetime(2026, 12, 2, 9, 0, tzinfo=KST), tick=False)
    return published_result(open_survey, applicant, admin)


@pytest.fixture
def objection(result, applicant):
    return service.objection_lodge(result, ground="fact", body="수출 실적이 잘못 반영되었습니다.", actor=applicant)


def _lodge_url(result):
    return reverse("review:objection_lodge", kwargs={"pk": result.application_id})


def test_an_objection_is_received_audited_and_the_admins_told(result, applicant, admin):
    objection = service.objection_lodge(result, ground="procedure", body="절차상 하자", actor=applicant)

    assert objection.status == ObjectionStatus.SUBMITTED
    assert AuditEvent.objects.filter(action="review.objection.lodged", object_id=str(objection.pk)).exists()
    assert list(OutboundMail.objects.filter(template="objection_lodged").values_list("to", flat=True)) == [admin.email]


def test_the_window_holds_to_its_last_second(result, applicant, time_machine):
    time_machine.move_to(LAST_SECOND, tick=False)
    assert service.objection_lodge(result, ground="fact", body="마지막 순간", actor=applicant).pk

    Objection.objects.update(status=ObjectionStatus.DECIDED)
    time_machine.move_to(LAST_SECOND + timedelta(seconds=1), tick=False)
    with pytest.raises(DomainError) as error:
        service.objection_lodge(result, ground="fact", body="1초 늦음", actor=applicant)
    assert error.value.code == "closed"


def test_a_late_objection_is_refused_with_a_400_that_keeps_the_text(client, result, applicant, time_machine):
    time_machine.move_to(LAST_SECOND + timedelta(seconds=1), tick=False)
    log_in(client, applicant)

    response = client.post(_lodge_url(result), {"ground": "fact", "body": "늦었지만 제출하는 이의신청 내용"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "늦었지만 제출하는 이의신청 내용" in page
    assert "2026-12-15 23:59 KST" in page
    assert not Objection.objects.exists()


def test_an_objection_without_its_text_is_a_400(client, result, applicant):
    log_in(client, applicant)
    response = client.post(_lodge_url(result), {"ground": "fact", "body": "  "})
    assert response.status_code == 400
    assert not Objection.objects.exists()


def test_the_applicant_lodges_through_the_page(client, result, applicant):
    log_in(client, applicant)
    assert client.get(_lodge_url(result)).status_code == 200

    response = client.post(_lodge_url(result), {"ground": "procedure", "body": "평가위원 구성 절차 문제"})

    assert response.status_code == 302
    assert Objection.objects.get().body == "평가위원 구성 절차 문제"


def test_only_one_objection_is_open_at_a_time(objection, result, applicant, admin):
    with pytest.raises(DomainError) as error:
        service.objection_lodge(result, ground="procedure", body="두 번째", actor=applicant)
    assert error.value.code == "open"

    service.objection_decide(objection, outcome="dismissed", reason="사실관계 확인 결과 이상 없음", actor=admin)
    assert service.objection_lodge(result, ground="procedure", body="결정 후 새 이의", actor=applicant).pk


@pytest.fixture
def people(result, admin, panel):
    """Reviewers: one who scored the candidate, one who declined it, one merged-in candidate's, one conflicted,
    one working for the applicant, and two free ones."""
    candidate = result.application.candidate
    merged = make_candidate(result.application.survey, 1, merged_into=candidate)
    make_application(result.application.survey, make_user("applicant"), candidate=merged)
    names = ["평가했던위원", "사양했던위원", "병합후보위원", "상피위원", "소속위원", "자유위원", "새위원"]
    people = {name: add_reviewer(panel, name=name) for name in names}
    Assignment.objects.create(
        candidate=candidate, reviewer=people["평가했던위원"], pseudonym="A", status="submitted", assigned_by=admin
    )
    Assignment.objects.create(
        candidate=candidate, reviewer=people["사양했던위원"], pseudonym="B", status="declined", assigned_by=admin
    )
    Assignment.objects.create(candidate=merged, reviewer=people["병합후보위원"], pseudonym="A", assigned_by=admin)
    ReviewerConflict.objects.create(reviewer=people["상피위원"], organization=result.application.organization)
    profile = people["소속위원"].reviewer_profile
    profile.organization_name = result.application.organization.name
    profile.save()
    return people


def test_routing_offers_only_reviewers_who_did_not_review_and_have_no_conflict(objection, people):
    offered = {reviewer.name for reviewer in service.objection_reviewers(objection)}
    assert offered == {"자유위원", "새위원"}


def test_routing_asks_the_chosen_reviewers_and_refuses_others(objection, people, admin):
    with pytest.raises(DomainError):
        service.objection_route(objection, reviewers=[people["상피위원"]], actor=admin)
    with pytest.raises(DomainError):
        service.objection_route(objection, reviewers=[people["평가했던위원"]], actor=admin)

    service.objection_route(objection, reviewers=[people["자유위원"]], actor=admin)

    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.ROUTED
    assert list(objection.opinions.values_list("reviewer__name", flat=True)) == ["자유위원"]
    mails = OutboundMail.objects.filter(template="objection_routed")
    assert list(mails.values_list("to", flat=True)) == [people["자유위원"].email]
    assert objection.result.application.organization.name not in mails.get().body_text
    assert {r.name for r in service.objection_reviewers(objection)} == {"새위원"}


def test_the_admin_routes_and_decides_through_the_page(client, objection, people, admin, applicant):
    log_in(client, admin)
    url = reverse("review:objection_manage", kwargs={"pk": objection.pk})
    page = client.get(url).content.decode()
    assert "자유위원" in page and "평가했던위원" not in page

    wrong = client.post(url, {"action": "route", "reviewers": [people["상피위원"].pk]})
    assert wrong.status_code == 400
    assert client.post(url, {"action": "route", "reviewers": [people["자유위원"].pk]}).status_code == 302

    missing = client.post(url, {"action": "decide", "outcome": "upheld", "reason": ""})
    assert missing.status_code == 400
    response = client.post(url, {"action": "decide", "outcome": "upheld", "reason": "재검토가 필요함"})
    assert response.status_code == 302
    objection.refresh_from_db()
    assert (objection.status, objection.outcome, objection.decided_by) == ("decided", "upheld", admin)


def test_the_outcome_is_mailed_to_the_applicant_once(
    objection, admin, applicant, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        service.objection_decide(objection, outcome="dismissed", reason="근거 부족", actor=admin)
    with pytest.raises(DomainError):
        service.objection_decide(objection, outcome="upheld", reason="번복", actor=admin)

    assert [m.to for m in mailoutbox] == [[applicant.email]]
    assert "근거 부족" in mailoutbox[0].body
    assert Objection.objects.get().outcome == "dismissed"
    assert AuditEvent.objects.filter(action="review.objection.decided").count() == 1


@pytest.fixture
def routed(result, applicant, admin, panel):
    organization = organization_of(applicant)
    body = f"{organization.name}은(는) 수출 실적을 제출했으나 반영되지 않았습니다. 문의: {applicant.email}, 02-555-1234"
    objection = service.objection_lodge(result, ground="fact", body=body, actor=applicant)
    reviewer = add_reviewer(panel, name="의견위원")
    service.objection_route(objection, reviewers=[reviewer], actor=admin)
    return objection, reviewer


def test_the_reviewer_page_is_blind(client, routed, applicant):
    objection, reviewer = routed
    log_in(client, reviewer)

    page = client.get(reverse("review:objection_opinion", kwargs={"pk": objection.pk})).content.decode()

    organization = organization_of(applicant)
    assert "협동로봇용 고정밀 감속기" in page
    assert "수출 실적을 제출했으나 반영되지 않았습니다" in page
    assert "기술 난이도가 충분하지 않음" in page
    for secret in (organization.name, organization.name_en, applicant.name, applicant.email, "02-555-1234"):
        assert secret not in page


def test_the_reviewer_writes_an_opinion_until_the_decision(client, routed, admin):
    objection, reviewer = routed
    log_in(client, reviewer)
    url = reverse("review:objection_opinion", kwargs={"pk": objection.pk})

    assert client.post(url, {"opinion": ""}).status_code == 400
    assert client.post(url, {"opinion": "이의신청에 이유 있음"}).status_code == 302
    opinion = ObjectionOpinion.objects.get()
    assert opinion.opinion == "이의신청에 이유 있음" and opinion.submitted_at is not None

    service.objection_decide(objection, outcome="upheld", reason="의견 반영", actor=admin)
    assert client.post(url, {"opinion": "바꾸려는 의견"}).status_code == 400
    assert ObjectionOpinion.objects.get().opinion == "이의신청에 이유 있음"


def test_another_reviewer_cannot_open_the_objection(client, routed, panel):
    objection, _reviewer = routed
    log_in(client, add_reviewer(panel, name="무관위원"))
    assert client.get(reverse("review:objection_opinion", kwargs={"pk": objection.pk})).status_code == 404


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def _objections(survey, admin, reviewer, size):
    """Objections on results of new applications, each routed to the reviewer, up to a size."""
    from review.models import Result

    while Objection.objects.count() < size:
        other = make_user("applicant")
        application = make_application(survey, other, status="submitted")
        result = Result.objects.create(
            application=application,
            notice=Result.objects.first().notice,
            outcome="not_selected",
            reason="접수 반려",
            published_at=datetime.now(KST),
            objection_until=datetime.now(KST) + timedelta(days=3),
        )
        objection = service.objection_lodge(result, ground="fact", body="이의", actor=other)
        service.objection_route(objection, reviewers=[reviewer], actor=admin)


@pytest.mark.slow  # builds the page at two sizes to count its queries
def test_the_reviewer_dashboard_lists_objections_without_more_queries(client, result, admin, panel):
    reviewer = add_reviewer(panel, name="대시보드위원")
    log_in(client, reviewer)
    _objections(result.application.survey, admin, reviewer, 2)
    client.get("/dashboard/reviewer/")
    small, page = _count(client, "/dashboard/reviewer/")
    assert page.count("data-objection-opinion=") == 2
    _objections(result.application.survey, admin, reviewer, 10)
    large, page = _count(client, "/dashboard/reviewer/")
    assert page.count("data-objection-opinion=") == 10
    assert large == small


@pytest.mark.slow  # builds the page at two sizes to count its queries
def test_the_admin_list_does_not_grow_with_objections(client, result, admin, panel):
    reviewer = add_reviewer(panel, name="목록위원")
    survey = result.application.survey
    url = reverse("review:objection_list", kwargs={"pk": survey.pk})
    log_in(client, admin)
    _objections(survey, admin, reviewer, 2)
    client.get(url)
    small, page = _count(client, url)
    assert page.count("data-objection=") == 2
    _objections(survey, admin, reviewer, 10)
    large, page = _count(client, url)
    assert page.count("data-objection=") == 10
    assert large == small


# -- nobody left to route to ------------------------------------------------------------------


def test_routing_with_every_reviewer_used_says_so_and_links_to_the_panel(client, objection, admin, panel):
    reviewer = add_reviewer(panel, name="평가했던위원")
    Assignment.objects.create(
        candidate=objection.result.application.candidate,
        reviewer=reviewer,
        pseudonym="A",
        status="submitted",
        assigned_by=admin,
    )
    assert service.objection_reviewers(objection) == []
    with pytest.raises(DomainError) as error:
        service.objection_route(objection, reviewers=[reviewer], actor=admin)
    assert error.value.code == "no_reviewers" and "전문가를 추가한 뒤" in error.value.message

    log_in(client, admin)
    url = reverse("review:objection_manage", kwargs={"pk": objection.pk})
    html = client.get(url).content.decode()
    panel_url = reverse("review:panel", kwargs={"pk": objection.result.application.survey_id, "field_code": "ROB"})
    assert 'data-testid="add-experts"' in html and f'href="{panel_url}"' in html
    assert "전문가를 추가한 뒤" in html
    response = client.post(url, {"action": "route", "reviewers": [reviewer.pk]})
    assert response.status_code == 400  # a clear page, not a 500
    # an expert added to the panel can be asked
    newcomer = add_reviewer(panel, name="새전문가")
    assert [r.name for r in service.objection_reviewers(objection)] == ["새전문가"]
    assert client.post(url, {"action": "route", "reviewers": [newcomer.pk]}).status_code == 302


# -- the follow-up of an upheld objection -------------------------------------------------------


def test_a_dismissed_objection_has_no_follow_up(objection, admin):
    from review.enums import ObjectionFollowUp

    service.objection_decide(objection, outcome="dismissed", reason="근거 부족", actor=admin)
    objection.refresh_from_db()
    assert objection.follow_up == ObjectionFollowUp.NONE and not objection.steps.exists()
    with pytest.raises(DomainError):
        service.objection_follow_up(objection, to=ObjectionFollowUp.RE_DELIBERATION, note="회부", actor=admin)


# -- labels ---------------------------------------------------------------------------------


def test_objection_status_labels_are_states_in_korean(client, objection, admin):
    from django.utils import translation

    with translation.override("ko"):
        labels = {status.value: str(status.label) for status in ObjectionStatus}
    assert labels == {"submitted": "접수", "routed": "평가위원 의견 수렴 중", "decided": "처리 완료"}
    service.objection_decide(objection, outcome="dismissed", reason="근거 부족", actor=admin)
    log_in(client, admin)
    html = client.get(reverse("review:objection_manage", kwargs={"pk": objection.pk})).content.decode()
    assert 'data-testid="objection-status">처리 완료<' in html
    listing = client.get(reverse("review:objection_list", kwargs={"pk": objection.result.application.survey_id}))
    assert "처리 일시" not in listing.content.decode() and "처리 완료 · 기각" in listing.content.decode()
