"""Where an upheld objection leads: a recorded re-review by independent experts, then the national committee's
re-deliberation, recorded as a resolution that is in force from then on."""

from datetime import date, datetime

import pytest
from django.urls import reverse

from portal.exceptions import DomainError
from portal.models import AuditEvent, OutboundMail
from review.enums import ObjectionFollowUp
from review.models import Assignment, NationalMeeting, Objection, ReReview, Resolution, ReviewerConflict
from review.selectors import effective_resolutions
from review.services import rereview
from review.services import results as service
from review.services.reviewing import pledge_sign
from tests.review.helpers import add_reviewer, log_in
from tests.review.results_helpers import KST, make_meeting, published_result

pytestmark = pytest.mark.django_db


@pytest.fixture
def upheld(open_survey, applicant, admin, time_machine):
    time_machine.move_to(datetime(2026, 12, 2, 9, 0, tzinfo=KST), tick=False)
    result = published_result(open_survey, applicant, admin)
    objection = service.objection_lodge(result, ground="fact", body="수출 실적이 반영되지 않았습니다.", actor=applicant)
    service.objection_decide(objection, outcome="upheld", reason="수출 실적 재확인 필요", actor=admin)
    return Objection.objects.get(pk=objection.pk)


@pytest.fixture
def experts(upheld, admin, panel):
    """The first reviewer of the candidate, a conflicted expert, and two independent ones."""
    candidate = upheld.result.application.candidate
    people = {name: add_reviewer(panel, name=name) for name in ("첫평가위원", "상피위원", "재검토위원", "둘째위원")}
    Assignment.objects.create(
        candidate=candidate, reviewer=people["첫평가위원"], pseudonym="A", status="submitted", assigned_by=admin
    )
    ReviewerConflict.objects.create(reviewer=people["상피위원"], organization=upheld.result.application.organization)
    return people


def _full_scores(survey, value):
    numbers = [str(c.number) for c in survey.criteria.order_by("number")]
    return {n: str(value) for n in numbers}, {n: f"기준 {n} 근거" for n in numbers}


def _submit(re_review, reviewer, value):
    scores, texts = _full_scores(re_review.objection.result.application.survey, value)
    return rereview.re_review_save(
        re_review, reviewer=reviewer, scores=scores, justifications=texts, comment="재검토 의견", submit=True
    )


def test_only_independent_experts_are_offered_and_each_is_mailed(upheld, experts, admin):
    assert {r.name for r in rereview.re_reviewers(upheld)} == {"재검토위원", "둘째위원"}
    for wrong in ("첫평가위원", "상피위원"):
        with pytest.raises(DomainError):
            rereview.re_review_assign(upheld, reviewers=[experts[wrong]], actor=admin)

    rereview.re_review_assign(upheld, reviewers=[experts["재검토위원"]], due_on=date(2026, 12, 20), actor=admin)

    assert list(upheld.re_reviews.values_list("reviewer__name", flat=True)) == ["재검토위원"]
    mail = OutboundMail.objects.get(template="re_review_assigned")
    assert mail.to == experts["재검토위원"].email and upheld.result.application.organization.name not in mail.body_text
    assert AuditEvent.objects.for_object(upheld).filter(action="review.re_review.assigned").count() == 1
    assert {r.name for r in rereview.re_reviewers(upheld)} == {"둘째위원"}  # not asked twice


def test_a_dismissed_objection_has_no_re_review(upheld, applicant, admin, experts):
    objection = service.objection_lodge(upheld.result, ground="procedure", body="새 이의", actor=applicant)
    service.objection_decide(objection, outcome="dismissed", reason="근거 부족", actor=admin)
    with pytest.raises(DomainError):
        rereview.re_review_assign(objection, reviewers=[experts["재검토위원"]], actor=admin)
    assert not objection.re_reviews.exists()


def test_the_committee_is_reached_only_through_submitted_re_reviews(upheld, experts, admin):
    with pytest.raises(DomainError, match="re-review|재검토"):
        service.objection_follow_up(upheld, to=ObjectionFollowUp.RE_DELIBERATION, note="회부", actor=admin)
    with pytest.raises(DomainError):  # the concluding step is the committee's resolution, never a note
        service.objection_follow_up(upheld, to=ObjectionFollowUp.CONCLUDED, note="종결", actor=admin)
    first, second = rereview.re_review_assign(
        upheld, reviewers=[experts["재검토위원"], experts["둘째위원"]], actor=admin
    )
    _submit(first, experts["재검토위원"], 4)
    with pytest.raises(DomainError):  # one re-review is still open
        service.objection_follow_up(upheld, to=ObjectionFollowUp.RE_DELIBERATION, note="회부", actor=admin)
    rereview.re_review_decline(second, reviewer=experts["둘째위원"], reason="일정상 불가")

    service.objection_follow_up(upheld, to=ObjectionFollowUp.RE_DELIBERATION, note="재검토 결과 회부", actor=admin)

    upheld.refresh_from_db()
    assert upheld.follow_up == ObjectionFollowUp.RE_DELIBERATION
    with pytest.raises(DomainError):  # the re-review has ended
        _submit(second, experts["둘째위원"], 3)


def test_the_expert_scores_blind_and_a_submitted_re_review_never_changes(client, upheld, experts, admin, applicant):
    (re_review,) = rereview.re_review_assign(upheld, reviewers=[experts["재검토위원"]], actor=admin)
    expert = experts["재검토위원"]
    url = reverse("review:re_review", kwargs={"pk": re_review.pk})
    log_in(client, experts["둘째위원"])
    assert client.get(url).status_code == 404
    log_in(client, applicant)
    assert client.get(url).status_code == 404

    log_in(client, expert)
    locked = client.get(url).content.decode()
    assert 'data-testid="re-review-pledge"' in locked and 'name="score_1"' not in locked
    pledge_sign(upheld.result.application.survey, reviewer=expert, signed_name=expert.name)
    page = client.get(url).content.decode()
    organization = upheld.result.application.organization
    assert 'name="score_1"' in page and organization.name not in page and applicant.email not in page

    survey = upheld.result.application.survey
    scores, texts = _full_scores(survey, 4)
    data = {f"score_{n}": v for n, v in scores.items()} | {f"justification_{n}": t for n, t in texts.items()}
    incomplete = client.post(url, {**data, "justification_1": "", "action": "submit"})
    assert incomplete.status_code == 400
    assert "기준 2 근거" in incomplete.content.decode()  # what was typed is kept
    assert client.post(url, {**data, "comment": "재검토 결과 타당", "action": "submit"}).status_code == 302
    re_review.refresh_from_db()
    assert re_review.submitted_at and re_review.scores["1"] == "4" and re_review.comment == "재검토 결과 타당"
    again = client.post(url, {**data, "score_1": "1", "action": "submit"})
    assert again.status_code == 400
    re_review.refresh_from_db()
    assert re_review.scores["1"] == "4"
    dashboard = client.get(reverse("dashboard", kwargs={"role": "reviewer"})).content.decode()
    assert f'data-re-review="{re_review.pk}"' in dashboard


def test_the_summary_aggregates_the_re_reviews_as_the_first_review_was(upheld, experts, admin):
    first, second = rereview.re_review_assign(
        upheld, reviewers=[experts["재검토위원"], experts["둘째위원"]], actor=admin
    )
    _submit(first, experts["재검토위원"], 4)
    _submit(second, experts["둘째위원"], 2)

    summary = rereview.re_review_summary(upheld)

    assert summary.count == 2
    assert summary.value == 3  # the mean of two equal-weight totals, 4 and 2
    assert all(again == 3 for _number, _title, again, _before in summary.per_criterion)


def _referred(upheld, experts, admin):
    (re_review,) = rereview.re_review_assign(upheld, reviewers=[experts["재검토위원"]], actor=admin)
    _submit(re_review, experts["재검토위원"], 4)
    service.objection_follow_up(upheld, to=ObjectionFollowUp.RE_DELIBERATION, note="수출 실적 누락 확인", actor=admin)
    return Objection.objects.get(pk=upheld.pk)


def test_the_re_deliberation_is_a_resolution_in_force_from_then_on(
    upheld, experts, admin, applicant, django_capture_on_commit_callbacks
):
    objection = _referred(upheld, experts, admin)
    candidate = objection.result.application.candidate
    survey = objection.result.application.survey
    assert effective_resolutions(survey)[candidate.pk].decision == "reject"

    with django_capture_on_commit_callbacks(execute=True):
        resolution = rereview.objection_redeliberate(
            objection,
            new_meeting={"title": "제3차 국가첨단전략산업위원회", "held_on": date(2026, 12, 28)},
            decision="designate",
            reason="재검토 결과 기술 수준 충족",
            votes_for=12,
            votes_against=1,
            actor=admin,
        )

    objection.refresh_from_db()
    assert objection.follow_up == ObjectionFollowUp.CONCLUDED
    step = objection.steps.get(state=ObjectionFollowUp.CONCLUDED)
    assert (step.resolution, step.decision) == (resolution, "designate")
    assert resolution.meeting.title == "제3차 국가첨단전략산업위원회" and resolution.candidate == candidate
    assert effective_resolutions(survey)[candidate.pk] == resolution
    assert Resolution.objects.filter(candidate=candidate).count() == 2  # the first resolution is kept
    assert AuditEvent.objects.filter(action="review.objection.redeliberated").count() == 1
    mails = OutboundMail.objects.filter(template="objection_follow_up", to=applicant.email)
    assert mails.count() == 2 and "재검토 결과 기술 수준 충족" in mails.order_by("pk").last().body_text
    with pytest.raises(DomainError):  # concluded once
        rereview.objection_redeliberate(
            objection, meeting=resolution.meeting, decision="reject", reason="다시", actor=admin
        )


@pytest.mark.parametrize("confirmed", [True, False], ids=["on-the-agenda", "never-confirmed"])
def test_the_meeting_page_shows_the_re_deliberation_with_its_objection(client, upheld, experts, admin, confirmed):
    """The national committee's record lists the re-deliberated candidate even when the technical coordination
    committee never confirmed it, marked as such; it is changed from the objection, not from the agenda's form."""
    from review.models import ConfirmedCandidate
    from review.services.national import meeting_agenda

    objection = _referred(upheld, experts, admin)
    candidate = objection.result.application.candidate
    if not confirmed:
        ConfirmedCandidate.objects.filter(candidate=candidate).update(removed_at=datetime(2026, 12, 1, tzinfo=KST))
    resolution = rereview.objection_redeliberate(
        objection,
        new_meeting={"title": "제3차 국가첨단전략산업위원회", "held_on": date(2026, 12, 28)},
        decision="designate",
        reason="재검토 결과 기술 수준 충족",
        actor=admin,
    )

    (item,) = meeting_agenda(resolution.meeting)
    assert (item.candidate, item.objection, item.current) == (candidate, objection, resolution)
    log_in(client, admin)
    page = client.get(reverse("review:national_meeting", kwargs={"pk": resolution.meeting.pk})).content.decode()
    assert 'data-testid="redeliberation"' in page and candidate.number in page
    assert reverse("review:objection_manage", kwargs={"pk": objection.pk}) in page
    assert 'data-testid="resolution-form"' not in page and "재검토 결과 기술 수준 충족" in page


def test_the_applicants_result_card_says_the_decision_was_re_deliberated(client, upheld, experts, admin, applicant):
    objection = _referred(upheld, experts, admin)
    application = objection.result.application
    detail = reverse("surveys:application_detail", kwargs={"pk": application.pk})
    log_in(client, applicant)
    assert 'data-testid="result-redeliberation"' not in client.get(detail).content.decode()

    rereview.objection_redeliberate(
        objection,
        new_meeting={"title": "제3차 국가첨단전략산업위원회", "held_on": date(2026, 12, 28)},
        decision="designate",
        reason="재검토 결과 기술 수준 충족",
        actor=admin,
    )
    page = client.get(detail).content.decode()
    assert 'data-testid="result-redeliberation"' in page
    assert "지정" in page.split('data-testid="result-redeliberation"')[1].split("</p>")[0]
    assert "제3차 국가첨단전략산업위원회" in page


def test_the_re_deliberation_refuses_a_closed_or_foreign_meeting_or_one_that_decided_it(upheld, experts, admin):
    from tests.factories import SurveyFactory

    other_survey = SurveyFactory(code="SEM2", fields=("SEM",))
    objection = _referred(upheld, experts, admin)
    first_meeting = NationalMeeting.objects.get(survey=objection.result.application.survey)
    closed = make_meeting(objection.result.application.survey, admin, title="마감된 회의")
    NationalMeeting.objects.filter(pk=closed.pk).update(closed_at=datetime(2026, 12, 1, tzinfo=KST))
    foreign = make_meeting(other_survey, admin, title="다른 공모 회의")
    for meeting in (first_meeting, NationalMeeting.objects.get(pk=closed.pk), foreign):
        with pytest.raises(DomainError):
            rereview.objection_redeliberate(
                objection, meeting=meeting, decision="designate", reason="재심의", actor=admin
            )
    with pytest.raises(DomainError):  # neither a meeting nor a new one
        rereview.objection_redeliberate(objection, decision="designate", reason="재심의", actor=admin)
    objection.refresh_from_db()
    assert objection.follow_up == ObjectionFollowUp.RE_DELIBERATION


def test_the_admin_runs_the_follow_up_through_the_page(client, upheld, experts, admin, applicant):
    log_in(client, admin)
    url = reverse("review:objection_manage", kwargs={"pk": upheld.pk})
    page = client.get(url).content.decode()
    assert "재검토위원" in page and 'value="re_review"' in page

    refused = client.post(url, {"action": "follow_up", "note": "회부"})
    assert refused.status_code == 400 and "회부" in refused.content.decode()
    expert = experts["재검토위원"]
    response = client.post(url, {"action": "re_review", "reviewers": [expert.pk], "due_on": "2026-12-20"})
    assert response.status_code == 302
    _submit(ReReview.objects.get(reviewer=expert), expert, 4)
    assert 'data-testid="re-review-summary"' in client.get(url).content.decode()
    assert client.post(url, {"action": "follow_up", "note": "재검토 결과 수출 실적 누락 확인"}).status_code == 302

    missing = client.post(url, {"action": "redeliberate", "decision": "designate", "reason": "재심의 지정"})
    assert missing.status_code == 400 and "재심의 지정" in missing.content.decode()
    data = {
        "action": "redeliberate",
        "meeting": "",
        "new_title": "제3차 국가첨단전략산업위원회",
        "new_held_on": "2026-12-28",
        "decision": "designate",
        "reason": "재심의 결과 지정 의결",
    }
    assert client.post(url, data).status_code == 302
    objection = Objection.objects.get(pk=upheld.pk)
    assert objection.follow_up == ObjectionFollowUp.CONCLUDED

    log_in(client, applicant)
    html = client.get(reverse("review:objection_lodge", kwargs={"pk": objection.result.application_id})).content
    html = html.decode()
    assert 'data-testid="follow-up-decision">지정<' in html and "제3차 국가첨단전략산업위원회" in html
    assert "재검토 결과 수출 실적 누락 확인" in html


def test_the_expert_is_reminded_before_the_due_date_once_per_window(upheld, experts, admin):
    from review.services.reminders import due_reminders_send

    expert = experts["재검토위원"]
    (re_review,) = rereview.re_review_assign(upheld, reviewers=[expert], due_on=date(2026, 12, 10), actor=admin)

    assert due_reminders_send(today=date(2026, 12, 5)) == 0  # D-5: not yet
    assert due_reminders_send(today=date(2026, 12, 7)) == 1  # D-3
    assert due_reminders_send(today=date(2026, 12, 8)) == 0  # the same window
    mail = OutboundMail.objects.get(template="re_review_due")
    assert mail.to == expert.email and f"/review/re-reviews/{re_review.pk}/" in mail.body_text
    assert "&amp;" not in mail.body_text and "2026-12-10" in mail.subject
    _submit(re_review, expert, 4)
    assert due_reminders_send(today=date(2026, 12, 9)) == 0  # D-1, but submitted
