"""A specialised-complex call and a province's development plan, for the complex pipeline tests."""

from datetime import timedelta

from django.utils import timezone

from portal.enums import OrganizationType
from surveys.enums import SurveyKind, SurveyStage
from surveys.models import Field, Survey
from surveys.services.calls import survey_create
from tests.factories import OrganizationFactory, make_user


def complex_call(admin, *, stage=SurveyStage.COLLECTION, with_hearing=False, code="BAT"):
    """A specialised-complex call (seed 003) for batteries, robots and defence, put in ``stage``."""
    survey = survey_create(
        data={
            "kind": SurveyKind.COMPLEX,
            "title": "국가첨단전략산업 특화단지 지정 신청",
            "description": "로봇·방산·이차전지 분야 특화단지 조성계획을 접수합니다.",
            "code": code,
            "eligible_types": [OrganizationType.MINISTRY, OrganizationType.LOCAL_GOVERNMENT, OrganizationType.COMPANY],
            "opens_at": timezone.now() - timedelta(days=1),
            "deadline": timezone.now() + timedelta(days=7),
            "with_hearing": with_hearing,
        },
        fields=Field.objects.filter(code__in=["ROB", "DEF", "BAT"]),
        actor=admin,
    )
    if stage != SurveyStage.DRAFT:
        Survey.objects.filter(pk=survey.pk).update(stage=stage, published_at=timezone.now())
        survey.refresh_from_db()
    return survey


def province_applicant(name="충청북도", **kwargs):
    organization = OrganizationFactory(type=OrganizationType.LOCAL_GOVERNMENT, name=name)
    return make_user("applicant", organization=organization, manager=True, **kwargs)


def plan_answers(survey, *, name="오창 이차전지 소재 특화단지"):
    """A complete development plan."""
    return {
        "basic": {
            "technology_name": name,
            "field": "BAT",
            "sub_field": "BAT-RAW",
            "summary": "이차전지 기초 원료부터 재활용까지 가치사슬 완결",
        },
        "site": {
            "province": "43",
            "city": "청주시",
            "address": "청원구 오창읍 일원",
            "area_m2": "3500000",
            "land_status": "purchasing",
            "land_notes": "산업단지 계획 승인 신청 중",
            "phases": [
                {"phase": "1단계", "from_year": "2027", "to_year": "2029", "works": "부지 조성"},
                {"phase": "2단계", "from_year": "2030", "to_year": "2032", "works": "공장 준공"},
            ],
        },
        "companies": {
            "anchor_companies": [
                {"company": "한빛에너지소재", "investment": "12000", "year": "2027", "jobs": "800"},
                {"company": "가람정밀", "investment": "3500", "year": "2028", "jobs": "250"},
            ],
            "participating_companies": [{"company": "소재협력사 A", "role": "전구체 공급"}],
        },
        "infrastructure": {
            "power_mw": "450",
            "water_tpd": "60000",
            "transport": "중부고속도로, 청주공항",
            "infrastructure_plan": "154kV 변전소 신설",
        },
        "value_chain": {"value_chain_role": "원료 정제와 전구체 생산", "linked_complexes": ["BAT-CJ", "BAT-US"]},
        "support": {"regional_support": "지방세 감면, 인력 양성 센터, 충북테크노파크 연계"},
        "criteria": {f"criterion_{c.number}": f"기준 {c.number} 충족 근거" for c in survey.criteria.all()},
        "contact": {
            "contact_name": "윤지아",
            "contact_department": "투자유치과 주무관",
            "contact_phone": "043-220-1234",
            "contact_email": "yoon@chungbuk.example",
        },
    }
