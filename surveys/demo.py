"""Demo calls: the robot-industry demand survey (seed 000) and a specialised-complex call (seed 003)."""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from portal.enums import OrganizationType as T
from portal.models import Organization, User
from surveys.enums import QuestionType, SurveyKind, SurveyStage
from surveys.models import Briefing, Field, Question, Survey
from surveys.services.calls import survey_create

ROBOT_DESCRIPTION = (
    "국가첨단전략산업 육성·보호를 위해 로봇 분야 국가첨단전략기술 지정 수요를 조사합니다.\n"
    "공급망 안정화 등 국가·경제 안보에 미치는 영향이 크고, 수출·고용 등 국민경제적 효과 및 "
    "연관 산업에 대한 파급효과가 큰 기술로서, 기술 사양(성능 수치)과 양산기술을 구체화하여 "
    "공식 수요조사 신청서 양식에 따라 상세히 제출하여 주시기 바랍니다."
)
COMPLEX_DESCRIPTION = (
    "로봇·방위산업·이차전지 분야 국가첨단전략산업 특화단지 지정 신청을 받습니다. "
    "중앙행정기관, 광역시·도 및 기업이 신청할 수 있으며, 입지·면적, 앵커기업 및 참여기업, "
    "투자계획, 전력·용수 등 기반시설, 공급망 내 역할을 포함한 개발계획을 제출하여야 합니다."
)


def _at(days: int, hour: int = 18) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


@transaction.atomic
def seed(stdout=None):
    admin = User.objects.filter(email="admin@motie.example").first()
    robot = Field.objects.get(code="ROB")
    for code in ("HANBIT", "SEJONG", "NURI", "GARAM", "FRI", "KAR"):
        organization = Organization.objects.filter(code=code).first()
        if organization:
            robot.organizations.add(organization)
    if not Survey.objects.filter(code="ROB").exists():
        _seed_robot_call(admin, robot)
    if not Survey.objects.filter(code="CPX").exists():
        _seed_complex_call(admin)
    if stdout:
        stdout.write("Demo calls: /calls/")


def _seed_robot_call(admin, robot):
    """The technology call in collection, with two questions of its own."""
    survey = survey_create(
        data={
            "kind": SurveyKind.TECHNOLOGY,
            "title": "로봇산업 국가첨단전략기술 지정 수요조사",
            "title_en": "Robot industry national advanced strategic technology designation demand survey",
            "description": ROBOT_DESCRIPTION,
            "description_en": (
                "Demand survey for designating robot technologies as national advanced strategic technologies."
            ),
            "code": "ROB",
            "eligible_types": [T.COMPANY, T.RESEARCH_INSTITUTE, T.ASSOCIATION, T.MINISTRY],
            "opens_at": _at(-3, 9),
            "deadline": _at(14),
            "review_starts_on": (_at(20)).date(),
            "hearing_starts_on": (_at(35)).date(),
            "hearing_ends_on": (_at(45)).date(),
            "committee_on": (_at(60)).date(),
            "notice_on": (_at(75)).date(),
            "contact": "산업통상자원부 로봇산업과 044-203-0000",
        },
        fields=[robot],
        actor=admin,
    )
    Question.objects.create(
        survey=survey,
        order=1,
        type=QuestionType.NUMBER,
        required=True,
        label="최근 3년 평균 연구개발 투자액 (억 원)",
        label_en="Average R&D investment, last 3 years (KRW 100 million)",
    )
    Question.objects.create(
        survey=survey,
        order=2,
        type=QuestionType.CHOICE,
        required=False,
        label="국가핵심기술 해당 여부",
        label_en="Already a national core technology?",
        choices=["해당", "해당 없음", "검토 중"],
    )
    Survey.objects.filter(pk=survey.pk).update(stage=SurveyStage.COLLECTION, published_at=timezone.now())


def _seed_complex_call(admin):
    """The specialised-complex call in distribution, with its briefing session."""
    fields = list(Field.objects.filter(code__in=["ROB", "DEF", "BAT"]))
    survey = survey_create(
        data={
            "kind": SurveyKind.COMPLEX,
            "title": "국가첨단전략산업 특화단지 지정 신청 (로봇·방산·이차전지)",
            "title_en": "Specialised complex designation (robots, defense, secondary batteries)",
            "description": COMPLEX_DESCRIPTION,
            "code": "CPX",
            "eligible_types": [T.MINISTRY, T.LOCAL_GOVERNMENT, T.COMPANY],
            "opens_at": _at(-1, 9),
            "deadline": _at(90),
            "contact": "산업통상자원부 첨단산업정책과",
        },
        fields=fields,
        actor=admin,
    )
    january = timezone.localdate().replace(month=1, day=15)
    if january < timezone.localdate():
        january = january.replace(year=january.year + 1)
    Briefing.objects.create(
        survey=survey,
        starts_at=timezone.make_aware(datetime.combine(january, time(14, 0))),
        place="대한상공회의소 국제회의장 (서울 중구)",
        description="특화단지 지정 신청 요령 설명 및 질의응답",
    )
    Survey.objects.filter(pk=survey.pk).update(stage=SurveyStage.DISTRIBUTION, published_at=timezone.now())


DEMO_ANSWERS = {
    "basic": {
        "technology_name": "협동로봇용 고정밀 감속기 설계·양산 기술",
        "field": "ROB",
        "sub_field": "ROB-CMP",
        "summary": "반복정밀도 ±0.01 mm, 백래시 1 arcmin 이하의 협동로봇 관절용 감속기",
    },
    "specification": {
        "specification": "백래시 1 arcmin 이하, 토크 밀도 50 Nm/kg 이상, 수명 20,000시간",
        "mass_production": "치형 연삭·열처리 자동화 라인, 월 5,000대 생산",
        "products": "협동로봇, 정밀 감속기",
    },
    "level": {
        "domestic_level": "85",
        "world_leader": "일본",
        "industrialisation_stage": "pilot",
        "holders": "국내 감속기 전문기업 및 연구기관",
    },
    "economy": {
        "exports_y1": "120",
        "imports_y1": "340",
        "exports_y2": "150",
        "imports_y2": "310",
        "employment_effect": "양산 시 신규 고용 약 120명",
        "supply_chain_dependency": "핵심 부품의 해외 의존도 약 70%",
    },
    "contact": {
        "contact_name": "강민서",
        "contact_department": "기술연구소 책임연구원",
        "contact_phone": "02-000-0000",
        "contact_email": "applicant@hanbit.example",
    },
}


def seed_applications(stdout=None):
    """One application through the robot association, submitted, so collection can be tried."""
    from portal.models import Organization, User
    from surveys.models import Application
    from surveys.services.applications import application_create, application_save_draft, application_submit

    survey = Survey.objects.filter(code="ROB").first()
    company = Organization.objects.filter(code="HANBIT").first()
    association = Organization.objects.filter(code="KAR").first()
    user = User.objects.filter(email="applicant@hanbit.example").first()
    if not (survey and company and association and user) or Application.objects.filter(survey=survey).exists():
        return
    with transaction.atomic():
        application = application_create(survey, organization=company, actor=user, association=association)
        answers = dict(DEMO_ANSWERS)
        answers["criteria"] = {f"criterion_{c.number}": f"{c.title}: 근거 자료 첨부" for c in survey.criteria.all()}
        answers["extra"] = {
            q.field_name: ("35" if q.type == QuestionType.NUMBER else "해당 없음") for q in survey.questions.all()
        }
        for section, data in answers.items():
            application = application_save_draft(
                application, section=section, data=data, revision=application.revision, actor=user
            )
        application_submit(application, actor=user)
    if stdout:
        stdout.write("Demo application: 한빛로보틱스 → 한국로봇산업협회 (협회 검토 중)")
