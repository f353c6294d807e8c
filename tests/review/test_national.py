"""The national committee: meetings, resolutions, closing, immutability and corrections."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.exceptions import DomainError
from portal.models import AuditEvent
from review.enums import Decision, SubcommitteeRecommendation
from review.models import NationalMeeting, Resolution, SubcommitteeDecision, SubcommitteeMeeting
from review.selectors import effective_resolutions
from review.services import national
from surveys.enums import SurveyStage
from surveys.models import Candidate
from tests.review.helpers import accepted_candidate, log_in
from tests.review.national_world import confirm, resolve_and_close, set_stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def agenda(open_survey, applicant, complete_answers, admin, secretary):
    """Two confirmed candidates; the call before the national committee."""
    first = accepted_candidate(open_survey, applicant, complete_answers, admin)
    second = accepted_candidate(open_survey, applicant, complete_answers, admin, title="자율주행 로봇 측위 기술")
    set_stage(open_survey)
    confirm(open_survey, [first, second], secretary)
    return [first, second]


@pytest.fixture
def meeting(open_survey, agenda, secretary):
    return national.meeting_create(
        open_survey,
        title="제5차 국가첨단전략산업위원회",
        held_on=date(2026, 3, 20),
        attendees="위원장 외 20인",
        actor=secretary,
    )


def _resolution_data(candidate, **overrides):
    prefix = f"c{candidate.pk}-"
    data = {
        "candidate": candidate.pk,
        f"{prefix}decision": "designate",
        f"{prefix}votes_for": "15",
        f"{prefix}votes_against": "2",
        f"{prefix}votes_abstain": "1",
        f"{prefix}reason": "공급망 안보 효과가 큼",
    }
    data.update({f"{prefix}{key}": value for key, value in overrides.items()})
    return data


# -- meetings ------------------------------------------------------------------------------------------------------


def test_the_secretary_creates_a_meeting_in_the_national_committee_stage(client, open_survey, agenda, secretary):
    log_in(client, secretary)
    url = reverse("review:national_meetings", kwargs={"pk": open_survey.pk})
    response = client.post(url, {"title": "제5차 위원회", "held_on": "2026-03-20", "attendees": "위원장 외 20인"})
    meeting = NationalMeeting.objects.get(survey=open_survey)
    assert response.status_code == 302 and response.url == reverse("review:national_meeting", kwargs={"pk": meeting.pk})
    assert (meeting.title, meeting.held_on, meeting.created_by) == ("제5차 위원회", date(2026, 3, 20), secretary)
    assert AuditEvent.objects.filter(action="review.national_meeting.created", object_id=str(meeting.pk)).exists()
    assert "제5차 위원회" in client.get(url).content.decode()


def test_a_meeting_cannot_be_created_before_the_stage(client, open_survey, agenda, secretary):
    set_stage(open_survey, SurveyStage.HEARING)
    with pytest.raises(DomainError) as error:
        national.meeting_create(open_survey, title="회의", held_on=date(2026, 3, 20), actor=secretary)
    assert error.value.code == "stage"
    log_in(client, secretary)
    url = reverse("review:national_meetings", kwargs={"pk": open_survey.pk})
    page = client.get(url)
    assert page.status_code == 200 and 'data-testid="stage-closed"' in page.content.decode()
    response = client.post(url, {"title": "회의", "held_on": "2026-03-20"})
    assert response.status_code == 400 and not NationalMeeting.objects.exists()
    assert 'data-testid="stage-closed"' in response.content.decode()


def test_a_meeting_form_with_a_bad_date_keeps_what_was_typed(client, open_survey, agenda, secretary):
    log_in(client, secretary)
    response = client.post(
        reverse("review:national_meetings", kwargs={"pk": open_survey.pk}),
        {"title": "입력한 회의 제목", "held_on": "2026-13-45"},
    )
    assert response.status_code == 400 and not NationalMeeting.objects.exists()
    html = response.content.decode()
    assert "입력한 회의 제목" in html and "is-invalid" in html


def test_the_agenda_shows_the_confirmed_candidates_with_their_recommendation(client, meeting, agenda, secretary):
    sub = SubcommitteeMeeting.objects.create(survey=meeting.survey, field_code="ROB", updated_by=secretary)
    SubcommitteeDecision.objects.create(
        candidate=agenda[0],
        meeting=sub,
        recommendation=SubcommitteeRecommendation.RECOMMEND,
        rationale="추천",
        aggregate="4.25",
        decided_by=secretary,
    )
    unconfirmed = Candidate.objects.create(
        survey=meeting.survey, number="ROB-T099", title="확정되지 않은 후보", field_code="ROB"
    )
    log_in(client, secretary)
    html = client.get(reverse("review:national_meeting", kwargs={"pk": meeting.pk})).content.decode()
    assert html.count("data-candidate=") == 2
    assert agenda[1].title in html and unconfirmed.title not in html
    assert "4.25" in html and str(SubcommitteeRecommendation.RECOMMEND.label) in html
    assert html.count('data-testid="resolution-form"') == 2


# -- resolutions -----------------------------------------------------------------------------------------------------


def test_recording_and_changing_a_resolution_while_the_meeting_is_open(client, meeting, agenda, secretary):
    log_in(client, secretary)
    url = reverse("review:national_meeting", kwargs={"pk": meeting.pk})
    response = client.post(url, _resolution_data(agenda[0]))
    assert response.status_code == 302
    resolution = Resolution.objects.get(meeting=meeting, candidate=agenda[0])
    assert (resolution.decision, resolution.votes_for, resolution.votes_against, resolution.votes_abstain) == (
        Decision.DESIGNATE,
        15,
        2,
        1,
    )

    response = client.post(
        url,
        _resolution_data(
            agenda[0], decision="defer", reason="추가 검토 필요", votes_for="", votes_against="", votes_abstain=""
        ),
    )
    assert response.status_code == 302
    resolution = Resolution.objects.get(meeting=meeting, candidate=agenda[0])
    assert (resolution.decision, resolution.reason, resolution.votes_for) == (Decision.DEFER, "추가 검토 필요", None)
    assert AuditEvent.objects.filter(action="review.resolution.recorded").count() == 2


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"reason": "   "}, "reason"),
        ({"votes_for": "-1"}, "votes_for"),
        ({"decision": "maybe"}, "decision"),
    ],
)
def test_a_resolution_needs_a_reason_a_decision_and_non_negative_votes(
    client, meeting, agenda, secretary, overrides, field
):
    log_in(client, secretary)
    data = _resolution_data(agenda[0], **overrides)
    data[f"c{agenda[0].pk}-votes_against"] = "7"
    response = client.post(reverse("review:national_meeting", kwargs={"pk": meeting.pk}), data)
    assert response.status_code == 400
    assert not Resolution.objects.exists()
    html = response.content.decode()
    assert f'id="id_c{agenda[0].pk}-{field}' in html and "is-invalid" in html
    assert 'value="7"' in html  # what was typed stays


def test_the_service_refuses_negative_votes_and_candidates_off_the_list(meeting, agenda, secretary):
    with pytest.raises(DomainError):
        national.resolution_record(
            meeting, agenda[0], decision="designate", reason="사유", votes_for=-3, actor=secretary
        )
    outsider = Candidate.objects.create(survey=meeting.survey, number="ROB-T098", title="목록 밖", field_code="ROB")
    with pytest.raises(DomainError) as error:
        national.resolution_record(meeting, outsider, decision="designate", reason="사유", actor=secretary)
    assert error.value.code == "agenda"


def test_the_minutes_are_editable_while_open(client, meeting, secretary):
    log_in(client, secretary)
    response = client.post(
        reverse("review:national_meeting", kwargs={"pk": meeting.pk}),
        {
            "form": "record",
            "title": meeting.title,
            "held_on": "2026-03-20",
            "attendees": "위원 21인",
            "minutes": "1. 심의 안건 보고",
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.attendees, meeting.minutes) == ("위원 21인", "1. 심의 안건 보고")
    assert AuditEvent.objects.filter(action="review.national_meeting.updated").exists()


# -- closing and immutability ----------------------------------------------------------------------------------------


def test_closing_fixes_the_meeting_and_its_resolutions(client, meeting, agenda, secretary):
    resolution = national.resolution_record(meeting, agenda[0], decision="designate", reason="지정", actor=secretary)
    log_in(client, secretary)
    response = client.post(reverse("review:national_meeting_close", kwargs={"pk": meeting.pk}))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.closed_at is not None and meeting.closed_by == secretary
    assert AuditEvent.objects.filter(action="review.national_meeting.closed", object_id=str(meeting.pk)).exists()

    url = reverse("review:national_meeting", kwargs={"pk": meeting.pk})
    response = client.post(url, _resolution_data(agenda[0], decision="reject"))
    assert response.status_code == 400
    response = client.post(url, {"form": "record", "title": "바뀐 제목", "held_on": "2026-03-20", "minutes": "고침"})
    assert response.status_code == 400
    assert client.post(reverse("review:national_meeting_close", kwargs={"pk": meeting.pk})).status_code == 400
    resolution.refresh_from_db()
    meeting.refresh_from_db()
    assert resolution.decision == Decision.DESIGNATE and meeting.title != "바뀐 제목"
    html = client.get(url).content.decode()
    assert 'data-testid="resolution-form"' not in html and 'data-testid="close-meeting"' not in html
    assert reverse("review:resolution_correct", kwargs={"pk": resolution.pk}) in html


def test_the_model_refuses_to_change_or_delete_a_closed_meetings_resolution(meeting, agenda, secretary):
    resolution = national.resolution_record(meeting, agenda[0], decision="designate", reason="지정", actor=secretary)
    national.meeting_close(meeting, actor=secretary)
    resolution = Resolution.objects.get(pk=resolution.pk)
    resolution.decision = Decision.REJECT
    with pytest.raises(ValidationError):
        resolution.save()
    with pytest.raises(ValidationError):
        resolution.delete()
    with pytest.raises(DomainError):
        national.resolution_record(meeting, agenda[1], decision="designate", reason="늦은 의결", actor=secretary)
    assert Resolution.objects.get(pk=resolution.pk).decision == Decision.DESIGNATE


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_database_refuses_to_change_or_delete_a_closed_meetings_resolution(meeting, agenda, secretary):
    resolution = national.resolution_record(meeting, agenda[0], decision="designate", reason="지정", actor=secretary)
    with transaction.atomic(), connection.cursor() as cursor:  # still open: the trigger lets it through
        cursor.execute("UPDATE review_resolution SET reason = %s WHERE id = %s", ["다듬은 사유", resolution.pk])
    national.meeting_close(meeting, actor=secretary)
    with pytest.raises(DatabaseError, match="immutable"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE review_resolution SET decision = 'reject' WHERE id = %s", [resolution.pk])
    with pytest.raises(DatabaseError, match="immutable"):
        with transaction.atomic():
            Resolution.objects.filter(pk=resolution.pk).update(decision="reject")
    with pytest.raises(DatabaseError, match="immutable"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM review_resolution WHERE id = %s", [resolution.pk])
    resolution.refresh_from_db()
    assert (resolution.decision, resolution.reason) == (Decision.DESIGNATE, "다듬은 사유")


# -- corrections -----------------------------------------------------------------------------------------------------


def test_a_correction_needs_a_closed_meeting(meeting, agenda, secretary):
    resolution = national.resolution_record(meeting, agenda[0], decision="designate", reason="지정", actor=secretary)
    with pytest.raises(DomainError) as error:
        national.resolution_correct(resolution, decision="reject", reason="정정", actor=secretary)
    assert error.value.code == "open"


def test_a_correction_is_a_new_resolution_and_the_original_is_marked(client, open_survey, agenda, secretary):
    meeting = resolve_and_close(open_survey, {agenda[0]: Decision.DESIGNATE, agenda[1]: Decision.DEFER}, secretary)
    original = Resolution.objects.get(meeting=meeting, candidate=agenda[0])
    log_in(client, secretary)
    url = reverse("review:resolution_correct", kwargs={"pk": original.pk})
    assert client.get(url).status_code == 200

    response = client.post(url, {"decision": "reject", "reason": "  "})
    assert response.status_code == 400 and not Resolution.objects.filter(corrects=original).exists()

    response = client.post(
        url, {"decision": "reject", "reason": "표결 집계 오류 정정", "votes_for": "3", "votes_against": "14"}
    )
    assert response.status_code == 302
    correction = Resolution.objects.get(corrects=original)
    assert (correction.decision, correction.meeting, correction.candidate) == (Decision.REJECT, meeting, agenda[0])
    assert (correction.votes_for, correction.votes_against, correction.votes_abstain) == (3, 14, None)
    original.refresh_from_db()
    assert original.decision == Decision.DESIGNATE  # the original stays on record
    assert effective_resolutions(open_survey)[agenda[0].pk] == correction
    assert AuditEvent.objects.filter(action="review.resolution.corrected", object_id=str(correction.pk)).exists()

    html = client.get(reverse("review:national_meeting", kwargs={"pk": meeting.pk})).content.decode()
    assert html.count('data-testid="corrected"') == 1
    assert f'href="#resolution-{correction.pk}"' in html and f'id="resolution-{correction.pk}"' in html
    assert "표결 집계 오류 정정" in html and f"{agenda[0].number} 심의 결과" in html

    # the corrected resolution cannot be corrected again; the correction can
    assert client.post(url, {"decision": "designate", "reason": "재정정"}).status_code == 400
    with pytest.raises(DomainError):
        national.resolution_correct(original, decision="designate", reason="재정정", actor=secretary)
    again = national.resolution_correct(correction, decision="designate", reason="재정정", actor=secretary)
    assert effective_resolutions(open_survey)[agenda[0].pk] == again


# -- query counts ----------------------------------------------------------------------------------------------------


def _grow(survey, secretary, size):
    made = []
    for index in range(Candidate.objects.filter(survey=survey).count(), size):
        candidate = Candidate.objects.create(
            survey=survey, number=f"ROB-T{index + 100}", title=f"후보 {index}", field_code="ROB"
        )
        made.append(candidate)
    confirm(survey, made, secretary)
    return made


@pytest.mark.slow  # builds the page at two sizes to count its queries
def test_the_meeting_page_does_not_grow_with_the_agenda(client, open_survey, secretary):
    set_stage(open_survey)
    meeting = national.meeting_create(open_survey, title="회의", held_on=date(2026, 3, 20), actor=secretary)
    for candidate in _grow(open_survey, secretary, 2):
        national.resolution_record(meeting, candidate, decision="designate", reason="지정", actor=secretary)
    log_in(client, secretary)
    url = reverse("review:national_meeting", kwargs={"pk": meeting.pk})
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).content.decode().count("data-candidate=") == 2
    for candidate in _grow(open_survey, secretary, 10):
        national.resolution_record(meeting, candidate, decision="reject", reason="미지정", actor=secretary)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).content.decode().count("data-candidate=") == 10
    assert len(large) == len(small), f"{len(small)} queries with 2 candidates, {len(large)} with 10"


def test_a_resolution_for_an_unknown_candidate_is_a_bad_request(client, meeting, agenda, secretary):
    log_in(client, secretary)
    url = reverse("review:national_meeting", kwargs={"pk": meeting.pk})
    for candidate in ("abc", "", "999999"):
        data = {**_resolution_data(agenda[0]), "candidate": candidate}
        assert client.post(url, data).status_code == 400
    assert not Resolution.objects.exists()


def test_the_meeting_list_does_not_grow_with_meetings(client, open_survey, secretary):
    set_stage(open_survey)
    url = reverse("review:national_meetings", kwargs={"pk": open_survey.pk})
    log_in(client, secretary)

    def grow(size):
        for index in range(NationalMeeting.objects.count(), size):
            national.meeting_create(
                open_survey, title=f"제{index + 1}차 위원회", held_on=date(2026, 3, 1 + index), actor=secretary
            )
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).content.decode().count("data-meeting=") == size
        return len(queries)

    assert grow(2) == grow(10)
