"""Helpers for the results and objections tests: candidates, resolutions and a published notice, made directly."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from review.models import NationalMeeting, Notice, Resolution, Result
from review.services import results as service
from surveys.models import Candidate
from tests.factories import (
    ApplicationFactory,
    CandidateFactory,
    NationalMeetingFactory,
    NoticeFactory,
    ResolutionFactory,
    organization_of,
)

KST = ZoneInfo("Asia/Seoul")
PUBLISHED_AT = datetime(2026, 12, 1, 10, 0, tzinfo=KST)


def make_candidate(survey, number: int, title: str = "후보 기술", merged_into=None) -> Candidate:
    return CandidateFactory(survey=survey, number=f"ROB-R{number:03d}", title=title, merged_into=merged_into)


def make_application(survey, user, *, status="accepted", candidate=None, title="신청 기술", organization=None):
    return ApplicationFactory(
        survey=survey,
        applicant=user,
        organization=organization or organization_of(user),
        status=status,
        candidate=candidate,
        title=title,
        answers={},
    )


def make_meeting(survey, admin, title="제1차 국가첨단전략산업위원회", held_on=date(2026, 11, 20)) -> NationalMeeting:
    return NationalMeetingFactory(survey=survey, title=title, held_on=held_on, created_by=admin)


def resolve(meeting, candidate, decision, reason, admin, corrects=None) -> Resolution:
    return ResolutionFactory(
        meeting=meeting, candidate=candidate, decision=decision, reason=reason, recorded_by=admin, corrects=corrects
    )


def make_notice(survey, admin, number="산업통상자원부 고시 제2026-17호", published_at=PUBLISHED_AT) -> Notice:
    return NoticeFactory(survey=survey, number=number, published=True, published_at=published_at, created_by=admin)


def published_result(survey, user, admin, **kwargs) -> Result:
    """An accepted application with a designated candidate, and its result from a published notice."""
    candidate = make_candidate(survey, 900 + Candidate.objects.count(), title="협동로봇용 고정밀 감속기")
    application = make_application(survey, user, candidate=candidate, title="협동로봇용 고정밀 감속기", **kwargs)
    resolve(make_meeting(survey, admin), candidate, "reject", "기술 난이도가 충분하지 않음", admin)
    service.results_publish(make_notice(survey, admin), actor=admin)
    return Result.objects.get(application=application)
