from datetime import timedelta

import pytest
from django.utils import timezone

from portal.enums import OrganizationType
from surveys.enums import SurveyKind, SurveyStage
from surveys.models import Field, Question, Survey
from surveys.services.calls import survey_create
from tests.factories import make_user


@pytest.fixture
def admin(db):
    return make_user("admin")


@pytest.fixture
def open_survey(admin):
    """A technology call in collection, deadline in a week, with one required extra question."""
    survey = survey_create(
        data={
            "kind": SurveyKind.TECHNOLOGY,
            "title": "로봇산업 국가첨단전략기술 지정 수요조사",
            "description": "수요조사",
            "code": "ROB",
            "eligible_types": [OrganizationType.COMPANY, OrganizationType.ASSOCIATION],
            "opens_at": timezone.now() - timedelta(days=1),
            "deadline": timezone.now() + timedelta(days=7),
        },
        fields=[Field.objects.get(code="ROB")],
        actor=admin,
    )
    Question.objects.create(survey=survey, order=1, type="number", label="연구개발 투자액 (억 원)", required=True)
    Survey.objects.filter(pk=survey.pk).update(stage=SurveyStage.COLLECTION)
    survey.refresh_from_db()
    return survey


@pytest.fixture
def applicant(db):
    return make_user("applicant", manager=True)


COMPLETE_ANSWERS = {
    "basic": {"technology_name": "협동로봇용 고정밀 감속기", "field": "ROB", "sub_field": "ROB-CMP",
              "summary": "반복정밀도 ±0.01 mm 감속기"},
    "specification": {"specification": "백래시 1 arcmin 이하, 토크 밀도 50 Nm/kg", "mass_production": "치형 연삭 자동화 라인",
                      "products": "협동로봇, 정밀 감속기"},
    "level": {"domestic_level": "85", "world_leader": "일본 H사", "industrialisation_stage": "pilot",
              "holders": "한빛로보틱스"},
    "economy": {"exports_y1": "120", "imports_y1": "340", "exports_y2": "150", "imports_y2": "310",
                "employment_effect": "신규 고용 120명", "supply_chain_dependency": "일본 의존도 70%"},
    "contact": {"contact_name": "강민서", "contact_department": "연구소 책임", "contact_phone": "02-123-4567",
                "contact_email": "kang@hanbit.example"},
}


@pytest.fixture
def complete_answers(open_survey):
    answers = {key: dict(value) for key, value in COMPLETE_ANSWERS.items()}
    answers["criteria"] = {f"criterion_{c.number}": f"기준 {c.number}에 대한 근거" for c in open_survey.criteria.all()}
    question = open_survey.questions.get()
    answers["extra"] = {question.field_name: "35"}
    return answers
