"""Results after the notice: once per application, the outcome in force, mailed once, shown to the applicant."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.models import AuditEvent, OutboundMail
from review.enums import Outcome
from review.models import CommitteeConfirmation, ConfirmedCandidate, Result, SubcommitteeDecision, SubcommitteeMeeting
from review.services import results as service
from surveys.services.intake import candidate_merge
from tests.factories import make_user
from tests.review.helpers import log_in, organization_of
from tests.review.results_helpers import (
    KST,
    PUBLISHED_AT,
    make_application,
    make_candidate,
    make_meeting,
    make_notice,
    published_result,
    resolve,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(open_survey, admin):
    return make_meeting(open_survey, admin)


@pytest.fixture
def notice(open_survey, admin):
    return make_notice(open_survey, admin)


def _outcome(application):
    result = Result.objects.get(application=application)
    return result.outcome, result.reason


def test_each_resolution_gives_its_outcome_and_reason(open_survey, applicant, admin, meeting, notice):
    rows = {}
    for number, decision in enumerate(["designate", "reject", "defer"], start=1):
        candidate = make_candidate(open_survey, number)
        resolve(meeting, candidate, decision, f"사유 {decision}", admin)
        rows[decision] = make_application(open_survey, applicant, candidate=candidate)

    created = service.results_publish(notice, actor=admin)

    assert len(created) == 3
    assert _outcome(rows["designate"]) == (Outcome.DESIGNATED, "사유 designate")
    assert _outcome(rows["reject"]) == (Outcome.REJECTED, "사유 reject")
    assert _outcome(rows["defer"]) == (Outcome.DEFERRED, "사유 defer")
    assert AuditEvent.objects.filter(action="review.result.published").count() == 3


def test_a_merged_candidate_takes_the_outcome_of_the_one_it_was_merged_into(
    open_survey, applicant, admin, meeting, notice
):
    target = make_candidate(open_survey, 1)
    source = make_candidate(open_survey, 2, merged_into=target)
    still_pointing = make_application(open_survey, applicant, candidate=source)
    resolve(meeting, target, "designate", "공급망 안보에 중요", admin)
    moved_source = make_candidate(open_survey, 3)
    moved = make_application(open_survey, make_user("applicant"), candidate=moved_source)
    candidate_merge(target, [moved_source], actor=admin)

    service.results_publish(notice, actor=admin)

    assert _outcome(still_pointing) == (Outcome.DESIGNATED, "공급망 안보에 중요")
    assert _outcome(moved) == (Outcome.DESIGNATED, "공급망 안보에 중요")


def test_a_corrected_resolution_is_not_in_force(open_survey, applicant, admin, meeting, notice):
    candidate = make_candidate(open_survey, 1)
    wrong = resolve(meeting, candidate, "reject", "오기재된 의결", admin)
    resolve(meeting, candidate, "designate", "정정 의결: 지정", admin, corrects=wrong)
    application = make_application(open_survey, applicant, candidate=candidate)

    service.results_publish(notice, actor=admin)

    assert _outcome(application) == (Outcome.DESIGNATED, "정정 의결: 지정")


def test_a_later_meeting_replaces_an_earlier_deferral(open_survey, applicant, admin, meeting, notice):
    candidate = make_candidate(open_survey, 1)
    resolve(meeting, candidate, "defer", "추가 검토 필요", admin)
    later = make_meeting(open_survey, admin, title="제2차", held_on=meeting.held_on + timedelta(days=7))
    resolve(later, candidate, "reject", "재심의 결과 미지정", admin)
    application = make_application(open_survey, applicant, candidate=candidate)

    service.results_publish(notice, actor=admin)

    assert _outcome(application) == (Outcome.REJECTED, "재심의 결과 미지정")


def test_without_a_resolution_the_application_was_not_selected_with_a_reason(open_survey, applicant, admin, notice):
    with_decision = make_candidate(open_survey, 1)
    sub = SubcommitteeMeeting.objects.create(survey=open_survey, field_code="ROB", updated_by=admin)
    SubcommitteeDecision.objects.create(
        candidate=with_decision,
        meeting=sub,
        recommendation="not_recommend",
        rationale="분과위원회: 국내 기술수준이 이미 높음",
        decided_by=admin,
    )
    removed = make_candidate(open_survey, 2)
    confirmation = CommitteeConfirmation.objects.create(
        survey=open_survey, held_on=PUBLISHED_AT.date(), minutes="회의록", confirmed_by=admin
    )
    ConfirmedCandidate.objects.create(confirmation=confirmation, candidate=removed, removed_at=PUBLISHED_AT)
    bare = make_candidate(open_survey, 3)
    apps = {
        "decision": make_application(open_survey, applicant, candidate=with_decision),
        "removed": make_application(open_survey, applicant, candidate=removed),
        "bare": make_application(open_survey, applicant, candidate=bare),
        "submitted": make_application(open_survey, applicant, status="submitted"),
        "returned": make_application(open_survey, applicant, status="returned"),
        "duplicate": make_application(open_survey, applicant, status="duplicate"),
    }

    service.results_publish(notice, actor=admin)

    outcomes = {key: _outcome(application) for key, application in apps.items()}
    assert {outcome for outcome, _reason in outcomes.values()} == {Outcome.NOT_SELECTED}
    assert outcomes["decision"][1] == "분과위원회: 국내 기술수준이 이미 높음"
    reasons = [reason for _outcome_, reason in outcomes.values()]
    assert all(reasons) and len(set(reasons)) == len(reasons)  # each case says its own reason


def test_drafts_withdrawn_and_association_applications_get_no_result(open_survey, applicant, admin, notice):
    for status in ("draft", "withdrawn", "association_review", "association_returned", "endorsed"):
        make_application(open_survey, applicant, status=status)
    counted = make_application(open_survey, applicant, status="submitted")

    created = service.results_publish(notice, actor=admin)

    assert [r.application_id for r in created] == [counted.pk]


def test_the_objection_window_ends_at_the_end_of_the_day_in_korea(open_survey, applicant, admin, notice):
    open_survey.objection_days = 14
    open_survey.save(update_fields=["objection_days"])
    late = make_notice(open_survey, admin, number="제2026-18호", published_at=datetime(2026, 12, 1, 8, 0, tzinfo=KST))
    application = make_application(open_survey, applicant, status="submitted")

    service.results_publish(late, actor=admin)

    until = Result.objects.get(application=application).objection_until.astimezone(KST)
    assert (until.date().isoformat(), until.hour, until.minute, until.second) == ("2026-12-15", 23, 59, 59)


def test_results_are_created_and_mailed_once_even_when_published_twice(
    open_survey, applicant, admin, meeting, notice, django_capture_on_commit_callbacks, mailoutbox
):
    colleague = make_user("applicant", organization=organization_of(applicant))
    make_user("applicant", organization=organization_of(applicant), is_active=False)
    candidate = make_candidate(open_survey, 1)
    resolve(meeting, candidate, "designate", "지정", admin)
    make_application(open_survey, applicant, candidate=candidate)
    make_application(open_survey, make_user("applicant"), status="submitted")

    with django_capture_on_commit_callbacks(execute=True):
        first = service.results_publish(notice, actor=admin)
    with django_capture_on_commit_callbacks(execute=True):
        second = service.results_publish(notice, actor=admin)

    assert len(first) == 2 and second == []
    assert Result.objects.count() == 2
    queued = OutboundMail.objects.filter(template="result_published")
    assert queued.count() == 3  # two people of the first organisation, one of the second
    assert sorted(m.to[0] for m in mailoutbox) == sorted(queued.values_list("to", flat=True))
    assert colleague.email in {m.to[0] for m in mailoutbox}
    mine = next(m for m in mailoutbox if m.to == [applicant.email])
    assert "산업통상자원부 고시 제2026-17호" in mine.body


def test_the_applicant_sees_the_result_and_the_objection_window(client, open_survey, applicant, admin, time_machine):
    time_machine.move_to(PUBLISHED_AT + timedelta(days=2), tick=False)
    result = published_result(open_survey, applicant, admin)
    log_in(client, applicant)

    page = client.get(reverse("surveys:application_detail", kwargs={"pk": result.application_id})).content.decode()

    assert 'data-testid="result-outcome"' in page and str(result.get_outcome_display()) in page
    assert "기술 난이도가 충분하지 않음" in page
    assert result.notice.number in page
    assert reverse("review:notice_public", kwargs={"pk": result.notice_id}) in page
    assert 'data-testid="objection-window"' in page
    assert reverse("review:objection_lodge", kwargs={"pk": result.application_id}) in page

    time_machine.move_to(PUBLISHED_AT + timedelta(days=20), tick=False)
    page = client.get(reverse("surveys:application_detail", kwargs={"pk": result.application_id})).content.decode()
    assert 'data-testid="objection-window"' not in page


@pytest.mark.slow  # builds the page at two sizes to count its queries
def test_the_applicant_dashboard_shows_results_without_more_queries(client, open_survey, applicant, admin):
    meeting = make_meeting(open_survey, admin)
    notice = make_notice(open_survey, admin)
    log_in(client, applicant)

    def grow(size):
        for number in range(Result.objects.count(), size // 2):
            candidate = make_candidate(open_survey, number + 1)
            resolve(meeting, candidate, "designate" if number % 2 else "reject", "사유", admin)
            make_application(open_survey, applicant, candidate=candidate, title=f"기술 {number}")
            make_application(open_survey, applicant, status="draft", title=f"초안 {number}")  # no result
        service.results_publish(notice, actor=admin)

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/dashboard/applicant/")
        assert response.status_code == 200
        return len(queries), response.content.decode()

    grow(4)
    client.get("/dashboard/applicant/")
    small, page = count()
    assert page.count("data-result=") == 2 and page.count("초안 ") == 2
    grow(20)
    large, page = count()
    assert page.count("data-result=") == 10 and page.count("초안 ") == 10
    assert large == small, f"{small} queries with 4 applications, {large} with 20"


# -- the applicant's evaluation summary --------------------------------------------------------


def _reviewed(candidate, admin, reviewers):
    """Three submitted reviews with distinct scores and texts; reviewer 3's text sorts first."""
    from tests.review.helpers import assign, submit_review

    survey = candidate.survey
    numbers = list(survey.criteria.order_by("number").values_list("number", flat=True))
    plan = {
        reviewers[0]: ("5", "평가위원 김의 근거"),
        reviewers[1]: ("4", "평가위원 이의 근거"),
        reviewers[2]: ("2", "가장 먼저 정렬되는 근거"),
    }
    for reviewer, (score, text) in plan.items():
        submit_review(
            assign(candidate, reviewer, admin),
            scores={str(n): score for n in numbers},
            texts={str(n): f"{text} {n}" for n in numbers},
            comment=f"종합: {text}",
        )
    return numbers


def _evaluation_url(application):
    return reverse("review:evaluation_summary", kwargs={"pk": application.pk})


def test_the_evaluation_summary_shows_means_and_comments_without_names_after_the_results(
    client,
    open_survey,
    candidate,
    applicant,
    admin,
    reviewers,
    django_capture_on_commit_callbacks,
):
    application = candidate.applications.get()
    numbers = _reviewed(candidate, admin, reviewers)
    log_in(client, applicant)
    assert client.get(_evaluation_url(application)).status_code == 404  # no results yet
    resolve(make_meeting(open_survey, admin), candidate, "designate", "지정", admin)
    with django_capture_on_commit_callbacks(execute=True):
        service.results_publish(make_notice(open_survey, admin), actor=admin)

    detail = client.get(reverse("surveys:application_detail", kwargs={"pk": application.pk})).content.decode()
    assert _evaluation_url(application) in detail
    response = client.get(_evaluation_url(application))
    assert response.status_code == 200
    html = response.content.decode()
    summary = response.context["summary"]
    assert summary.reviews == 3
    assert [c.number for c in summary.criteria] == numbers
    first = summary.criteria[0]
    assert str(first.mean) == "3.67" and first.scored == 3
    # the comments are sorted by their text, not by reviewer: reviewer C's comes first
    assert first.comments == sorted(first.comments) and first.comments[0].startswith("가장 먼저")
    for text in ("평가위원 김의 근거 1", "평가위원 이의 근거 1", "종합: 가장 먼저 정렬되는 근거"):
        assert text in html
    assert '<td class="text-end" data-testid="mean">3.67</td>' in html
    for reviewer in reviewers:
        assert reviewer.name not in html and reviewer.email not in html
    for pseudonym in ("평가위원 A", "평가위원 B", "평가위원 C", "Reviewer A"):
        assert pseudonym not in html


def test_the_evaluation_summary_leaves_out_reviews_not_submitted(
    client,
    open_survey,
    candidate,
    applicant,
    admin,
    reviewers,
):
    from review.services import reviewing
    from tests.review.helpers import accept, assign, full_scores, justifications

    _reviewed(candidate, admin, reviewers[:1] + reviewers[1:2] + reviewers[2:3])
    extra = make_user("reviewer", name="최초안")
    from review.models import ReviewerProfile

    ReviewerProfile.objects.create(user=extra, organization_name="기관")
    draft = accept(assign(candidate, extra, admin))
    reviewing.review_save(
        draft,
        reviewer=extra,
        scores=full_scores(open_survey, "1"),
        justifications=justifications(open_survey, "초안 근거"),
        recommendation="",
        comment="",
        submit=False,
    )
    resolve(make_meeting(open_survey, admin), candidate, "designate", "지정", admin)
    service.results_publish(make_notice(open_survey, admin), actor=admin)
    log_in(client, applicant)
    html = client.get(_evaluation_url(candidate.applications.get())).content.decode()
    assert "초안 근거" not in html and ">3.67<" in html


def test_the_evaluation_summary_is_404_to_other_organisations(client, open_survey, candidate, admin, reviewers):
    _reviewed(candidate, admin, reviewers)
    resolve(make_meeting(open_survey, admin), candidate, "designate", "지정", admin)
    service.results_publish(make_notice(open_survey, admin), actor=admin)
    url = _evaluation_url(candidate.applications.get())
    for user in (make_user("applicant", manager=True), reviewers[0], make_user("association_staff")):
        log_in(client, user)
        assert client.get(url).status_code == 404


def test_an_application_without_reviews_says_so(client, open_survey, applicant, admin):
    result = published_result(open_survey, applicant, admin)
    log_in(client, applicant)
    response = client.get(_evaluation_url(result.application))
    assert response.status_code == 200 and 'data-testid="evaluation-none"' in response.content.decode()
