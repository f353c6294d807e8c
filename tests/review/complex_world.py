"""Builders for the complex notice and register tests: a complex call whose plans the national committee resolved."""

from datetime import date
from decimal import Decimal
from itertools import count

from django.utils import timezone

from portal.enums import OrganizationType
from review.enums import ComplexAction, Decision, EntryStatus, SubcommitteeRecommendation
from review.models import ComplexEvent, DesignatedComplex, Notice, SubcommitteeDecision, SubcommitteeMeeting
from review.services import notices
from surveys.enums import ApplicationStatus, SurveyKind, SurveyStage
from surveys.models import Candidate
from tests.factories import (
    ApplicationFactory,
    ApplicationVersionFactory,
    CandidateFactory,
    NationalMeetingFactory,
    NoticeFactory,
    ResolutionFactory,
)
from tests.surveys.helpers import make_survey

_numbers = count(1)

CHEONGJU = "청주 오창 이차전지 특화단지"
ANCHORS = [
    {"company": "에코배터리 주식회사", "investment": "12500", "year": "2027", "jobs": "850"},
    {"company": "한빛셀 주식회사", "investment": "3200.5", "year": "2028", "jobs": "240"},
]


def complex_call(admin, *, stage=SurveyStage.NATIONAL_COMMITTEE):
    return make_survey(
        kind=SurveyKind.COMPLEX,
        stage=stage,
        fields=("BAT",),
        title="이차전지 특화단지 지정 신청",
        eligible_types=(OrganizationType.LOCAL_GOVERNMENT, OrganizationType.COMPANY),
        actor=admin,
    )


def plan_answers(
    name=CHEONGJU, *, province="43", city="청주시", address="청원구 오창읍 양청리 일원", area="1234567", anchors=ANCHORS
) -> dict:
    return {
        "basic": {"technology_name": name, "field": "BAT", "sub_field": "BAT-CELL", "summary": f"{name} 개발계획"},
        "site": {
            "province": province,
            "city": city,
            "address": address,
            "area_m2": area,
            "land_status": "secured",
            "phases": [],
        },
        "companies": {"anchor_companies": list(anchors), "participating_companies": []},
    }


def planned_candidate(survey, applicant, name=CHEONGJU, *, versions=None, **answers) -> Candidate:
    """An accepted plan with its submitted versions (the last is the latest) and its candidate."""
    n = next(_numbers)
    candidate = CandidateFactory(survey=survey, number=f"2026-CX-C{n:03d}", title=name, field_code="BAT")
    final = plan_answers(name, **answers)
    application = ApplicationFactory(
        survey=survey,
        applicant=applicant,
        submitted=True,
        status=ApplicationStatus.ACCEPTED,
        candidate=candidate,
        field_code="BAT",
        title=name,
        answers=final,
        receipt_number=f"2026-BAT-{n:04d}",
        version_count=len(versions or []) + 1,
    )
    for number, answers_of_version in enumerate([*(versions or []), final], start=1):
        ApplicationVersionFactory(
            application=application,
            number=number,
            answers=answers_of_version,
            submitted_at=timezone.now() + timezone.timedelta(seconds=number),
        )
    return candidate


def subcommittee_conditions(candidate, secretary, conditions: str):
    meeting, _created = SubcommitteeMeeting.objects.get_or_create(
        survey=candidate.survey,
        field_code="BAT",
        defaults={"held_on": date(2026, 3, 2), "minutes": "특화단지 분과위원회 회의록", "updated_by": secretary},
    )
    return SubcommitteeDecision.objects.create(
        candidate=candidate,
        meeting=meeting,
        recommendation=SubcommitteeRecommendation.DESIGNATE_WITH_CONDITIONS,
        rationale="조건부 지정",
        conditions=conditions,
        decided_by=secretary,
    )


def resolve(survey, decisions: dict, secretary, *, closed=True):
    """A national committee meeting chaired by the Prime Minister with candidate → (decision, conditions)."""
    meeting = NationalMeetingFactory(
        survey=survey,
        title="제3차 국가첨단전략산업위원회",
        held_on=date(2026, 3, 20),
        chair="국무총리",
        members_total=25,
        members_present=20,
        created_by=secretary,
    )
    for candidate, (decision, conditions) in decisions.items():
        ResolutionFactory(meeting=meeting, candidate=candidate, decision=decision, conditions=conditions)
    if closed:
        meeting.closed_at, meeting.closed_by = timezone.now(), secretary
        meeting.save(update_fields=["closed_at", "closed_by"])
    return meeting


def complex_notice(survey, admin, *, number="산업통상자원부 고시 제2026-40호"):
    return notices.notice_draft(
        survey,
        number=number,
        title="국가첨단전략산업 특화단지 지정 고시",
        effective_on=date(2026, 4, 1),
        preamble="다음과 같이 특화단지를 지정·고시합니다.",
        actor=admin,
    )


def designated(survey, applicant, secretary, admin, *names, conditions=""):
    """Plans designated at a closed meeting and drafted into a notice."""
    candidates = [planned_candidate(survey, applicant, name) for name in names]
    resolve(
        survey,
        {c: (Decision.DESIGNATE_WITH_CONDITIONS if conditions else Decision.DESIGNATE, conditions) for c in candidates},
        secretary,
    )
    return candidates, complex_notice(survey, admin)


def register_complexes(survey, admin, total: int, *, start=0):
    """Designated complexes made directly (with their designation event), for list sizes and filters."""
    notice = Notice.objects.filter(number="산업통상자원부 고시 제2026-91호").first() or NoticeFactory(
        survey=survey,
        number="산업통상자원부 고시 제2026-91호",
        title="특화단지 대량 고시",
        effective_on=date(2026, 4, 1),
        published=True,
        created_by=admin,
    )
    provinces = ["43", "31", "47", "52"]
    made = []
    for index in range(start, start + total):
        entry = DesignatedComplex.objects.create(
            number=f"2026-CX-{index + 1:03d}",
            name=f"특화단지 {index + 1}",
            field_code="BAT" if index % 2 == 0 else "SEM",
            province=provinces[index % 4],
            city="시군구",
            location=f"산업로 {index + 1}",
            area_m2=Decimal(1000000 + index),
            anchor_companies=ANCHORS,
            status=EntryStatus.ACTIVE,
            notice=notice,
        )
        ComplexEvent.objects.create(
            entry=entry,
            notice=notice,
            action=ComplexAction.DESIGNATE,
            snapshot={"name": entry.name, "area_m2": str(entry.area_m2)},
        )
        made.append(entry)
    return made
