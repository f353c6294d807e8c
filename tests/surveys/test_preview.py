"""The preview shows the application form exactly as the schema builds it, for every kind of call."""

import pytest
from django.urls import reverse

from surveys.application_schema import section_form_class, sections_for
from surveys.enums import QuestionType, SurveyKind
from surveys.models import Criterion, Question
from surveys.pipelines import pipeline_of
from surveys.rows import RowsField
from tests.surveys.helpers import make_survey, read_sections

pytestmark = pytest.mark.django_db

PLAN_FIELDS = {
    "site": ["site-province", "site-city", "site-address", "site-area_m2", "site-land_status", "site-phases-0-phase"],
    "companies": [
        "companies-anchor_companies-0-company",
        "companies-anchor_companies-0-investment",
        "companies-anchor_companies-0-year",
        "companies-anchor_companies-0-jobs",
        "companies-participating_companies-0-company",
    ],
    "infrastructure": ["infrastructure-power_mw", "infrastructure-water_tpd", "infrastructure-transport"],
    "value_chain": ["value_chain-value_chain_role", "value_chain-linked_complexes"],
    "support": ["support-regional_support"],
}


def _call_with_questions(kind):
    survey = make_survey(kind=kind, fields=("ROB", "BAT"))
    Question.objects.create(
        survey=survey, order=1, type=QuestionType.NUMBER, label="최근 3년 평균 연구개발 투자액", required=True
    )
    Question.objects.create(
        survey=survey,
        order=2,
        type=QuestionType.CHOICE,
        label="국가핵심기술 해당 여부",
        choices=["해당", "해당 없음", "검토 중"],
    )
    Question.objects.create(survey=survey, order=3, type=QuestionType.FILE, label="기술 설명 자료")
    Question.objects.create(survey=survey, order=4, type=QuestionType.DATE, label="양산 예정일")
    return survey


def _names(key, name, field):
    """The inputs a field renders: repeatable rows give one per row and column."""
    if isinstance(field, RowsField):
        return [
            f"{key}-{name}-{row}-{column.key}" for row in range(field.widget.spare_rows) for column in field.columns
        ]
    return [f"{key}-{name}"]


def _expected(survey):
    return [
        (
            section.key,
            [
                input_name
                for name, field in section_form_class(survey, section).base_fields.items()
                for input_name in _names(section.key, name, field)
            ],
        )
        for section in sections_for(survey)
    ]


def _preview(client, survey):
    response = client.get(reverse("surveys:manage_preview", kwargs={"pk": survey.pk}))
    assert response.status_code == 200
    return read_sections(response.content.decode())


def _html(client, survey):
    return client.get(reverse("surveys:manage_preview", kwargs={"pk": survey.pk})).content.decode()


@pytest.mark.parametrize("kind", list(SurveyKind))
def test_preview_shows_the_sections_and_fields_of_the_schema_in_order(admin_client, kind):
    survey = _call_with_questions(kind)
    page = _preview(admin_client, survey)
    expected = _expected(survey)
    assert page.sections == [key for key, _ in expected]
    for key, names in expected:
        assert page.names[key] == names, key
    assert page.sections[-1] == "extra"


@pytest.mark.parametrize("kind", list(SurveyKind))
def test_preview_has_one_field_per_criterion(admin_client, kind):
    survey = make_survey(kind=kind)
    Criterion.objects.create(survey=survey, number=9, title="추가 평가 항목")
    page = _preview(admin_client, survey)
    criteria = [n for n in page.names["criteria"] if n.startswith("criteria-criterion_")]
    defaults = len(pipeline_of(kind).default_criteria)
    assert criteria == [f"criteria-criterion_{n}" for n in [*range(1, defaults + 1), 9]]
    assert "추가 평가 항목" in _html(admin_client, survey)


def test_preview_extra_questions_show_their_type(admin_client):
    survey = _call_with_questions(SurveyKind.TECHNOLOGY)
    page = _preview(admin_client, survey)
    number, choice, upload, day = survey.questions.order_by("order")
    assert page.input_types[f"extra-{number.field_name}"] == "number"
    assert page.input_types[f"extra-{choice.field_name}"] == "select"
    assert [o for o in page.options[f"extra-{choice.field_name}"] if o != "---------"] == [
        "해당",
        "해당 없음",
        "검토 중",
    ]
    assert page.input_types[f"extra-{upload.field_name}"] == "file"
    assert page.input_types[f"extra-{day.field_name}"] == "date"
    html = _html(admin_client, survey)
    for question in (number, choice, upload, day):
        assert question.label in html


def test_preview_field_choices_come_from_the_call(admin_client):
    survey = make_survey(fields=("BAT",))
    page = _preview(admin_client, survey)
    assert [o for o in page.options["basic-field"] if o != "---------"] == ["이차전지"]
    subs = [o for o in page.options["basic-sub_field"] if o != "---------"]
    assert subs and all(o.startswith("이차전지 · ") for o in subs)


def test_preview_without_extra_questions_has_no_extra_step(admin_client):
    survey = make_survey()
    page = _preview(admin_client, survey)
    assert "extra" not in page.sections
    assert page.sections == [s.key for s in sections_for(survey)]


def test_complex_call_preview_shows_the_development_plan(admin_client):
    survey = make_survey(kind=SurveyKind.COMPLEX)
    page = _preview(admin_client, survey)
    for section, names in PLAN_FIELDS.items():
        assert section in page.sections
        for name in names:
            assert name in page.names[section], name
    every = [name for names in page.names.values() for name in names]
    assert not any(name.endswith(("-specification", "-mass_production")) for name in every)
    assert "specification" not in page.sections


def test_technology_call_preview_has_specification_and_no_plan(admin_client):
    survey = make_survey(kind=SurveyKind.TECHNOLOGY)
    page = _preview(admin_client, survey)
    assert page.names["specification"][:2] == ["specification-specification", "specification-mass_production"]
    assert "plan" not in page.sections and "cooperation" not in page.sections


def test_international_call_preview_asks_about_cooperation(admin_client):
    survey = make_survey(kind=SurveyKind.INTERNATIONAL_RND)
    page = _preview(admin_client, survey)
    names = page.names["cooperation"]
    assert names[:4] == [
        "cooperation-partners-0-country",
        "cooperation-partners-0-institution",
        "cooperation-partners-0-role",
        "cooperation-partners-0-agreement",
    ]
    assert {
        "cooperation-why_cooperation",
        "cooperation-researchers_dispatched",
        "cooperation-dispatch_months",
        "cooperation-dispatch_direct",
    } <= set(names)
    for section in ("consortium", "ip", "budget"):
        assert section in page.sections


def test_preview_cannot_be_submitted(admin_client):
    survey = make_survey()
    html = _html(admin_client, survey)
    assert html.count("<fieldset disabled>") == len(sections_for(survey))
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    assert "<form" not in main and 'type="submit"' not in main
