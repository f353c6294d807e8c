"""Builders for the national committee, notice and register tests."""

from datetime import date

from review.enums import Decision, EntryStatus, NoticeAction, NoticeStatus
from review.models import (
    CommitteeConfirmation,
    ConfirmedCandidate,
    Notice,
    NoticeItem,
    RegisterEntry,
    RegisterEvent,
)
from review.services import national, notices
from surveys.enums import SurveyStage
from surveys.models import Survey
from tests.factories import NoticeFactory

SECRET_SPEC = "기밀 사양 토크 밀도 77 Nm/kg"
SECRET_SCOPE = "기밀 범위 방산용 구동부"


def set_stage(survey, stage=SurveyStage.NATIONAL_COMMITTEE):
    Survey.objects.filter(pk=survey.pk).update(stage=stage)
    survey.refresh_from_db()
    return survey


def confirm(survey, candidates, actor):
    """The technical coordination committee's confirmed list, as the committee helper would record it."""
    confirmation, _ = CommitteeConfirmation.objects.get_or_create(
        survey=survey, defaults={"held_on": date(2026, 3, 2), "minutes": "기술조정위원회 회의록", "confirmed_by": actor}
    )
    for candidate in candidates:
        ConfirmedCandidate.objects.create(confirmation=confirmation, candidate=candidate)
    return confirmation


def resolve_and_close(survey, decisions: dict, actor, *, title="제5차 국가첨단전략산업위원회"):
    """A closed meeting with the given candidate → decision resolutions."""
    meeting = national.meeting_create(
        survey, title=title, held_on=date(2026, 3, 20), attendees="위원장 외 20인", actor=actor
    )
    for candidate, decision in decisions.items():
        national.resolution_record(
            meeting,
            candidate,
            decision=decision,
            reason=f"{candidate.number} 심의 결과",
            votes_for=15,
            votes_against=2,
            votes_abstain=1,
            actor=actor,
        )
    return national.meeting_close(meeting, actor=actor)


def designated_notice(survey, candidates, *, secretary, admin, number="산업통상자원부 고시 제2026-17호"):
    """Confirm, designate at a closed meeting, and draft a notice."""
    set_stage(survey)
    confirm(survey, candidates, secretary)
    resolve_and_close(survey, {c: Decision.DESIGNATE for c in candidates}, secretary)
    return notices.notice_draft(
        survey,
        number=number,
        title="국가첨단전략기술 지정 고시",
        effective_on=date(2026, 4, 1),
        preamble="국가첨단전략산업법 제11조에 따라 다음과 같이 고시합니다.",
        actor=admin,
    )


def register_entries(survey, admin, count: int, *, start=0, sensitive=("specification",)):
    """Published register entries made directly, for list sizes and filters."""
    notice = Notice.objects.filter(number="산업통상자원부 고시 제2026-90호").first() or NoticeFactory(
        survey=survey,
        number="산업통상자원부 고시 제2026-90호",
        title="대량 고시",
        effective_on=date(2026, 4, 1),
        status=NoticeStatus.PUBLISHED,
        created_by=admin,
        published_by=admin,
    )
    made = []
    for index in range(start, start + count):
        entry = RegisterEntry.objects.create(
            number=f"2026-ROB-{index + 1:02d}",
            title=f"로봇 기술 {index + 1}",
            field_code="ROB",
            scope=f"공개 범위 {index + 1}",
            specification=f"{SECRET_SPEC} {index + 1}",
            sensitive=list(sensitive),
            status=EntryStatus.ACTIVE,
            notice=notice,
        )
        NoticeItem.objects.create(
            notice=notice,
            order=index,
            action=NoticeAction.DESIGNATE,
            entry=entry,
            title=entry.title,
            field_code="ROB",
            scope=entry.scope,
            specification=entry.specification,
            sensitive=entry.sensitive,
        )
        RegisterEvent.objects.create(
            entry=entry,
            notice=notice,
            action=NoticeAction.DESIGNATE,
            snapshot={
                "title": entry.title,
                "scope": entry.scope,
                "specification": entry.specification,
                "sensitive": entry.sensitive,
            },
        )
        made.append(entry)
    return made
