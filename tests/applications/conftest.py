from datetime import timedelta

import pytest
from django.utils import timezone

from portal.enums import OrganizationType
from surveys.enums import SurveyKind, SurveyStage
from surveys.models import Field, Question, Survey
from surveys.services.calls import survey_create
from tests.factories import COMPLETE_ANSWERS, make_user  # noqa: F401 (COMPLETE_ANSWERS is imported from here)
from tests.factories import complete_answers as answers_for


@pytest.fixture
def admin(db):
    return make_user("admin")


@pytest.fixture
def open_survey(admin):
    return make_open_survey(admin)


def make_open_survey(admin):
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


@pytest.fixture
def complete_answers(open_survey):
    return answers_for(open_survey)
