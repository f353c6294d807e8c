"""The admin's criteria and extra-question screens, and editing rules after the notice."""

import pytest
from django.urls import reverse

from portal.exceptions import DomainError
from portal.models import AuditEvent
from surveys.enums import AuditAction, QuestionType, SurveyStage
from surveys.models import Question
from surveys.services.calls import EDITABLE_FIELDS, survey_update
from tests.surveys.helpers import make_survey

pytestmark = pytest.mark.django_db


def _formset_post(response, prefix, changes):
    """The formset as the page shows it, with some of its fields changed."""
    formset = response.context["formset"]
    data = {f"{prefix}-{k}": v for k, v in formset.management_form.initial.items()}
    for form in formset.forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = str(value) if value is not True else "on"
    data.update(changes)
    return data


def test_criteria_can_be_renamed_and_reweighted(admin_client, admin):
    survey = make_survey()
    url = reverse("surveys:manage_criteria", kwargs={"pk": survey.pk})
    page = admin_client.get(url)
    assert page.status_code == 200
    first = survey.criteria.get(number=1)
    index = [f.instance.pk for f in page.context["formset"].forms].index(first.pk)
    data = _formset_post(
        page, "criteria", {f"criteria-{index}-title": "공급망 안보 영향", f"criteria-{index}-weight": "2.00"}
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.title, str(first.weight)) == ("공급망 안보 영향", "2.00")
    assert survey.criteria.count() == 8
    assert AuditEvent.objects.for_object(survey).filter(action="surveys.survey.criteria_changed").exists()


def test_two_criteria_with_the_same_number_are_refused_not_a_server_error(admin_client):
    survey = make_survey()
    url = reverse("surveys:manage_criteria", kwargs={"pk": survey.pk})
    page = admin_client.get(url)
    extra = len(page.context["formset"].forms) - 1
    data = _formset_post(
        page,
        "criteria",
        {f"criteria-{extra}-number": "1", f"criteria-{extra}-title": "중복 번호 항목", f"criteria-{extra}-weight": "1"},
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert response.context["formset"].total_error_count() > 0
    assert survey.criteria.count() == 8
    assert not survey.criteria.filter(title="중복 번호 항목").exists()


def test_choice_question_is_saved_with_its_choices(admin_client):
    survey = make_survey()
    url = reverse("surveys:manage_questions", kwargs={"pk": survey.pk})
    page = admin_client.get(url)
    data = _formset_post(
        page,
        "questions",
        {
            "questions-0-order": "1",
            "questions-0-type": QuestionType.CHOICE,
            "questions-0-label": "국가핵심기술 해당 여부",
            "questions-0-choices_text": "해당\n\n해당 없음\n 검토 중 \n",
        },
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302
    question = survey.questions.get()
    assert (question.label, question.choices) == ("국가핵심기술 해당 여부", ["해당", "해당 없음", "검토 중"])


def test_choice_question_with_one_choice_is_refused(admin_client):
    survey = make_survey()
    url = reverse("surveys:manage_questions", kwargs={"pk": survey.pk})
    page = admin_client.get(url)
    data = _formset_post(
        page,
        "questions",
        {
            "questions-0-order": "1",
            "questions-0-type": QuestionType.CHOICE,
            "questions-0-label": "하나뿐인 선택",
            "questions-0-choices_text": "해당",
        },
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "choices_text" in response.context["formset"].forms[0].errors
    assert not Question.objects.exists()


def test_text_question_keeps_no_choices(admin_client):
    survey = make_survey()
    url = reverse("surveys:manage_questions", kwargs={"pk": survey.pk})
    page = admin_client.get(url)
    data = _formset_post(
        page,
        "questions",
        {
            "questions-0-order": "1",
            "questions-0-type": QuestionType.SHORT_TEXT,
            "questions-0-label": "주요 수요기업",
            "questions-0-choices_text": "남은\n선택지",
        },
    )
    assert admin_client.post(url, data).status_code == 302
    assert survey.questions.get().choices == []


@pytest.mark.parametrize("stage", [SurveyStage.NOTICE, SurveyStage.CLOSED])
def test_a_call_cannot_be_edited_after_its_notice(admin, stage):
    survey = make_survey(stage=stage, title="고시된 공고")
    data = {name: getattr(survey, name) for name in EDITABLE_FIELDS}
    data["title"] = "바꾸려는 제목"
    with pytest.raises(DomainError):
        survey_update(survey, data=data, fields=survey.fields.all(), actor=admin)
    survey.refresh_from_db()
    assert survey.title == "고시된 공고"


def test_briefing_is_announced_on_the_call_page(admin_client, client):
    survey = make_survey(stage=SurveyStage.DISTRIBUTION)
    response = admin_client.post(
        reverse("surveys:manage_briefing_new", kwargs={"pk": survey.pk}),
        {"place": "서울 코엑스 컨퍼런스룸 301호", "description": "", "starts_on": "2030-04-02", "starts_time": "14:00"},
    )
    assert response.status_code == 302
    briefing = survey.briefings.get()
    assert briefing.starts_at.isoformat() == "2030-04-02T05:00:00+00:00"
    html = client.get(reverse("surveys:call_detail", kwargs={"pk": survey.pk})).content.decode()
    assert "서울 코엑스 컨퍼런스룸 301호" in html and "2030-04-02" in html and "14:00 KST" in html


def test_a_form_whose_rows_the_database_refuses_is_a_400_keeping_the_entries(admin_client):
    """Two forms naming one criterion (an altered page, or another save in between): nothing saved, nothing lost."""
    survey = make_survey()
    url = reverse("surveys:manage_criteria", kwargs={"pk": survey.pk})
    page = admin_client.get(url)
    data = _formset_post(page, "criteria", {"criteria-0-title": "공급망 안보 영향"})
    data["criteria-3-id"] = data["criteria-2-id"]
    before = list(survey.criteria.order_by("number").values_list("number", "title"))
    response = admin_client.post(url, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="formset-conflict"' in html and "공급망 안보 영향" in html
    assert list(survey.criteria.order_by("number").values_list("number", "title")) == before


@pytest.mark.parametrize("stage", [SurveyStage.TECHNICAL_REVIEW, SurveyStage.HEARING])
def test_criteria_cannot_change_once_scoring_has_begun(admin_client, stage):
    """The criteria screen refuses with the reason as a form error, keeps what was typed and changes nothing."""
    survey = make_survey(stage=stage)
    url = reverse("surveys:manage_criteria", kwargs={"pk": survey.pk})
    page = admin_client.get(url)
    before = list(survey.criteria.order_by("number").values_list("number", "title"))
    response = admin_client.post(url, _formset_post(page, "criteria", {"criteria-0-title": "심사 중 바꾼 항목"}))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="formset-conflict"' in html and "심사 중 바꾼 항목" in html
    assert list(survey.criteria.order_by("number").values_list("number", "title")) == before
    assert not AuditEvent.objects.for_object(survey).filter(action=AuditAction.CRITERIA_CHANGED).exists()


def test_criteria_service_refuses_during_scoring(admin):
    from surveys.forms import CriterionFormSet
    from surveys.services.setup import criteria_save

    scoring = make_survey(stage=SurveyStage.TECHNICAL_REVIEW)
    with pytest.raises(DomainError) as refused:
        criteria_save(scoring, CriterionFormSet(instance=scoring), actor=admin)
    assert refused.value.code == "stage"


def test_criteria_may_still_change_during_collection(admin_client):
    survey = make_survey(stage=SurveyStage.COLLECTION)
    url = reverse("surveys:manage_criteria", kwargs={"pk": survey.pk})
    page = admin_client.get(url)
    response = admin_client.post(url, _formset_post(page, "criteria", {"criteria-0-title": "접수 중 고친 항목"}))
    assert response.status_code == 302
    assert survey.criteria.filter(title="접수 중 고친 항목").exists()
    assert AuditEvent.objects.for_object(survey).filter(action=AuditAction.CRITERIA_CHANGED).exists()


def test_a_guidance_file_cannot_be_removed_after_the_notice(admin_client):
    from surveys.models import GuidanceFile

    survey = make_survey(stage=SurveyStage.NOTICE)
    guidance = GuidanceFile.objects.create(
        survey=survey, title="공고문", file="guidance/a.pdf", original_name="a.pdf", size=1
    )
    response = admin_client.post(
        reverse("surveys:manage_guidance_delete", kwargs={"pk": survey.pk, "file_pk": guidance.pk})
    )
    assert response.status_code == 302
    assert GuidanceFile.objects.filter(pk=guidance.pk).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.GUIDANCE_DELETED).exists()
