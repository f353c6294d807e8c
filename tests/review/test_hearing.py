"""The hearing: public list and candidate pages, the comment window, the ministry's answers and their effects."""

from datetime import date

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from portal.exceptions import DomainError
from portal.models import AuditEvent, OutboundMail
from review.enums import AuditAction, HearingChange, Stance
from review.models import CommitteeConfirmation, ConfirmedCandidate, HearingComment
from review.selectors import confirmed_candidates
from review.selectors import hearing as hearing_reads
from review.services import hearing
from surveys.enums import SurveyStage
from surveys.models import Candidate, Survey
from tests.factories import make_user
from tests.review.helpers import accepted_candidate, log_in, organization_of

pytestmark = pytest.mark.django_db

STARTS, ENDS = date(2027, 1, 10), date(2027, 1, 20)
INSIDE = "2027-01-15 10:00 +09:00"


def confirm(survey, candidates, admin, *, stage=SurveyStage.HEARING, starts=STARTS, ends=ENDS):
    """The committee's confirmed list, and the call moved to the hearing with its window."""
    confirmation = CommitteeConfirmation.objects.create(
        survey=survey, held_on=starts, minutes="확정", confirmed_by=admin
    )
    for candidate in candidates:
        ConfirmedCandidate.objects.create(confirmation=confirmation, candidate=candidate)
    Survey.objects.filter(pk=survey.pk).update(stage=stage, hearing_starts_on=starts, hearing_ends_on=ends)
    survey.refresh_from_db()
    return confirmation


def add_candidates(survey, size: int) -> list[Candidate]:
    start = Candidate.objects.filter(survey=survey).count()
    return [
        Candidate.objects.create(
            survey=survey, number=f"ROB-H{index + 1:03d}", title=f"후보 기술 {index + 1}", field_code="ROB"
        )
        for index in range(start, size)
    ]


def comment_on(candidate, author, *, stance=Stance.FOR, body="찬성합니다."):
    with time_machine.travel(INSIDE, tick=False):
        return hearing.hearing_comment_add(candidate, stance=stance, body=body, actor=author)


def candidate_url(candidate) -> str:
    return reverse("review:hearing_candidate", kwargs={"pk": candidate.pk})


def answer_url(comment) -> str:
    return reverse("review:hearing_answer", kwargs={"pk": comment.pk})


@pytest.fixture
def org_name(applicant):
    return organization_of(applicant).name.replace("주식회사", "").strip()


@pytest.fixture
def revealing_answers(complete_answers, applicant, org_name):
    """Answers that name the applicant and its contact in the summary, as applicants do."""
    organization = organization_of(applicant)
    answers = {key: dict(value) for key, value in complete_answers.items()}
    answers["basic"]["summary"] = (
        f"{organization.name}가 개발한 반복정밀도 ±0.01 mm 감속기. "
        f"문의 02-123-4567, kang@hanbit.example, 사업자 {organization.business_number}"
    )
    answers["specification"]["products"] = f"{org_name} 협동로봇, 정밀 감속기"
    return answers


@pytest.fixture
def confirmed(open_survey, applicant, revealing_answers, admin, org_name):
    candidate = accepted_candidate(
        open_survey, applicant, revealing_answers, admin, title=f"{org_name} 협동로봇 감속기"
    )
    confirm(open_survey, [candidate], admin)
    return candidate


@pytest.fixture
def commenter(db):
    return make_user("applicant", name="김찬반", email="kim.commenter@secret.example")


# -- the comment window ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "allowed"),
    [
        ("2027-01-09 23:59 +09:00", False),  # the day before the first day
        ("2027-01-10 00:30 +09:00", True),  # the first day in Korea, still the 9th in UTC
        ("2027-01-20 23:30 +09:00", True),  # the last day
        ("2027-01-21 00:10 +09:00", False),  # the day after in Korea, still the 20th in UTC
    ],
)
def test_comments_are_accepted_only_inside_the_window_in_korea_dates(client, confirmed, commenter, moment, allowed):
    with time_machine.travel(moment, tick=False):
        log_in(client, commenter)
        response = client.post(candidate_url(confirmed), {"stance": "against", "body": "반대 의견 본문"})
    if allowed:
        comment = HearingComment.objects.get()
        assert response.status_code == 302
        assert response.url == f"{candidate_url(confirmed)}#comment-{comment.pk}"
        assert (comment.author, comment.stance, comment.body) == (commenter, Stance.AGAINST, "반대 의견 본문")
    else:
        assert response.status_code == 400
        assert not HearingComment.objects.exists()
        html = response.content.decode()
        assert "반대 의견 본문" in html  # the form keeps what was typed
        assert "2027-01-10" in html and "2027-01-20" in html


def test_the_window_message_says_whether_it_has_not_started_or_has_ended(open_survey):
    open_survey.stage = SurveyStage.HEARING
    open_survey.hearing_starts_on, open_survey.hearing_ends_on = STARTS, ENDS
    before = hearing.window_refusal(open_survey, today=date(2027, 1, 9))
    after = hearing.window_refusal(open_survey, today=date(2027, 1, 21))
    assert before != after and before and after
    assert hearing.window_refusal(open_survey, today=STARTS) == ""


def test_no_comment_outside_the_hearing_stage_even_within_the_dates(confirmed, commenter, open_survey):
    Survey.objects.filter(pk=open_survey.pk).update(stage=SurveyStage.NATIONAL_COMMITTEE)
    with pytest.raises(DomainError) as error, time_machine.travel(INSIDE, tick=False):
        hearing.hearing_comment_add(Candidate.objects.get(pk=confirmed.pk), stance="for", body="찬성", actor=commenter)
    assert error.value.code == "window"
    assert not HearingComment.objects.exists()


def test_an_anonymous_post_goes_to_the_login_and_saves_nothing(client, confirmed):
    with time_machine.travel(INSIDE, tick=False):
        response = client.post(candidate_url(confirmed), {"stance": "for", "body": "익명"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not HearingComment.objects.exists()


@pytest.mark.parametrize(
    "data", [{"stance": "for", "body": ""}, {"stance": "maybe", "body": "본문"}, {"stance": "for", "body": "가" * 4001}]
)
def test_a_bad_comment_is_a_400_keeping_the_input(client, confirmed, commenter, data):
    with time_machine.travel(INSIDE, tick=False):
        log_in(client, commenter)
        response = client.post(candidate_url(confirmed), data)
    assert response.status_code == 400
    assert not HearingComment.objects.exists()
    if data["body"]:
        assert data["body"][:50] in response.content.decode()


def test_any_signed_in_role_may_comment_and_it_is_audited(client, confirmed, admin):
    reviewer = make_user("reviewer", name="박의견")
    for author in (reviewer, admin):
        with time_machine.travel(INSIDE, tick=False):
            log_in(client, author)
            assert client.post(candidate_url(confirmed), {"stance": "neutral", "body": "의견"}).status_code == 302
    assert HearingComment.objects.count() == 2
    events = AuditEvent.objects.filter(action=AuditAction.HEARING_COMMENTED)
    assert sorted(e.actor_id for e in events) == sorted([reviewer.pk, admin.pk])


# -- what the public sees ----------------------------------------------------------------------------


def test_the_public_pages_never_show_the_commenter_or_the_applicant(
    client, confirmed, commenter, applicant, org_name, admin
):
    comment = comment_on(confirmed, commenter, stance=Stance.AGAINST, body="대체 기술이 이미 있습니다.")
    hearing.hearing_comment_answer(comment, answer="검토하였습니다.", change="none", actor=admin)
    organization = organization_of(applicant)
    pages = [
        client.get(reverse("review:hearing", kwargs={"pk": confirmed.survey_id})),
        client.get(candidate_url(confirmed)),
    ]
    for response in pages:
        assert response.status_code == 200
        html = response.content.decode()
        for secret in (
            commenter.email,
            commenter.name,
            organization.name,
            org_name,
            organization.business_number,
            applicant.email,
            applicant.name,
            "강민서",
            "kang@hanbit.example",
            "02-123-4567",
        ):
            assert secret not in html, secret
    html = pages[1].content.decode()
    assert "김**" in html
    assert "협동로봇 감속기" in html and "반복정밀도 ±0.01 mm 감속기" in html  # the title and summary, masked
    assert "대체 기술이 이미 있습니다." in html


def test_the_list_shows_numbers_fields_counts_and_the_window(client, open_survey, confirmed, commenter, admin):
    others = [make_user("applicant") for _ in range(2)]
    comment_on(confirmed, commenter, stance=Stance.FOR)
    comment_on(confirmed, others[0], stance=Stance.FOR)
    comment_on(confirmed, others[1], stance=Stance.AGAINST)
    with time_machine.travel(INSIDE, tick=False):
        response = client.get(reverse("review:hearing", kwargs={"pk": open_survey.pk}))
    html = response.content.decode()
    row = html[html.index(f'data-candidate="{confirmed.number}"') :]
    row = row[: row.index("</tr>")]
    assert "로봇" in row and candidate_url(confirmed) in row
    assert [cell.split(">")[-1] for cell in row.split("</td>")[3:6]] == ["2", "1", "0"]
    assert "2027-01-10" in html and "2027-01-20" in html
    entries = {e.candidate_id: e for e in hearing_reads.hearing_entries(open_survey)}
    assert (entries[confirmed.pk].n_for, entries[confirmed.pk].n_against, entries[confirmed.pk].n_neutral) == (2, 1, 0)


@pytest.mark.parametrize("stage", [SurveyStage.COLLECTION, SurveyStage.TECHNICAL_REVIEW])
def test_the_hearing_pages_are_hidden_before_the_hearing(client, open_survey, confirmed, stage):
    Survey.objects.filter(pk=open_survey.pk).update(stage=stage)
    assert client.get(reverse("review:hearing", kwargs={"pk": open_survey.pk})).status_code == 404
    assert client.get(candidate_url(confirmed)).status_code == 404


@pytest.mark.parametrize("stage", [SurveyStage.NATIONAL_COMMITTEE, SurveyStage.NOTICE, SurveyStage.CLOSED])
def test_the_hearing_pages_stay_public_after_the_hearing(client, open_survey, confirmed, commenter, stage):
    Survey.objects.filter(pk=open_survey.pk).update(stage=stage)
    assert client.get(reverse("review:hearing", kwargs={"pk": open_survey.pk})).status_code == 200
    with time_machine.travel(INSIDE, tick=False):  # within the dates, but the call has moved on
        log_in(client, commenter)
        response = client.get(candidate_url(confirmed))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="body"' not in html and 'data-testid="window-refusal"' in html


def test_an_unconfirmed_candidate_has_no_hearing_page(client, open_survey, confirmed):
    other = add_candidates(open_survey, 2)[-1]
    assert client.get(candidate_url(other)).status_code == 404


def test_the_call_page_links_the_hearing_from_the_hearing_on(client, open_survey, confirmed):
    url = reverse("surveys:call_detail", kwargs={"pk": open_survey.pk})
    hearing_url = reverse("review:hearing", kwargs={"pk": open_survey.pk})
    assert hearing_url in client.get(url).content.decode()
    Survey.objects.filter(pk=open_survey.pk).update(stage=SurveyStage.TECHNICAL_REVIEW)
    assert hearing_url not in client.get(url).content.decode()


def test_the_review_overview_links_the_ministry_screen(client, open_survey, confirmed, admin):
    log_in(client, admin)
    html = client.get(reverse("review:overview", kwargs={"pk": open_survey.pk})).content.decode()
    assert reverse("review:hearing_manage", kwargs={"pk": open_survey.pk}) in html


# -- the ministry's answers --------------------------------------------------------------------------


def test_an_answer_is_public_and_linked_from_its_comment(client, confirmed, commenter, admin):
    comment = comment_on(confirmed, commenter)
    log_in(client, admin)
    response = client.post(answer_url(comment), {"answer": "의견 감사합니다. 반영하지 않습니다.", "change": "none"})
    assert response.status_code == 302
    assert response.url == reverse("review:hearing_manage", kwargs={"pk": confirmed.survey_id})
    client.logout()
    html = client.get(candidate_url(confirmed)).content.decode()
    assert f'id="comment-{comment.pk}"' in html
    assert f'id="answer-{comment.pk}"' in html and f'href="#answer-{comment.pk}"' in html
    assert f'href="#comment-{comment.pk}"' in html
    assert "의견 감사합니다. 반영하지 않습니다." in html
    assert f'id="change-{comment.pk}"' not in html


def test_removal_takes_the_candidate_off_the_confirmed_list_and_says_why(
    client, open_survey, confirmed, commenter, admin
):
    kept = add_candidates(open_survey, 2)[-1]
    ConfirmedCandidate.objects.create(confirmation=open_survey.committee_confirmation, candidate=kept)
    comment = comment_on(confirmed, commenter, stance=Stance.AGAINST, body="이미 지정된 기술과 중복됩니다.")
    log_in(client, admin)
    response = client.post(
        answer_url(comment),
        {
            "answer": "중복이 확인되어 목록에서 제외합니다.",
            "change": "removed",
            "change_summary": "기지정 기술과 중복되어 후보 목록에서 제외",
        },
    )
    assert response.status_code == 302
    assert [e.candidate for e in confirmed_candidates(open_survey)] == [kept]
    entry = ConfirmedCandidate.objects.get(candidate=confirmed)
    assert entry.removed_at is not None and entry.removed_by == comment
    client.logout()
    html = client.get(candidate_url(confirmed)).content.decode()
    assert 'data-testid="removed-notice"' in html and "기지정 기술과 중복되어 후보 목록에서 제외" in html
    assert f'href="#answer-{comment.pk}"' in html and f'href="#change-{comment.pk}"' in html
    listing = client.get(reverse("review:hearing", kwargs={"pk": open_survey.pk})).content.decode()
    assert f'data-removed="{confirmed.number}"' in listing and f'data-candidate="{confirmed.number}"' not in listing
    with pytest.raises(DomainError) as error, time_machine.travel(INSIDE, tick=False):
        hearing.hearing_comment_add(confirmed, stance="for", body="재고 요청", actor=commenter)
    assert error.value.code == "removed"


def test_editing_a_removal_away_puts_the_candidate_back_and_is_audited(open_survey, confirmed, commenter, admin):
    comment = comment_on(confirmed, commenter, stance=Stance.AGAINST)
    hearing.hearing_comment_answer(comment, answer="제외합니다.", change="removed", change_summary="중복", actor=admin)
    hearing.hearing_comment_answer(comment, answer="재검토 결과 유지합니다.", change="none", actor=admin)
    assert [e.candidate for e in confirmed_candidates(open_survey)] == [confirmed]
    edit = AuditEvent.objects.get(action=AuditAction.HEARING_ANSWER_EDITED, object_id=str(comment.pk))
    assert edit.actor == admin
    assert (edit.before["answer"], edit.before["change"], edit.before["removed"]) == ("제외합니다.", "removed", True)
    assert (edit.after["answer"], edit.after["change"], edit.after["removed"]) == (
        "재검토 결과 유지합니다.",
        "none",
        False,
    )
    assert AuditEvent.objects.filter(action=AuditAction.HEARING_ANSWERED, object_id=str(comment.pk)).count() == 1


def test_a_second_removal_by_another_comment_is_refused(confirmed, commenter, admin):
    first = comment_on(confirmed, commenter, stance=Stance.AGAINST)
    second = comment_on(confirmed, make_user("applicant"), stance=Stance.AGAINST)
    hearing.hearing_comment_answer(first, answer="제외", change="removed", change_summary="중복", actor=admin)
    with pytest.raises(DomainError):
        hearing.hearing_comment_answer(second, answer="제외", change="removed", change_summary="중복", actor=admin)
    assert ConfirmedCandidate.objects.get(candidate=confirmed).removed_by == first


def test_amendment_changes_the_title_records_before_and_after_and_is_shown(
    client, confirmed, commenter, admin, org_name
):
    comment = comment_on(confirmed, commenter, stance=Stance.NEUTRAL, body="명칭이 너무 넓습니다.")
    before = Candidate.objects.get(pk=confirmed.pk).title
    log_in(client, admin)
    response = client.post(
        answer_url(comment),
        {
            "answer": "명칭을 구체화합니다.",
            "change": "amended",
            "title": "협동로봇용 정밀 감속기(백래시 1 arcmin 이하)",
            "change_summary": "",
        },
    )
    assert response.status_code == 302
    candidate = Candidate.objects.get(pk=confirmed.pk)
    assert candidate.title == "협동로봇용 정밀 감속기(백래시 1 arcmin 이하)"
    comment.refresh_from_db()
    assert comment.change == HearingChange.AMENDED
    assert before.replace(org_name, "○○○") in comment.change_summary and candidate.title in comment.change_summary
    assert org_name not in comment.change_summary  # the summary is public
    amended = AuditEvent.objects.get(action=AuditAction.HEARING_CANDIDATE_AMENDED, object_id=str(candidate.pk))
    assert (amended.before["title"], amended.after["title"]) == (before, candidate.title)
    client.logout()
    html = client.get(candidate_url(confirmed)).content.decode()
    assert "협동로봇용 정밀 감속기(백래시 1 arcmin 이하)" in html
    assert f'id="change-{comment.pk}"' in html and 'data-change="amended"' in html
    assert org_name not in html


@pytest.mark.parametrize("change", ["amended", "removed"])
def test_a_change_needs_a_summary(client, confirmed, commenter, admin, change):
    comment = comment_on(confirmed, commenter)
    log_in(client, admin)
    response = client.post(
        answer_url(comment),
        {"answer": "답변 본문", "change": change, "title": Candidate.objects.get(pk=confirmed.pk).title},
    )
    assert response.status_code == 400
    assert "답변 본문" in response.content.decode()
    comment.refresh_from_db()
    assert comment.answer == ""
    assert ConfirmedCandidate.objects.get(candidate=confirmed).removed_at is None


def test_an_empty_answer_is_a_400(client, confirmed, commenter, admin):
    comment = comment_on(confirmed, commenter)
    log_in(client, admin)
    assert client.post(answer_url(comment), {"answer": "", "change": "none"}).status_code == 400
    assert HearingComment.objects.get(pk=comment.pk).answer == ""


@pytest.mark.parametrize(
    ("stage", "allowed"),
    [(SurveyStage.HEARING, True), (SurveyStage.NATIONAL_COMMITTEE, True), (SurveyStage.NOTICE, False)],
)
def test_answers_are_allowed_in_the_hearing_and_with_the_national_committee(
    confirmed, commenter, admin, stage, allowed
):
    comment = comment_on(confirmed, commenter)
    Survey.objects.filter(pk=confirmed.survey_id).update(stage=stage)
    with time_machine.travel("2027-03-01 10:00 +09:00", tick=False):  # after the window
        if allowed:
            hearing.hearing_comment_answer(comment, answer="답변", change="none", actor=admin)
        else:
            with pytest.raises(DomainError):
                hearing.hearing_comment_answer(comment, answer="답변", change="none", actor=admin)
    assert (HearingComment.objects.get(pk=comment.pk).answer == "답변") is allowed


def test_the_first_answer_is_mailed_once_and_an_edit_only_when_the_text_changes(
    client,
    confirmed,
    commenter,
    admin,
    django_capture_on_commit_callbacks,
):
    comment = comment_on(confirmed, commenter)
    mail.outbox.clear()
    log_in(client, admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(answer_url(comment), {"answer": "검토 결과 반영합니다.", "change": "none"})
        client.post(answer_url(comment), {"answer": "검토 결과 반영합니다.", "change": "none"})
    assert [m.to for m in mail.outbox] == [[commenter.email]]
    message = mail.outbox[0]
    assert confirmed.number in message.subject
    assert "검토 결과 반영합니다." in message.body and f"#answer-{comment.pk}" in message.body
    assert OutboundMail.objects.filter(template="hearing_answered").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(answer_url(comment), {"answer": "검토 결과 일부 반영합니다.", "change": "none"})
    assert len(mail.outbox) == 2
    assert AuditEvent.objects.filter(action=AuditAction.HEARING_ANSWER_EDITED, object_id=str(comment.pk)).count() == 2


# -- the ministry's list -----------------------------------------------------------------------------


def test_the_ministry_list_puts_unanswered_first_and_filters(client, open_survey, confirmed, commenter, admin):
    other = add_candidates(open_survey, 2)[-1]
    ConfirmedCandidate.objects.create(confirmation=open_survey.committee_confirmation, candidate=other)
    answered = comment_on(confirmed, commenter, body="첫 의견")
    waiting = comment_on(confirmed, make_user("applicant"), body="둘째 의견")
    elsewhere = comment_on(other, commenter, body="다른 후보 의견")
    hearing.hearing_comment_answer(answered, answer="답변", change="none", actor=admin)
    log_in(client, admin)
    url = reverse("review:hearing_manage", kwargs={"pk": open_survey.pk})

    def ids(query=""):
        html = client.get(url + query).content.decode()
        return [int(part.split('"')[0]) for part in html.split('data-comment="')[1:]]

    assert ids() == [waiting.pk, elsewhere.pk, answered.pk]
    assert ids("?state=answered") == [answered.pk]
    assert ids("?state=unanswered") == [waiting.pk, elsewhere.pk]
    assert ids(f"?candidate={other.pk}") == [elsewhere.pk]
    assert ids("?candidate=x&state=bogus") == [waiting.pk, elsewhere.pk, answered.pk]
    for junk in ("9223372036854775808", "1" * 30, "²"):  # beyond any id, or a digit that is not ASCII
        assert ids(f"?candidate={junk}") == [waiting.pk, elsewhere.pk, answered.pk]


def test_the_ministry_list_is_paginated(client, open_survey, confirmed, admin):
    author = make_user("applicant")
    HearingComment.objects.bulk_create(
        HearingComment(candidate=confirmed, author=author, stance="for", body=f"의견 {n}") for n in range(55)
    )
    log_in(client, admin)
    url = reverse("review:hearing_manage", kwargs={"pk": open_survey.pk})
    assert client.get(url).content.decode().count("data-comment=") == 50
    assert client.get(url + "?page=2").content.decode().count("data-comment=") == 5


# -- query counts ------------------------------------------------------------------------------------


@pytest.mark.slow  # builds the page at two sizes to count its queries
def test_the_public_list_does_not_grow_with_candidates(client, open_survey, confirmed, django_assert_num_queries):
    """One query for the call, one for the entries with their counts, two for the names to mask, one for fields."""
    author = make_user("applicant")
    url = reverse("review:hearing", kwargs={"pk": open_survey.pk})

    def grow(size):
        for candidate in add_candidates(open_survey, size):
            ConfirmedCandidate.objects.create(confirmation=open_survey.committee_confirmation, candidate=candidate)
        for candidate in Candidate.objects.filter(survey=open_survey):
            HearingComment.objects.create(candidate=candidate, author=author, stance="against", body="반대")

    grow(2)
    client.get(url)
    with django_assert_num_queries(5):
        response = client.get(url)
    assert response.content.decode().count("data-candidate=") == 2
    grow(10)
    with django_assert_num_queries(5):
        response = client.get(url)
    assert response.content.decode().count("data-candidate=") == 10


@pytest.mark.slow  # builds the page at two sizes to count its queries
def test_the_candidate_page_does_not_grow_with_comments(client, confirmed, admin, django_assert_max_num_queries):
    authors = [make_user("applicant") for _ in range(10)]
    url = candidate_url(confirmed)

    def add(n):
        for author in authors[:n]:
            comment = HearingComment.objects.create(candidate=confirmed, author=author, stance="for", body="찬성")
            hearing.hearing_comment_answer(comment, answer="답변", change="none", actor=admin)

    add(2)
    client.get(url)
    with django_assert_max_num_queries(12) as small:
        response = client.get(url)
    assert response.content.decode().count("data-comment=") == 2
    add(8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("data-comment=") == 10


def test_the_ministry_list_does_not_grow_with_comments(client, open_survey, admin, django_assert_max_num_queries):
    candidates = add_candidates(open_survey, 10)
    confirm(open_survey, candidates, admin)
    url = reverse("review:hearing_manage", kwargs={"pk": open_survey.pk})
    log_in(client, admin)

    def add(n):
        for candidate in candidates[:n]:
            HearingComment.objects.create(candidate=candidate, author=make_user("applicant"), stance="for", body="찬성")

    add(2)
    client.get(url)
    with django_assert_max_num_queries(15) as small:
        response = client.get(url)
    assert response.content.decode().count("data-comment=") == 2
    add(10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("data-comment=") == 12
