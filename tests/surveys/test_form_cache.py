"""Application form classes are built once per call, stamp and language, and rebuilt when the call's form changes."""

import pytest
from django.urls import reverse
from django.utils import translation

from surveys.application_schema import EXTRA_SECTION_KEY, section_by_key, section_form_class, sections_for
from surveys.enums import QuestionType
from surveys.models import Field, Question, Survey
from tests.surveys.helpers import make_survey
from tests.surveys.test_manage_screens import _formset_post

pytestmark = pytest.mark.django_db


def _fresh(survey) -> Survey:
    """The call as the next request reads it."""
    return Survey.objects.get(pk=survey.pk)


def _criteria_labels(survey) -> list[str]:
    form_class = section_form_class(survey, section_by_key(survey, "criteria"))
    return [str(f.label) for name, f in form_class.base_fields.items() if name.startswith("criterion_")]


def _field_choices(survey) -> list[tuple[str, str]]:
    return section_form_class(survey, section_by_key(survey, "basic")).base_fields["field"].choices[1:]


def test_a_call_read_again_builds_nothing_and_asks_the_database_nothing(django_assert_num_queries):
    survey = make_survey(fields=("ROB", "BAT"))
    first = [section_form_class(survey, section) for section in sections_for(survey)]
    again = _fresh(survey)
    with django_assert_num_queries(0):
        second = [section_form_class(again, section) for section in sections_for(again)]
    assert second == first  # the very same classes


def test_a_criterion_renamed_on_the_criteria_screen_shows_in_the_application_form(admin_client):
    survey = make_survey()
    assert _criteria_labels(_fresh(survey))[0].endswith(survey.criteria.get(number=1).title)
    url = reverse("surveys:manage_criteria", kwargs={"pk": survey.pk})
    page = admin_client.get(url)
    first = survey.criteria.get(number=1)
    index = [f.instance.pk for f in page.context["formset"].forms].index(first.pk)
    response = admin_client.post(url, _formset_post(page, "criteria", {f"criteria-{index}-title": "공급망 안보 영향"}))
    assert response.status_code == 302
    assert _criteria_labels(_fresh(survey))[0] == "1. 공급망 안보 영향"


def test_a_question_added_on_the_questions_screen_adds_the_extra_step(admin_client):
    survey = make_survey()
    assert EXTRA_SECTION_KEY not in [s.key for s in sections_for(_fresh(survey))]
    url = reverse("surveys:manage_questions", kwargs={"pk": survey.pk})
    page = admin_client.get(url)
    response = admin_client.post(
        url,
        _formset_post(
            page,
            "questions",
            {"questions-0-order": "1", "questions-0-type": QuestionType.SHORT_TEXT, "questions-0-label": "담당 부서"},
        ),
    )
    assert response.status_code == 302
    current = _fresh(survey)
    extra = section_by_key(current, EXTRA_SECTION_KEY)
    assert extra is not None
    assert [str(f.label) for f in section_form_class(current, extra).base_fields.values()] == ["담당 부서"]


def test_a_question_deleted_or_edited_in_code_is_seen_too():
    survey = make_survey()
    question = Question.objects.create(survey_id=survey.pk, order=1, type=QuestionType.SHORT_TEXT, label="처음 질문")
    extra = section_by_key(_fresh(survey), EXTRA_SECTION_KEY)
    question.label = "고친 질문"
    question.save()
    assert [str(f.label) for f in section_form_class(_fresh(survey), extra).base_fields.values()] == ["고친 질문"]
    question.delete()
    assert section_by_key(_fresh(survey), EXTRA_SECTION_KEY) is None


def test_fields_offered_by_the_call_and_their_names_are_current():
    survey = make_survey(fields=("ROB",))
    assert [code for code, _ in _field_choices(_fresh(survey))] == ["ROB"]
    survey.fields.add(Field.objects.get(code="BAT"))
    assert {code for code, _ in _field_choices(_fresh(survey))} == {"ROB", "BAT"}
    robots = Field.objects.get(code="ROB")
    robots.name = "첨단 로봇"
    robots.save()
    assert dict(_field_choices(_fresh(survey)))["ROB"] == "첨단 로봇"
    Field.objects.get(code="BAT").surveys.remove(survey)  # from the field's side
    assert [code for code, _ in _field_choices(_fresh(survey))] == ["ROB"]


def test_each_language_has_its_own_labels():
    survey = make_survey(fields=("ROB",))
    robots = Field.objects.get(code="ROB")
    robots.name_en = "Robotics"
    robots.save()
    with translation.override("ko"):
        korean = dict(_field_choices(_fresh(survey)))["ROB"]
    with translation.override("en"):
        english = dict(_field_choices(_fresh(survey)))["ROB"]
    assert (korean, english) == (robots.name, "Robotics")


def test_a_file_question_answered_by_an_attachment_is_not_required_in_that_form_only():
    survey = make_survey()
    question = Question.objects.create(
        survey=survey, order=1, type=QuestionType.FILE, label="기술 설명 자료", required=True
    )
    extra = section_by_key(_fresh(survey), EXTRA_SECTION_KEY)
    open_form = section_form_class(_fresh(survey), extra)
    answered = section_form_class(_fresh(survey), extra, {question.pk})
    assert open_form.base_fields[question.field_name].required
    assert not answered.base_fields[question.field_name].required
    assert section_form_class(_fresh(survey), extra).base_fields[question.field_name].required
