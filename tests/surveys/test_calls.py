"""Creating and editing a call: default criteria, audit of what changed, dates in order."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.exceptions import DomainError
from portal.models import AuditEvent
from surveys.criteria import DEFAULT_CRITERIA
from surveys.enums import SurveyKind, SurveyStage
from surveys.forms import SurveyForm
from surveys.models import Field, Survey
from surveys.services.calls import EDITABLE_FIELDS, survey_create, survey_update
from tests.surveys.helpers import make_survey

pytestmark = pytest.mark.django_db

KST = ZoneInfo("Asia/Seoul")


def _data(**overrides):
    now = timezone.now()
    return {
        "kind": SurveyKind.TECHNOLOGY,
        "title": "이차전지 국가첨단전략기술 수요조사",
        "description": "설명",
        "code": "BAT",
        "eligible_types": ["company", "research_institute"],
        "opens_at": now,
        "deadline": now + timedelta(days=14),
        **overrides,
    }


def _form_data(**overrides):
    robot = Field.objects.get(code="ROB")
    return {
        "kind": "technology",
        "title": "로봇 국가첨단전략기술 지정 수요조사",
        "code": "rob",
        "description": "로봇 분야 수요조사",
        "legal_basis": "국가첨단전략산업법 제11조",
        "eligible_types": ["company"],
        "fields": [robot.pk],
        "opens_on": "2030-03-02",
        "deadline_on": "2030-03-20",
        "deadline_time": "18:00",
        **overrides,
    }


def test_survey_create_gives_the_eight_default_criteria(admin):
    survey = survey_create(data=_data(), fields=Field.objects.filter(code="BAT"), actor=admin)
    criteria = list(survey.criteria.order_by("number").values_list("number", "title", "title_en"))
    assert len(criteria) == 8
    assert criteria == [(n, ko, en) for n, (ko, en) in enumerate(DEFAULT_CRITERIA, start=1)]
    assert list(survey.fields.values_list("code", flat=True)) == ["BAT"]
    assert survey.stage == SurveyStage.DRAFT and survey.published_at is None
    event = AuditEvent.objects.for_object(survey).get(action="surveys.survey.created")
    assert event.actor == admin and event.after["title"] == "이차전지 국가첨단전략기술 수요조사"


def test_survey_update_audits_only_the_changed_fields(admin):
    survey = make_survey(title="원래 제목", contact="로봇산업과")
    data = {name: getattr(survey, name) for name in EDITABLE_FIELDS}
    data.update(title="바뀐 제목", contact="로봇산업과 044-203-0000")
    survey_update(survey, data=data, fields=survey.fields.all(), actor=admin)
    survey.refresh_from_db()
    assert survey.title == "바뀐 제목"
    event = AuditEvent.objects.for_object(survey).get(action="surveys.survey.updated")
    assert event.before == {"title": "원래 제목", "contact": "로봇산업과"}
    assert event.after == {"title": "바뀐 제목", "contact": "로봇산업과 044-203-0000"}


def test_survey_update_with_nothing_changed_records_no_field(admin):
    survey = make_survey()
    data = {name: getattr(survey, name) for name in EDITABLE_FIELDS}
    survey_update(survey, data=data, fields=survey.fields.all(), actor=admin)
    event = AuditEvent.objects.for_object(survey).get(action="surveys.survey.updated")
    assert event.before == {} and event.after == {}


def test_survey_update_through_the_edit_form_audits_only_the_title(admin_client, admin):
    survey = make_survey(
        title="원래 제목",
        opens_at=datetime(2030, 3, 2, 0, 0, tzinfo=KST),
        deadline=datetime(2030, 3, 20, 18, 0, tzinfo=KST),
    )
    url = reverse("surveys:manage_edit", kwargs={"pk": survey.pk})
    form = admin_client.get(url).context["form"]
    post = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, (list, tuple)):
            post[name] = [str(v) for v in value]
        elif value is not None:
            post[name] = str(value)
    post["title"] = "새 제목"
    response = admin_client.post(url, post)
    assert response.status_code == 302, response.context["form"].errors
    event = AuditEvent.objects.for_object(survey).get(action="surveys.survey.updated")
    assert event.after == {"title": "새 제목"}


def test_the_kind_of_a_published_call_cannot_change(admin):
    survey = make_survey(stage=SurveyStage.DISTRIBUTION)
    data = {name: getattr(survey, name) for name in EDITABLE_FIELDS}
    data["kind"] = SurveyKind.COMPLEX
    with pytest.raises(DomainError):
        survey_update(survey, data=data, fields=survey.fields.all(), actor=admin)
    survey.refresh_from_db()
    assert survey.kind == SurveyKind.TECHNOLOGY


def test_service_refuses_a_deadline_not_after_the_opening(admin):
    now = timezone.now()
    for deadline in (now, now - timedelta(minutes=1)):
        with pytest.raises(DomainError) as error:
            survey_create(data=_data(opens_at=now, deadline=deadline), fields=[], actor=admin)
        assert error.value.code == "dates"
    assert not Survey.objects.exists()
    assert not AuditEvent.objects.filter(action="surveys.survey.created").exists()


def test_service_update_refuses_a_deadline_before_the_opening(admin):
    survey = make_survey()
    deadline = survey.deadline
    data = {name: getattr(survey, name) for name in EDITABLE_FIELDS}
    data["deadline"] = survey.opens_at - timedelta(days=1)
    with pytest.raises(DomainError):
        survey_update(survey, data=data, fields=survey.fields.all(), actor=admin)
    survey.refresh_from_db()
    assert survey.deadline == deadline
    assert not AuditEvent.objects.filter(action="surveys.survey.updated").exists()


@pytest.mark.parametrize(
    "opens_on,deadline_on,deadline_time",
    [("2030-03-20", "2030-03-02", "18:00"), ("2030-03-20", "2030-03-20", "00:00")],
)
def test_form_refuses_a_deadline_not_after_the_opening(opens_on, deadline_on, deadline_time):
    form = SurveyForm(_form_data(opens_on=opens_on, deadline_on=deadline_on, deadline_time=deadline_time))
    assert not form.is_valid()
    assert "deadline_on" in form.errors


def test_form_reads_dates_in_korea_time():
    form = SurveyForm(_form_data())
    assert form.is_valid(), form.errors
    data = form.service_data()
    assert data["opens_at"] == datetime(2030, 3, 2, 9, 0, tzinfo=KST)
    assert data["deadline"] == datetime(2030, 3, 20, 18, 0, tzinfo=KST)
    assert data["code"] == "ROB"


def test_editing_a_call_keeps_its_opening_time(admin_client):
    admin_client.post(reverse("surveys:manage_new"), _form_data(opens_time="10:30"))
    survey = Survey.objects.get()
    assert timezone.localtime(survey.opens_at).time() == time(10, 30)
    form = SurveyForm(instance=survey)
    assert form.fields["opens_time"].initial == time(10, 30)


def test_new_call_view_creates_a_draft_with_criteria(admin_client):
    response = admin_client.post(reverse("surveys:manage_new"), _form_data())
    survey = Survey.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:manage_detail", kwargs={"pk": survey.pk})
    assert survey.title == "로봇 국가첨단전략기술 지정 수요조사"
    assert survey.criteria.count() == 8
    assert survey.deadline == datetime(2030, 3, 20, 18, 0, tzinfo=KST)
    assert timezone.localtime(survey.opens_at).date() == date(2030, 3, 2)
    assert timezone.localtime(survey.deadline).time() == time(18, 0)


def test_new_call_view_with_the_deadline_first_shows_the_form_again(admin_client):
    response = admin_client.post(reverse("surveys:manage_new"), _form_data(deadline_on="2030-03-01"))
    assert response.status_code == 200
    assert "deadline_on" in response.context["form"].errors
    assert not Survey.objects.exists()


def test_call_scale_is_edited_with_the_call_and_shown_publicly(admin_client):
    response = admin_client.post(
        reverse("surveys:manage_new"),
        _form_data(
            score_min="1",
            score_max="4",
            half_points="on",
            score_anchors_text="미흡\n보통\n우수\n매우 우수",
        ),
    )
    assert response.status_code == 302
    survey = Survey.objects.get()
    assert (survey.score_min, survey.score_max, survey.half_points) == (1, 4, True)
    assert survey.score_anchors == ["미흡", "보통", "우수", "매우 우수"]


def test_call_scale_needs_one_description_per_score(admin_client):
    response = admin_client.post(
        reverse("surveys:manage_new"),
        _form_data(
            score_min="1",
            score_max="5",
            score_anchors_text="미흡\n우수",
        ),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["score_anchors_text"]
    assert "미흡\n우수" in response.content.decode()
    assert not Survey.objects.exists()


def test_new_calls_default_to_a_one_to_five_scale():
    from surveys.models.survey import default_score_anchors

    assert Survey._meta.get_field("score_max").default == 5
    assert len(default_score_anchors()) == 5
