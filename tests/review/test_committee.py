"""Rankings, subcommittee recommendations, the committee's confirmation, the score sheet and the committee book."""

import hashlib
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from portal.exceptions import DomainError
from portal.models import AuditEvent
from review.enums import AuditAction, RenderStatus, SubcommitteeRecommendation
from review.models import (
    CommitteeBook,
    CommitteeConfirmation,
    ConfirmedCandidate,
    HearingComment,
    SubcommitteeDecision,
    SubcommitteeMeeting,
)
from review.selectors import committee as committee_reads
from review.services import committee
from review.services import committee_book as books
from review.tasks import render_committee_book
from surveys.enums import SurveyStage
from surveys.models import Candidate, Survey
from tests.factories import make_user
from tests.review.helpers import (
    accepted_candidate,
    assign,
    body,
    full_scores,
    log_in,
    organization_of,
    pdf_text,
    submit_review,
)

pytestmark = pytest.mark.django_db

R = SubcommitteeRecommendation


def _stage(survey, stage=SurveyStage.TECHNICAL_REVIEW):
    Survey.objects.filter(pk=survey.pk).update(stage=stage)
    survey.refresh_from_db()
    return survey


def _scored(survey, admin, reviewers, number, title, values, field_code="ROB"):
    """A candidate whose reviewers (in order) each gave ``value`` on every criterion."""
    candidate = Candidate.objects.create(survey=survey, number=number, title=title, field_code=field_code)
    for reviewer, value in zip(reviewers, values):
        submit_review(assign(candidate, reviewer, admin), scores=full_scores(survey, value))
    return candidate


@pytest.fixture
def field_world(open_survey, admin, reviewers):
    """Four robot candidates: 5.00, 4.00, 3.00 with a wide spread, and one nobody reviewed."""
    _stage(open_survey)
    return {
        "top": _scored(open_survey, admin, reviewers, "ROB-T001", "최상위 기술", [5, 5, 5]),
        "second": _scored(open_survey, admin, reviewers, "ROB-T002", "둘째 기술", [4, 4]),
        "split": _scored(open_survey, admin, reviewers, "ROB-T003", "의견 갈린 기술", [5, 1]),
        "none": _scored(open_survey, admin, reviewers, "ROB-T000", "미평가 기술", []),
    }


def _meeting(survey, actor, field_code="ROB"):
    return committee.meeting_save(
        survey,
        field_code=field_code,
        held_on=timezone.localdate(),
        attendees="분과위원 5명",
        minutes="분과위원회 회의록",
        actor=actor,
    )


def _field_url(survey, field_code="ROB"):
    return reverse("review:committee_field", kwargs={"pk": survey.pk, "field_code": field_code})


# ranking ---------------------------------------------------------------------------------------------------------


def test_ranking_puts_the_highest_aggregate_first_and_unreviewed_last(open_survey, field_world):
    rows = committee_reads.ranking(open_survey, field_code="ROB")
    assert [(r.rank, r.candidate.number, r.result.value) for r in rows] == [
        (1, "ROB-T001", Decimal("5.00")),
        (2, "ROB-T002", Decimal("4.00")),
        (3, "ROB-T003", Decimal("3.00")),
        (None, "ROB-T000", None),
    ]
    assert [r.result.flagged for r in rows] == [False, False, True, False]
    assert rows[2].result.spread == Decimal("4.00")


def test_ranking_leaves_out_merged_candidates_and_other_fields(open_survey, admin, reviewers, field_world):
    merged = _scored(open_survey, admin, reviewers, "ROB-T009", "병합된 기술", [5])
    Candidate.objects.filter(pk=merged.pk).update(merged_into=field_world["top"])
    _scored(open_survey, admin, reviewers, "SEC-T001", "다른 분야", [5], field_code="SEC")
    numbers = [r.candidate.number for r in committee_reads.ranking(open_survey, field_code="ROB")]
    assert "ROB-T009" not in numbers and "SEC-T001" not in numbers and len(numbers) == 4


def test_equal_aggregates_share_a_rank(open_survey, admin, reviewers):
    _scored(open_survey, admin, reviewers, "ROB-T001", "가", [4])
    _scored(open_survey, admin, reviewers, "ROB-T002", "나", [4])
    _scored(open_survey, admin, reviewers, "ROB-T003", "다", [3])
    assert [r.rank for r in committee_reads.ranking(open_survey, field_code="ROB")] == [1, 1, 3]


def test_the_field_page_shows_the_ranking_with_flags_and_links(client, secretary, open_survey, field_world):
    log_in(client, secretary)
    response = client.get(_field_url(open_survey))
    assert response.status_code == 200
    html = response.content.decode()
    positions = [html.index(f'data-candidate="{n}"') for n in ("ROB-T001", "ROB-T002", "ROB-T003", "ROB-T000")]
    assert positions == sorted(positions)
    assert html.count('data-flagged="1"') == 1
    assert reverse("review:aggregate", kwargs={"pk": field_world["split"].pk}) in html


def test_the_index_counts_candidates_decisions_and_flags(client, secretary, open_survey, field_world):
    _meeting(open_survey, secretary)
    committee.decision_record(field_world["top"], recommendation=R.RECOMMEND, rationale="우수", actor=secretary)
    summaries = {s.field.code: s for s in committee_reads.field_summaries(open_survey)}
    assert (summaries["ROB"].candidates, summaries["ROB"].decided, summaries["ROB"].flagged) == (4, 1, 1)
    log_in(client, secretary)
    html = client.get(reverse("review:committee", kwargs={"pk": open_survey.pk})).content.decode()
    assert 'data-field="ROB"' in html and _field_url(open_survey) in html


# subcommittee records --------------------------------------------------------------------------------------------


def test_the_meeting_is_saved_once_per_field_and_audited(client, secretary, open_survey, field_world):
    log_in(client, secretary)
    url = _field_url(open_survey)
    data = {"form": "meeting", "held_on": "2026-03-02", "attendees": "위원장 외 4명", "minutes": "1차 회의"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, {**data, "minutes": "1차 회의 (수정)"}).status_code == 302
    meeting = SubcommitteeMeeting.objects.get(survey=open_survey, field_code="ROB")
    assert meeting.minutes == "1차 회의 (수정)" and str(meeting.held_on) == "2026-03-02"
    events = AuditEvent.objects.filter(action=AuditAction.SUBCOMMITTEE_MEETING_SAVED)
    assert events.count() == 2 and events.order_by("pk").last().before["minutes"] == "1차 회의"


def test_a_meeting_without_minutes_is_refused_keeping_the_input(client, secretary, open_survey, field_world):
    log_in(client, secretary)
    response = client.post(
        _field_url(open_survey),
        {"form": "meeting", "held_on": "2026-03-02", "attendees": "위원장 외 4명", "minutes": ""},
    )
    assert response.status_code == 400
    assert "위원장 외 4명" in response.content.decode()
    assert not SubcommitteeMeeting.objects.exists()


def test_a_recommendation_stores_the_aggregate_and_is_audited(client, secretary, open_survey, field_world):
    _meeting(open_survey, secretary)
    log_in(client, secretary)
    top = field_world["top"]
    response = client.post(
        _field_url(open_survey),
        {
            "form": "decision",
            "candidate": top.pk,
            f"c{top.pk}-recommendation": R.RECOMMEND,
            f"c{top.pk}-rationale": "공급망 영향이 큼",
        },
    )
    assert response.status_code == 302
    decision = SubcommitteeDecision.objects.get(candidate=top)
    assert (decision.recommendation, decision.rationale, decision.aggregate) == (
        R.RECOMMEND,
        "공급망 영향이 큼",
        Decimal("5.00"),
    )
    assert decision.meeting.field_code == "ROB" and decision.decided_by == secretary
    event = AuditEvent.objects.get(action=AuditAction.SUBCOMMITTEE_DECIDED)
    assert event.object_id == str(top.pk) and event.after["recommendation"] == R.RECOMMEND


def test_the_ranking_opens_one_recommendation_form_at_a_time(client, secretary, open_survey, field_world):
    _meeting(open_survey, secretary)
    top, second = field_world["top"], field_world["second"]
    committee.decision_record(top, recommendation=R.HOLD, rationale="추가 자료 필요", actor=secretary)
    log_in(client, secretary)
    html = client.get(_field_url(open_survey)).content.decode()
    assert "-recommendation" not in html  # no form until one is asked for
    for candidate in field_world.values():
        assert f'data-decide="{candidate.pk}"' in html
    html = client.get(_field_url(open_survey) + f"?show=all&decide={top.pk}").content.decode()
    assert html.count('-recommendation" value=') == 3 and html.count(f'name="c{top.pk}-') == 4  # 3 choices, 1 rationale
    checked = html[html.index(f'name="c{top.pk}-recommendation" value="hold"') :][:200]
    assert "checked" in checked and "추가 자료 필요" in html
    assert f'data-decide="{second.pk}"' in html and f'data-decide="{top.pk}"' not in html
    for junk in ("abc", "-1", "99999999999999999999"):
        response = client.get(_field_url(open_survey) + f"?decide={junk}")
        assert response.status_code == 200 and "-recommendation" not in response.content.decode()


def test_a_saved_recommendation_returns_to_the_list_with_its_filters(client, secretary, open_survey, field_world):
    _meeting(open_survey, secretary)
    second = field_world["second"]
    log_in(client, secretary)
    response = client.post(
        _field_url(open_survey) + f"?show=undecided&decide={second.pk}",
        {
            "form": "decision",
            "candidate": second.pk,
            f"c{second.pk}-recommendation": R.RECOMMEND,
            f"c{second.pk}-rationale": "근거",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"{_field_url(open_survey)}?show=undecided#candidate-{second.pk}"
    assert SubcommitteeDecision.objects.get(candidate=second).recommendation == R.RECOMMEND


def test_a_recommendation_without_rationale_is_a_400_keeping_the_choice(client, secretary, open_survey, field_world):
    _meeting(open_survey, secretary)
    log_in(client, secretary)
    second = field_world["second"]
    response = client.post(
        _field_url(open_survey),
        {
            "form": "decision",
            "candidate": second.pk,
            f"c{second.pk}-recommendation": R.HOLD,
            f"c{second.pk}-rationale": "   ",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f'name="c{second.pk}-recommendation" value="hold"' in html
    radio = html[html.index(f'name="c{second.pk}-recommendation" value="hold"') :][:200]
    assert "checked" in radio
    assert not SubcommitteeDecision.objects.exists()


def test_a_recommendation_needs_the_meeting_first(open_survey, secretary, field_world):
    with pytest.raises(DomainError) as error:
        committee.decision_record(field_world["top"], recommendation=R.RECOMMEND, rationale="근거", actor=secretary)
    assert error.value.code == "meeting"


def test_a_post_for_an_unknown_candidate_is_a_400(client, secretary, open_survey, field_world):
    log_in(client, secretary)
    response = client.post(_field_url(open_survey), {"form": "decision", "candidate": "999999"})
    assert response.status_code == 400 and not SubcommitteeDecision.objects.exists()


def test_records_are_refused_outside_technical_review(client, secretary, open_survey, field_world):
    _meeting(open_survey, secretary)
    _stage(open_survey, SurveyStage.COLLECTION)
    with pytest.raises(DomainError) as error:
        committee.decision_record(field_world["top"], recommendation=R.RECOMMEND, rationale="근거", actor=secretary)
    assert error.value.code == "closed"
    log_in(client, secretary)
    response = client.get(_field_url(open_survey))
    assert 'data-testid="records-closed"' in response.content.decode()
    top = field_world["top"]
    response = client.post(
        _field_url(open_survey),
        {
            "form": "decision",
            "candidate": top.pk,
            f"c{top.pk}-recommendation": R.RECOMMEND,
            f"c{top.pk}-rationale": "근거",
        },
    )
    assert response.status_code == 400 and not SubcommitteeDecision.objects.exists()


def _decide_all(survey, actor, world, **overrides):
    _meeting(survey, actor)
    choices = {"top": R.RECOMMEND, "second": R.RECOMMEND, "split": R.HOLD, "none": R.NOT_RECOMMEND, **overrides}
    for key, recommendation in choices.items():
        if recommendation:
            committee.decision_record(world[key], recommendation=recommendation, rationale=f"{key} 근거", actor=actor)


def test_records_are_refused_after_the_confirmation(open_survey, secretary, field_world):
    _decide_all(open_survey, secretary, field_world)
    today = timezone.localdate()
    committee.committee_confirm(
        open_survey,
        candidate_ids=[field_world["top"].pk],
        held_on=today,
        minutes="회의록",
        hearing_starts_on=today,
        hearing_ends_on=today + timedelta(days=14),
        actor=secretary,
    )
    Survey.objects.filter(pk=open_survey.pk).update(stage=SurveyStage.TECHNICAL_REVIEW)  # even when moved back
    with pytest.raises(DomainError) as error:
        committee.decision_record(field_world["split"], recommendation=R.RECOMMEND, rationale="재심", actor=secretary)
    assert error.value.code == "closed"
    assert SubcommitteeDecision.objects.get(candidate=field_world["split"]).recommendation == R.HOLD


# confirmation ----------------------------------------------------------------------------------------------------


def _confirm_data(world, **overrides):
    today = timezone.localdate()
    data = {
        "candidates": [world["top"].pk, world["second"].pk],
        "held_on": today.isoformat(),
        "minutes": "기술조정위원회 회의록",
        "hearing_starts_on": (today + timedelta(days=1)).isoformat(),
        "hearing_ends_on": (today + timedelta(days=15)).isoformat(),
    }
    data.update(overrides)
    return data


def test_the_confirmation_page_lists_recommended_candidates_checked(client, secretary, open_survey, field_world):
    _decide_all(open_survey, secretary, field_world)
    log_in(client, secretary)
    html = client.get(reverse("review:committee_confirm", kwargs={"pk": open_survey.pk})).content.decode()
    for key in ("top", "second"):
        box = html[html.index(f'value="{field_world[key].pk}"') - 200 :][:400]
        assert 'name="candidates"' in box and "checked" in box
    assert "의견 갈린 기술" not in html and "미평가 기술" not in html  # on hold, not recommended
    assert 'data-testid="undecided"' not in html


def test_the_confirmation_moves_the_call_to_the_hearing(client, secretary, open_survey, field_world):
    _decide_all(open_survey, secretary, field_world)
    log_in(client, secretary)
    response = client.post(
        reverse("review:committee_confirm", kwargs={"pk": open_survey.pk}),
        _confirm_data(field_world, candidates=[field_world["top"].pk]),
    )
    assert response.status_code == 302
    open_survey.refresh_from_db()
    assert open_survey.stage == SurveyStage.HEARING
    assert open_survey.hearing_starts_on == timezone.localdate() + timedelta(days=1)
    assert open_survey.hearing_ends_on == timezone.localdate() + timedelta(days=15)
    confirmation = CommitteeConfirmation.objects.get(survey=open_survey)
    assert (confirmation.minutes, confirmation.confirmed_by) == ("기술조정위원회 회의록", secretary)
    assert list(ConfirmedCandidate.objects.values_list("candidate__number", flat=True)) == ["ROB-T001"]
    assert AuditEvent.objects.get(action=AuditAction.COMMITTEE_CONFIRMED).after["candidates"] == ["ROB-T001"]
    assert AuditEvent.objects.filter(action="surveys.survey.stage_changed", after__stage="hearing").count() == 1


def test_the_confirmation_is_blocked_while_candidates_are_undecided(client, secretary, open_survey, field_world):
    _decide_all(open_survey, secretary, field_world, split=None, none=None)
    log_in(client, secretary)
    url = reverse("review:committee_confirm", kwargs={"pk": open_survey.pk})
    html = client.get(url).content.decode()
    warning = html[html.index('data-testid="undecided"') :]
    assert "ROB-T003" in warning and "ROB-T000" in warning
    response = client.post(url, _confirm_data(field_world))
    assert response.status_code == 400
    assert "ROB-T003" in response.content.decode()
    open_survey.refresh_from_db()
    assert open_survey.stage == SurveyStage.TECHNICAL_REVIEW and not CommitteeConfirmation.objects.exists()


def test_a_second_confirmation_is_refused(client, secretary, open_survey, field_world):
    _decide_all(open_survey, secretary, field_world)
    log_in(client, secretary)
    url = reverse("review:committee_confirm", kwargs={"pk": open_survey.pk})
    assert client.post(url, _confirm_data(field_world)).status_code == 302
    response = client.post(url, _confirm_data(field_world))
    assert response.status_code == 400
    assert 'data-testid="confirm-errors"' in response.content.decode()
    assert CommitteeConfirmation.objects.count() == 1 and ConfirmedCandidate.objects.count() == 2


@pytest.mark.parametrize(
    "overrides",
    [
        {"hearing_starts_on": "2020-01-01"},
        {
            "hearing_ends_on": timezone.localdate().isoformat(),
            "hearing_starts_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
        },
        {"minutes": ""},
        {"candidates": []},
    ],
)
def test_bad_confirmation_input_is_a_400_and_changes_nothing(client, secretary, open_survey, field_world, overrides):
    _decide_all(open_survey, secretary, field_world)
    log_in(client, secretary)
    data = _confirm_data(field_world, **overrides)
    response = client.post(reverse("review:committee_confirm", kwargs={"pk": open_survey.pk}), data)
    assert response.status_code == 400
    assert data["minutes"] in response.content.decode()
    open_survey.refresh_from_db()
    assert open_survey.stage == SurveyStage.TECHNICAL_REVIEW and open_survey.hearing_starts_on is None
    assert not CommitteeConfirmation.objects.exists()


def test_a_held_candidate_cannot_be_confirmed(open_survey, secretary, field_world):
    _decide_all(open_survey, secretary, field_world)
    today = timezone.localdate()
    with pytest.raises(DomainError) as error:
        committee.committee_confirm(
            open_survey,
            candidate_ids=[field_world["split"].pk],
            held_on=today,
            minutes="m",
            hearing_starts_on=today,
            hearing_ends_on=today,
            actor=secretary,
        )
    assert error.value.code == "candidates"


def test_only_a_deliberating_actor_may_confirm(open_survey, secretary, field_world, applicant):
    _decide_all(open_survey, secretary, field_world)
    today = timezone.localdate()
    with pytest.raises(DomainError) as error:
        committee.committee_confirm(
            open_survey,
            candidate_ids=[field_world["top"].pk],
            held_on=today,
            minutes="m",
            hearing_starts_on=today,
            hearing_ends_on=today,
            actor=applicant,
        )
    assert error.value.code == "permission"
    assert Survey.objects.get(pk=open_survey.pk).stage == SurveyStage.TECHNICAL_REVIEW


# blind exports ---------------------------------------------------------------------------------------------------


@pytest.fixture
def blind_world(open_survey, applicant, complete_answers, admin, reviewers, secretary):
    """A candidate from the intake whose applicant wrote its organisation into the name, reviewed by two."""
    organization = organization_of(applicant)
    candidate = accepted_candidate(
        open_survey, applicant, complete_answers, admin, title=f"{organization.name} 협동로봇 감속기"
    )
    _stage(open_survey)
    for reviewer, value in zip(reviewers[:2], (5, 3)):
        submit_review(assign(candidate, reviewer, admin), scores=full_scores(open_survey, value))
    _meeting(open_survey, secretary)
    committee.decision_record(
        candidate, recommendation=R.RECOMMEND, rationale=f"{organization.name}의 기술력 우수", actor=secretary
    )
    HearingComment.objects.create(
        candidate=candidate,
        author=make_user("applicant"),
        stance="against",
        body=f"{organization.name} 외에도 보유 기업이 많음",
        answer="분과위원회에서 검토함",
    )
    return {"candidate": candidate, "organization": organization, "reviewers": reviewers[:2]}


def test_the_score_sheet_lists_each_review_blind(client, secretary, open_survey, blind_world):
    log_in(client, secretary)
    response = client.get(reverse("review:committee_scores", kwargs={"pk": open_survey.pk, "field_code": "ROB"}))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''ROB-ROB-")
    assert response["Content-Disposition"].endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    scores, aggregates = workbook.worksheets
    rows = list(scores.iter_rows(values_only=True))
    criteria = open_survey.criteria.count()
    assert len(rows[0]) == 3 + criteria + 2
    candidate = blind_world["candidate"]
    labels = sorted(a.label for a in candidate.assignments.all())
    assert [(r[0], r[2], r[3 + criteria]) for r in rows[1:]] == [
        (candidate.number, labels[0], 5),
        (candidate.number, labels[1], 3),
    ]
    assert rows[1][3 : 3 + criteria] == (5,) * criteria
    summary = list(aggregates.iter_rows(values_only=True))
    assert summary[1][1] == candidate.number and summary[1][4] == 4 and summary[1][5] == 2
    assert summary[1][7] == str(R.RECOMMEND.label)
    cells = " ".join(str(v) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for v in row)
    assert blind_world["organization"].name not in cells and "협동로봇 감속기" in cells
    for reviewer in blind_world["reviewers"]:
        assert reviewer.name not in cells


def test_the_committee_book_renders_blind_with_progress(
    client, secretary, open_survey, blind_world, django_capture_on_commit_callbacks
):
    log_in(client, secretary)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("review:committee_book", kwargs={"pk": open_survey.pk, "field_code": "ROB"}))
    assert response.status_code == 302
    book = CommitteeBook.objects.get()
    assert (book.status, book.done, book.total, book.requested_by) == (RenderStatus.DONE, 1, 1, secretary)
    kwargs = {"pk": open_survey.pk, "field_code": "ROB", "book_id": book.pk}
    fragment = client.get(reverse("review:committee_book_status", kwargs=kwargs)).content.decode()
    assert '<progress value="1" max="1"' in fragment and "100%" in fragment
    assert "hx-trigger" not in fragment
    download = reverse("review:committee_book_download", kwargs=kwargs)
    assert download in fragment
    response = client.get(download)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    data = body(response)
    text = pdf_text(data)
    assert "협동로봇감속기" in text and "분과위원회에서검토함" in text
    assert blind_world["organization"].name.replace(" ", "") not in text
    from portal.services.documents import document_for
    from portal.services.signing import pdf_signatures_check

    assert [check.valid for check in pdf_signatures_check(data)] == [True]
    assert document_for(book).is_signed and document_for(book).sha256 == hashlib.sha256(data).hexdigest()
    assert "테스트기업" not in text
    for reviewer in blind_world["reviewers"]:
        assert reviewer.name not in text

    name = book.file.name
    assert render_committee_book.delay(book.pk).get() == "exists"
    book.refresh_from_db()
    assert book.file.name == name and AuditEvent.objects.filter(action=AuditAction.BOOK_RENDERED).count() == 1


def test_the_status_fragment_polls_until_the_book_is_finished(client, secretary, open_survey):
    _stage(open_survey)
    book = CommitteeBook.objects.create(survey=open_survey, field_code="ROB", requested_by=secretary, done=1, total=4)
    log_in(client, secretary)
    kwargs = {"pk": open_survey.pk, "field_code": "ROB", "book_id": book.pk}
    fragment = client.get(reverse("review:committee_book_status", kwargs=kwargs)).content.decode()
    assert 'hx-trigger="every 2s"' in fragment and '<progress value="1" max="4"' in fragment and "25%" in fragment
    assert reverse("review:committee_book_download", kwargs=kwargs) not in fragment
    assert client.get(reverse("review:committee_book_download", kwargs=kwargs)).status_code == 404
    page = client.get(_field_url(open_survey)).content.decode()
    assert 'hx-trigger="every 2s"' in page  # the field page polls the latest book
    CommitteeBook.objects.filter(pk=book.pk).update(status=RenderStatus.FAILED, error="글꼴 없음")
    fragment = client.get(reverse("review:committee_book_status", kwargs=kwargs)).content.decode()
    assert "hx-trigger" not in fragment and "글꼴 없음" in fragment


def test_a_pending_book_is_not_queued_twice(open_survey, secretary):
    _stage(open_survey)
    first, created = books.book_request(open_survey, field_code="ROB", actor=secretary)
    again, created_again = books.book_request(open_survey, field_code="ROB", actor=secretary)
    assert created and not created_again and again == first and CommitteeBook.objects.count() == 1


def test_a_failing_render_is_recorded_on_the_book(open_survey, secretary, monkeypatch):
    _stage(open_survey)
    book = CommitteeBook.objects.create(survey=open_survey, field_code="ROB", requested_by=secretary)

    def broken(*args, **kwargs):
        raise RuntimeError("WeasyPrint stopped")

    monkeypatch.setattr(books, "render_signed_pdf", broken)
    assert books.book_render(book.pk) == "failed"
    book.refresh_from_db()
    assert (book.status, book.error, bool(book.file)) == (RenderStatus.FAILED, "WeasyPrint stopped", False)


# queries and links -----------------------------------------------------------------------------------------------


def _count(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def _grow(survey, admin, reviewers, size, secretary):
    for index in range(Candidate.objects.filter(survey=survey).count(), size):
        candidate = _scored(
            survey, admin, reviewers, f"ROB-Q{index:03d}", f"후보 {index}", [1 + index % 5, 3][: 1 + index % 2]
        )
        if index % 2:
            committee.decision_record(candidate, recommendation=R.HOLD, rationale="보류", actor=secretary)


@pytest.mark.slow  # builds the page at two sizes to count its queries
@pytest.mark.parametrize("page", ["committee", "committee_field", "committee_confirm"])
def test_committee_pages_cost_the_same_queries_at_any_size(client, open_survey, admin, reviewers, secretary, page):
    _stage(open_survey)
    _meeting(open_survey, secretary)
    CommitteeBook.objects.create(survey=open_survey, field_code="ROB", requested_by=secretary)
    kwargs = {"pk": open_survey.pk, **({"field_code": "ROB"} if page == "committee_field" else {})}
    url = reverse(f"review:{page}", kwargs=kwargs)
    log_in(client, secretary)
    _grow(open_survey, admin, reviewers, 2, secretary)
    client.get(url)
    small, html = _count(client, url)
    _grow(open_survey, admin, reviewers, 10, secretary)
    large, html = _count(client, url)
    assert large == small, f"{small} queries with 2 candidates, {large} with 10"
    assert small <= 16
    if page == "committee_field":
        assert html.count("data-candidate=") == 10


def test_the_secretary_dashboard_and_the_overview_link_to_the_committee(client, secretary, admin, open_survey):
    _stage(open_survey)
    url = reverse("review:committee", kwargs={"pk": open_survey.pk})
    log_in(client, secretary)
    assert url in client.get("/dashboard/secretary/").content.decode()
    _stage(open_survey, SurveyStage.COLLECTION)
    assert url not in client.get("/dashboard/secretary/").content.decode()
    log_in(client, admin)
    assert url in client.get(reverse("review:overview", kwargs={"pk": open_survey.pk})).content.decode()
