"""Demo: an international R&D call carried through its two evaluation layers and the selection committee to its
published selection announcement, so the public list of selected candidates has entries. Made once (by its code)
through the services, as a ministry would."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from portal.enums import OrganizationType as T
from portal.models import Organization, User
from review.demo import (
    assignment_accept,
    call_create,
    call_publish,
    collection_close,
    draft_write,
    notice_publish_today,
    review_submit,
    staff,
)
from review.enums import SelectionDecision
from review.models import Assignment, PanelMember
from review.services import judgements, layers, selection
from review.services.assignment import assign_automatically
from review.services.pool import panel_for
from surveys.enums import SurveyKind, SurveyStage
from surveys.models import Application, Survey
from surveys.services.applications import application_submit, attachment_add
from surveys.services.calls import survey_transition

CODE = "IRA"
#: layer-1 experts (two per proposal) and the layer-2 panel member: nobody sits in two layers for one proposal.
EXPERTS = ["reviewer1@experts.example", "reviewer2@experts.example"]
PANEL = "reviewer3@experts.example"
#: (organisation code, applicant, technology, category horizon, partner country, institution, agreement, scores)
PROPOSALS = [
    (
        "SEJONG",
        "applicant@sejong.example",
        "휴머노이드 고토크 밀도 액추에이터 기술",
        5,
        "DE",
        "Fraunhofer IPA",
        "mou",
        ["5", "4"],
    ),
    ("NURI", "applicant@nuri.example", "로봇 촉각 센서용 유연 전자피부 소재 기술", 5, "US", "MIT", "none", ["4", "3"]),
    (
        "HANBIT",
        "applicant@hanbit.example",
        "이차전지 건식 전극 공정 장비 기술",
        10,
        "JP",
        "도쿄대학",
        "none",
        ["4", "4"],
    ),
]


def _agreement_pdf() -> bytes:
    """A one-page PDF standing for the signed agreement (uploads must parse)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _answers(survey, user, organization, row) -> dict:
    _code, _email, title, horizon, country, institution, agreement, _scores = row
    category = survey.categories.get(horizon_years=horizon)
    field = "BAT" if horizon == 10 else "ROB"
    return {
        "basic": {
            "technology_name": title,
            "field": field,
            "sub_field": "",
            "summary": f"{title}: 해외 기관과 공동 개발",
            "category": str(category.pk),
            "listed_technology": "",
        },
        "specification": {
            "specification": "세계 최고 수준 대비 성능 95% 이상",
            "mass_production": "2030년 시험 양산",
            "products": "로봇·이차전지 핵심 부품",
        },
        "consortium": {
            "consortium": [
                {"organization": organization.name, "type": "company", "role": "주관"},
                {"organization": "한국과학기술원", "type": "university", "role": "소재 분석"},
            ]
        },
        "cooperation": {
            "partners": [
                {"country": country, "institution": institution, "role": "공동 연구·검증", "agreement": agreement}
            ],
            "why_cooperation": "국내에 없는 시험 설비와 원천 기술을 해외 기관이 보유함",
            "researchers_dispatched": "3",
            "dispatch_months": "12",
            "dispatch_direct": True,
        },
        "ip": {"ip_plan": "공동 소유, 국내 실시권 확보", "ip_confirmation": True},
        "budget": {
            "budget": [
                {"year": "2027", "government": "30", "private": "10", "total": "40"},
                {"year": "2028", "government": "35", "private": "15", "total": "50"},
            ]
        },
        "level": {
            "domestic_level": "70",
            "world_leader": "해외 선도 기업",
            "industrialisation_stage": "development",
            "holders": institution,
        },
        "criteria": {f"criterion_{c.number}": f"{c.title}: 제안서 참조" for c in survey.criteria.all()},
        "contact": {
            "contact_name": user.name,
            "contact_department": "연구소",
            "contact_phone": "02-000-0000",
            "contact_email": user.email,
        },
    }


def _propose(survey, row) -> Application:
    organization, user = Organization.objects.get(code=row[0]), User.objects.get(email=row[1])
    answers = _answers(survey, user, organization, row)
    application = draft_write(survey, organization=organization, user=user, answers=answers)
    if row[6] != "none":
        upload = SimpleUploadedFile("fraunhofer-mou.pdf", _agreement_pdf(), content_type="application/pdf")
        attachment_add(application, upload=upload, actor=user, partner_row=1)
    application_submit(Application.objects.get(pk=application.pk), actor=user)
    return Application.objects.get(pk=application.pk)


def _call(admin) -> Survey:
    survey = call_create(
        admin,
        fields=["ROB", "BAT"],
        opened_ago=timedelta(days=120),
        kind=SurveyKind.INTERNATIONAL_RND,
        code=CODE,
        title="2026년 국제공동 R&D 후보기술 수요조사 (로봇·이차전지)",
        description="해외 기관과의 협력이 필수적인 로봇·이차전지 후보기술을 선정합니다.",
        eligible_types=[T.COMPANY, T.RESEARCH_INSTITUTE],
        contact="산업통상자원부 산업기술국제협력과 044-203-0000",
    )
    layers.layers_save(
        survey,
        count=2,
        actor=admin,
        rules={1: {"reviewers_per_candidate": len(EXPERTS)}, 2: {"reviewers_per_candidate": 1}},
    )
    return call_publish(survey)


def _panels(survey, experts, member) -> None:
    for code in ("ROB", "BAT"):
        for reviewer in experts:
            PanelMember.objects.get_or_create(panel=panel_for(survey, code), reviewer=reviewer)
        PanelMember.objects.get_or_create(panel=panel_for(survey, code, 2), reviewer=member)


def _score(survey, candidates) -> None:
    numbers = [c.number for c in survey.criteria.all()]
    for candidate, row in zip(candidates, PROPOSALS):
        assignments = candidate.assignments.filter(layer=1).select_related("reviewer").order_by("pseudonym")
        for assignment, score in zip(assignments, row[7]):
            review_submit(
                survey,
                assignment,
                numbers=numbers,
                score=score,
                justification="해외 협력 기관의 역량과 제안 내용을 근거로 평가함",
                recommendation="recommend",
                comment="국제 공동연구의 필요성이 분명함",
            )


def _judge(survey) -> None:
    for assignment in Assignment.objects.filter(candidate__survey=survey, layer=2).select_related("reviewer"):
        judgements.judgement_save(
            assignment_accept(survey, assignment),
            reviewer=assignment.reviewer,
            essential=True,
            essential_reason="국내에 없는 시험 설비와 원천 기술이 필요함",
            submit=True,
        )


def _select(survey, secretary) -> None:
    meeting = selection.meeting_create(
        survey,
        held_on=timezone.localdate(),
        place="정부세종청사",
        chair="선정위원장",
        members_present=7,
        minutes="분야별 후보기술 선정 심의",
        actor=secretary,
    )
    for category in survey.categories.all():
        choices = [
            selection.Choice(candidate_id=row.candidate.pk, rank=row.outcome.rank, proposed=row.essential)
            for row in selection.category_rows(category)
        ]
        for proposal in selection.proposal_save(category, choices=choices, actor=secretary):
            decision = SelectionDecision.SELECTED if proposal.proposed else SelectionDecision.NOT_SELECTED
            selection.decision_record(proposal, meeting=meeting, decision=decision, actor=secretary)
        selection.category_close(category, meeting=meeting, actor=secretary)
    selection.meeting_close(meeting, actor=secretary)


@transaction.atomic
def seed_international_announcement(stdout=None):
    """Proposals from three demo companies, scored in layer 1, judged essential in layer 2, selected within the
    categories' quotas and listed in a published selection announcement."""
    admin, secretary = staff()
    experts = list(User.objects.filter(email__in=EXPERTS).order_by("email"))
    member = User.objects.filter(email=PANEL).first()
    if not (admin and secretary and member and len(experts) == 2) or Survey.objects.filter(code=CODE).exists():
        return
    survey = _call(admin)
    applications = [_propose(survey, row) for row in PROPOSALS]
    candidates = collection_close(
        survey, applications, admin=admin, stage=SurveyStage.EXPERT_EVALUATION, closed_ago=timedelta(days=60)
    )
    _panels(survey, experts, member)
    assign_automatically(survey, actor=admin)
    _score(survey, candidates)
    layers.layer_close(layers.layer_of(survey, 1), actor=secretary)
    survey = survey_transition(survey, to=SurveyStage.PANEL_EVALUATION, actor=admin)
    assign_automatically(survey, actor=admin, layer=2)
    _judge(survey)
    layers.layer_close(layers.layer_of(survey, 2), actor=secretary)
    survey = survey_transition(survey, to=SurveyStage.SELECTION, actor=admin)
    _select(survey, secretary)
    notice = notice_publish_today(
        survey,
        admin=admin,
        number=f"산업통상자원부 공고 제{timezone.localdate().year}-201호",
        title="국제공동 R&D 후보기술 선정 공고",
    )
    if stdout:
        stdout.write(f"Demo international R&D selection: /notices/{notice.pk}/ and the list /register/international/")
