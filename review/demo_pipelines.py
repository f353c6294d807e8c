"""Demo calls that show each kind's pipeline: a technology call carried to its published notice, a
specialised-complex call in its advisory stage with a site visit, and an international R&D call open for
proposals. Each is made once (by its receipt code) through the services, as a ministry would."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from portal.enums import OrganizationType as T
from portal.models import User
from review.demo import (
    application_file,
    call_create,
    call_publish,
    collection_close,
    notice_publish_today,
    panel_assign,
    people,
    review_submit,
    subcommittee_confirm,
    technology_answers,
)
from review.demo_international import seed_international_announcement
from review.enums import Decision
from review.services import national
from review.services.site_visits import site_visit_record
from surveys.enums import SurveyKind, SurveyStage
from surveys.models import Survey
from surveys.services.calls import survey_transition

#: (applicant e-mail, technology) of the robot call carried to its notice
TECHNOLOGY_FILINGS = [
    ("applicant@hanbit.example", "협동로봇용 고정밀 감속기 설계·양산 기술"),
    ("applicant@fri.example", "휴머노이드 전신 제어 소프트웨어 기술"),
]


def _call(admin, *, kind, code, title, fields, eligible):
    survey = call_create(
        admin,
        fields=fields,
        opened_ago=timedelta(days=90),
        kind=kind,
        title=title,
        description=title,
        code=code,
        eligible_types=eligible,
        contact="산업통상자원부 044-203-0000",
    )
    return call_publish(survey)


def _file(survey, user, answers):
    organization = user.memberships.filter(is_active=True).first().organization
    return application_file(survey, organization=organization, user=user, answers=answers)


def _review(survey, candidates, reviewers, admin, scores):
    due_on = timezone.localdate() + timedelta(days=7)
    panel_assign(survey, reviewers, field_code=candidates[0].field_code, admin=admin, due_on=due_on)
    numbers = [c.number for c in survey.criteria.all()]
    for candidate, score in zip(candidates, scores):
        for assignment in candidate.assignments.select_related("reviewer").order_by("pseudonym"):
            review_submit(
                survey,
                assignment,
                numbers=numbers,
                score=score,
                justification="제출 자료를 근거로 평가함",
                recommendation="recommend",
                comment="계획의 실현 가능성이 높음",
            )


def _national_resolve(survey, candidates, *, secretary, meeting: dict, resolution: dict) -> None:
    """A meeting of the national committee held today (``meeting``: its title, attendees and quorum) records the
    same ``resolution`` on every candidate and closes."""
    opened = national.meeting_create(survey, held_on=timezone.localdate(), actor=secretary, **meeting)
    for candidate in candidates:
        national.resolution_record(opened, candidate, actor=secretary, **resolution)
    national.meeting_close(opened, actor=secretary)


# -- a technology call carried to its notice ------------------------------------------------------


def _technology_confirm(survey, candidates, *, secretary) -> None:
    """The robot subcommittee recommends both candidates and the committee confirms them, with a hearing that
    ends today."""
    today = timezone.localdate()
    subcommittee_confirm(
        survey,
        [(candidate, "recommend") for candidate in candidates],
        secretary=secretary,
        rationale="공급망 영향이 큼",
        meeting={
            "field_code": "ROB",
            "held_on": today - timedelta(days=60),
            "attendees": "로봇 분과위원 5인",
            "minutes": "후보기술 2건 추천",
        },
        confirmation={
            "candidate_ids": [c.pk for c in candidates],
            "held_on": today,
            "minutes": "2건 확정",
            "hearing_starts_on": today,
            "hearing_ends_on": today,
        },
    )


@transaction.atomic
def seed_technology_notice(stdout=None):
    """An earlier robot call, from collection to a published designation notice and the register."""
    admin, secretary, reviewers = people()
    if not (admin and secretary and len(reviewers) == 3) or Survey.objects.filter(code="RDN").exists():
        return
    survey = _call(
        admin,
        kind=SurveyKind.TECHNOLOGY,
        code="RDN",
        fields=["ROB"],
        title="2025년 하반기 로봇 분야 국가첨단전략기술 지정 수요조사",
        eligible=[T.COMPANY, T.RESEARCH_INSTITUTE],
    )
    applications = []
    for email, title in TECHNOLOGY_FILINGS:
        user = User.objects.get(email=email)
        applications.append(_file(survey, user, technology_answers(survey, user, title)))
    candidates = collection_close(
        survey, applications, admin=admin, stage=SurveyStage.TECHNICAL_REVIEW, closed_ago=timedelta(days=120)
    )
    _review(survey, candidates, reviewers, admin, ["4", "4"])
    _technology_confirm(survey, candidates, secretary=secretary)
    survey = survey_transition(
        survey, to=SurveyStage.NATIONAL_COMMITTEE, actor=admin, reason="찬반 의견 청취 종료", confirmed=True
    )
    _national_resolve(
        survey,
        candidates,
        secretary=secretary,
        meeting={"title": "제4차 국가첨단전략산업위원회", "attendees": "위원장 외 18인"},
        resolution={
            "decision": Decision.DESIGNATE,
            "reason": "지정 의결",
            "votes_for": 17,
            "votes_against": 1,
            "votes_abstain": 1,
        },
    )
    notice = notice_publish_today(
        survey,
        admin=admin,
        number=f"산업통상자원부 고시 제{timezone.localdate().year}-101호",
        title="국가첨단전략기술 지정 고시 (로봇)",
        preamble="국가첨단전략산업법 제11조에 따라 다음과 같이 고시합니다.",
    )
    if stdout:
        stdout.write(f"Demo technology notice: /notices/{notice.pk}/ and the register /register/")


COMPLEX_PLAN = {
    "basic": {
        "technology_name": "경남 방산 첨단 항공엔진 특화단지",
        "field": "DEF",
        "sub_field": "DEF-AEN",
        "summary": "첨단 항공엔진 부품 설계·제조·시험 가치사슬을 한 곳에 집적",
    },
    "site": {
        "province": "48",
        "city": "사천시",
        "address": "사천읍 항공산업단지 일원",
        "area_m2": "2400000",
        "land_status": "purchasing",
        "land_notes": "국가산업단지 2단계 부지 매입 진행 중",
        "phases": [
            {"phase": "1단계", "from_year": "2027", "to_year": "2029", "works": "부지 조성, 시험동"},
            {"phase": "2단계", "from_year": "2030", "to_year": "2033", "works": "엔진 조립 공장"},
        ],
    },
    "companies": {
        "anchor_companies": [
            {"company": "한빛에어로엔진", "investment": "15000", "year": "2027", "jobs": "900"},
            {"company": "가람정밀 주식회사", "investment": "2800", "year": "2028", "jobs": "210"},
        ],
        "participating_companies": [{"company": "누리센서 주식회사", "role": "엔진 계측 센서"}],
    },
    "infrastructure": {
        "power_mw": "320",
        "water_tpd": "25000",
        "transport": "남해고속도로, 사천공항",
        "infrastructure_plan": "154kV 변전소와 공업용수 관로 신설",
    },
    "value_chain": {"value_chain_role": "항공엔진 핵심 부품 국산화", "linked_complexes": []},
    "support": {"regional_support": "지방세 감면, 항공 인력 양성 센터, 경남테크노파크 연계"},
    "contact": {
        "contact_name": "배준영",
        "contact_department": "산업정책과 주무관",
        "contact_phone": "055-211-0000",
        "contact_email": "applicant@gyeongnam.example",
    },
}


def _plan_criteria(survey) -> dict:
    return {f"criterion_{c.number}": f"{c.title}: 개발계획서 참조" for c in survey.criteria.all()}


@transaction.atomic
def seed_complex_advisory(stdout=None):
    """A specialised-complex call in its expert advisory stage, with scores and a recorded site visit."""
    admin, _secretary, reviewers = people()
    province = User.objects.filter(email="applicant@gyeongnam.example").first()
    if not (admin and province and len(reviewers) == 3) or Survey.objects.filter(code="CXA").exists():
        return
    survey = _call(
        admin,
        kind=SurveyKind.COMPLEX,
        code="CXA",
        fields=["DEF", "ROB", "BAT"],
        title="2026년 국가첨단전략산업 특화단지 추가 지정 (방산 분야)",
        eligible=[T.MINISTRY, T.LOCAL_GOVERNMENT, T.COMPANY],
    )
    application = _file(survey, province, {**COMPLEX_PLAN, "criteria": _plan_criteria(survey)})
    [plan] = collection_close(
        survey, [application], admin=admin, stage=SurveyStage.ADVISORY_REVIEW, closed_ago=timedelta(days=20)
    )
    _review(survey, [plan], reviewers, admin, ["4"])
    site_visit_record(
        plan,
        visited_on=timezone.localdate() - timedelta(days=3),
        members=reviewers[:2],
        findings="부지 진입도로와 시험동 예정지를 확인함. 용수 관로 신설 일정 보완 필요.",
        actor=reviewers[0],
    )
    if stdout:
        stdout.write(f"Demo complex call in its advisory stage: /manage/calls/{survey.pk}/review/")


# -- a specialised-complex call carried to its notice ---------------------------------------------


def _battery_plan(survey, province) -> dict:
    """The development plan of the battery complex, filed by ``province``."""
    return {
        **COMPLEX_PLAN,
        "basic": {
            "technology_name": "오창 이차전지 원료·소재 특화단지",
            "field": "BAT",
            "sub_field": "BAT-RAW",
            "summary": "이차전지 기초 원료 정제부터 재활용까지 가치사슬 완결",
        },
        "site": {
            **COMPLEX_PLAN["site"],
            "province": "43",
            "city": "청주시",
            "address": "청원구 오창읍 일원",
            "area_m2": "3500000",
        },
        "value_chain": {"value_chain_role": "원료 정제와 전구체 생산", "linked_complexes": ["BAT-CJ", "BAT-US"]},
        "contact": {**COMPLEX_PLAN["contact"], "contact_name": province.name, "contact_email": province.email},
        "criteria": _plan_criteria(survey),
    }


def _complex_confirm(survey, plan, *, admin, secretary):
    """The call moves to its subcommittee, which recommends the plan with a condition; the committee confirms it."""
    today = timezone.localdate()
    survey = survey_transition(survey, to=SurveyStage.SUBCOMMITTEE, actor=admin)
    subcommittee_confirm(
        survey,
        [(plan, "designate_cond")],
        secretary=secretary,
        rationale="입지와 투자 계획이 우수함",
        conditions="2028년까지 공업용수 공급 확보",
        meeting={
            "field_code": "BAT",
            "held_on": today,
            "attendees": "특화단지 분과위원 7인",
            "minutes": "개발계획 1건 평가",
        },
        confirmation={"candidate_ids": [plan.pk], "held_on": today, "minutes": "평가 결과 확정"},
    )
    return survey


@transaction.atomic
def seed_complex_notice(stdout=None):
    """A battery complex call carried through its advisory panel, subcommittee and the Prime Minister's
    committee to a published designation notice: the register of designated complexes has its first entry."""
    admin, secretary, reviewers = people()
    province = User.objects.filter(email="applicant@chungbuk.example").first()
    if not (admin and secretary and province and len(reviewers) == 3) or Survey.objects.filter(code="CXN").exists():
        return
    survey = _call(
        admin,
        kind=SurveyKind.COMPLEX,
        code="CXN",
        fields=["BAT"],
        title="2025년 국가첨단전략산업 특화단지 지정 (이차전지 원료)",
        eligible=[T.MINISTRY, T.LOCAL_GOVERNMENT, T.COMPANY],
    )
    application = _file(survey, province, _battery_plan(survey, province))
    [plan] = collection_close(
        survey, [application], admin=admin, stage=SurveyStage.ADVISORY_REVIEW, closed_ago=timedelta(days=200)
    )
    _review(survey, [plan], reviewers, admin, ["5"])
    survey = _complex_confirm(survey, plan, admin=admin, secretary=secretary)
    _national_resolve(
        survey,
        [plan],
        secretary=secretary,
        meeting={
            "title": "제2차 국가첨단전략산업위원회",
            "chair": "국무총리",
            "members_total": 25,
            "members_present": 19,
            "attendees": "국무총리(위원장), 관계부처 장관, 민간위원",
        },
        resolution={
            "decision": Decision.DESIGNATE_WITH_CONDITIONS,
            "reason": "특화단지 지정 의결",
            "conditions": "2028년까지 공업용수 공급 확보",
        },
    )
    notice = notice_publish_today(
        survey,
        admin=admin,
        number=f"산업통상자원부 고시 제{timezone.localdate().year}-102호",
        title="국가첨단전략산업 특화단지 지정 고시",
        preamble="국가첨단전략산업법 제16조에 따라 다음과 같이 특화단지를 지정합니다.",
    )
    if stdout:
        stdout.write(f"Demo complex notice: /notices/{notice.pk}/ and the register /register/complexes/")


@transaction.atomic
def seed_international_call(stdout=None):
    """An international collaborative R&D call, open for proposals."""
    admin, _secretary, _reviewers = people()
    if not admin or Survey.objects.filter(code="IRD").exists():
        return
    survey = call_create(
        admin,
        fields=["SEM", "BAT", "ROB"],
        opened_ago=timedelta(days=2),
        open_for=timedelta(days=30),
        kind=SurveyKind.INTERNATIONAL_RND,
        code="IRD",
        title="국제공동 R&D 후보기술 수요조사 (초격차·산업기반)",
        description="해외 기관과의 협력이 필수적인 후보기술을 발굴합니다.",
        eligible_types=[T.COMPANY, T.RESEARCH_INSTITUTE],
    )
    survey = call_publish(survey)
    if stdout:
        stdout.write(f"Demo international R&D call: /calls/{survey.pk}/")


def seed(stdout=None):
    seed_technology_notice(stdout)
    seed_complex_advisory(stdout)
    seed_complex_notice(stdout)
    seed_international_call(stdout)
    seed_international_announcement(stdout)
