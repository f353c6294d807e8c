"""Moving a call through its stages: the table allows, refuses, asks why, and audits."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.exceptions import DomainError
from portal.models import AuditEvent
from surveys.enums import SurveyStage
from surveys.models import Survey
from surveys.pipelines import TECHNOLOGY
from surveys.services.calls import survey_transition
from tests.surveys.helpers import make_survey

pytestmark = pytest.mark.django_db

STAGE_CHANGED = "surveys.survey.stage_changed"

#: The technology call's moves, as they have always been: from → {to: reason required}.
STAGE_TRANSITIONS: dict[str, dict[str, bool]] = {
    SurveyStage.DRAFT: {SurveyStage.DISTRIBUTION: False, SurveyStage.COLLECTION: True},
    SurveyStage.DISTRIBUTION: {SurveyStage.COLLECTION: False, SurveyStage.DRAFT: True},
    SurveyStage.COLLECTION: {SurveyStage.TECHNICAL_REVIEW: False, SurveyStage.DISTRIBUTION: True},
    SurveyStage.TECHNICAL_REVIEW: {
        SurveyStage.HEARING: False,
        SurveyStage.NATIONAL_COMMITTEE: True,
        SurveyStage.COLLECTION: True,
    },
    SurveyStage.HEARING: {SurveyStage.NATIONAL_COMMITTEE: False, SurveyStage.TECHNICAL_REVIEW: True},
    SurveyStage.NATIONAL_COMMITTEE: {SurveyStage.NOTICE: False, SurveyStage.HEARING: True},
    SurveyStage.NOTICE: {SurveyStage.CLOSED: False},
    SurveyStage.CLOSED: {},
}
STAGE_TRANSITIONS.update({stage: {} for stage in SurveyStage if stage not in TECHNOLOGY.stages})

ALLOWED = [(src, dst, needs) for src, moves in STAGE_TRANSITIONS.items() for dst, needs in moves.items()]
REFUSED = [(src, dst) for src in SurveyStage for dst in SurveyStage if dst not in STAGE_TRANSITIONS[src]]


def _stage_events(survey):
    return AuditEvent.objects.for_object(survey).filter(action=STAGE_CHANGED)


def _at_stage(stage):
    """A call in ``stage`` whose windows are over: leaving collection or the hearing ends nothing early."""
    survey = make_survey()
    Survey.objects.filter(pk=survey.pk).update(
        stage=stage,
        deadline=timezone.now() - timedelta(minutes=1),
        hearing_ends_on=timezone.localdate() - timedelta(days=1),
    )
    survey.refresh_from_db()
    return survey


def test_the_technology_pipeline_derives_exactly_the_historic_table():
    survey = make_survey()
    for stage in SurveyStage:
        assert TECHNOLOGY.transitions(survey, stage) == STAGE_TRANSITIONS[stage], stage


def test_the_table_covers_every_stage_and_only_known_stages():
    assert set(STAGE_TRANSITIONS) == set(SurveyStage)
    for moves in STAGE_TRANSITIONS.values():
        assert set(moves) <= set(SurveyStage)
    assert len(REFUSED) > 0 and len(ALLOWED) > 0


@pytest.mark.parametrize("src,dst,needs_reason", ALLOWED, ids=[f"{s}->{d}" for s, d, _ in ALLOWED])
def test_allowed_move_succeeds_and_is_audited(admin, src, dst, needs_reason):
    survey = _at_stage(src)
    reason = "일정 정정" if needs_reason else ""
    moved = survey_transition(survey, to=dst, actor=admin, reason=reason)
    survey.refresh_from_db()
    assert moved.stage == dst and survey.stage == dst
    event = _stage_events(survey).get()
    assert event.actor == admin
    assert event.before == {"stage": str(src)}
    assert event.after == {"stage": str(dst), "reason": reason}


@pytest.mark.parametrize("src,dst", REFUSED, ids=[f"{s}->{d}" for s, d in REFUSED])
def test_move_not_in_the_table_is_refused_and_changes_nothing(admin, src, dst):
    survey = _at_stage(src)
    published_at = survey.published_at
    with pytest.raises(DomainError) as error:
        survey_transition(survey, to=dst, actor=admin, reason="그냥")
    assert error.value.code == "transition"
    survey.refresh_from_db()
    assert survey.stage == src
    assert survey.published_at == published_at
    assert not _stage_events(survey).exists()


def test_unknown_stage_is_refused(admin):
    survey = _at_stage(SurveyStage.DRAFT)
    with pytest.raises(DomainError):
        survey_transition(survey, to="published", actor=admin, reason="x")
    survey.refresh_from_db()
    assert survey.stage == SurveyStage.DRAFT


REASON_MOVES = [(s, d) for s, d, needs in ALLOWED if needs]


@pytest.mark.parametrize("src,dst", REASON_MOVES, ids=[f"{s}->{d}" for s, d in REASON_MOVES])
@pytest.mark.parametrize("reason", ["", "   \n"])
def test_reason_required_move_without_a_reason_is_refused(admin, src, dst, reason):
    survey = _at_stage(src)
    with pytest.raises(DomainError) as error:
        survey_transition(survey, to=dst, actor=admin, reason=reason)
    assert error.value.code == "reason"
    survey.refresh_from_db()
    assert survey.stage == src
    assert not _stage_events(survey).exists()


def test_reason_required_move_with_a_reason_records_it(admin):
    survey = _at_stage(SurveyStage.DISTRIBUTION)
    survey_transition(survey, to=SurveyStage.DRAFT, actor=admin, reason="  공고문 오류 정정  ")
    survey.refresh_from_db()
    assert survey.stage == SurveyStage.DRAFT
    assert _stage_events(survey).get().after == {"stage": "draft", "reason": "공고문 오류 정정"}


def test_publishing_sets_published_at_once(admin):
    survey = make_survey()
    assert survey.published_at is None
    survey_transition(survey, to=SurveyStage.DISTRIBUTION, actor=admin)
    survey.refresh_from_db()
    first = survey.published_at
    assert first is not None
    survey_transition(survey, to=SurveyStage.DRAFT, actor=admin, reason="정정")
    survey_transition(survey, to=SurveyStage.DISTRIBUTION, actor=admin)
    survey.refresh_from_db()
    assert survey.published_at == first


def test_skipping_to_collection_also_publishes(admin):
    survey = make_survey()
    survey_transition(survey, to=SurveyStage.COLLECTION, actor=admin, reason="배포 생략")
    survey.refresh_from_db()
    assert survey.stage == SurveyStage.COLLECTION and survey.published_at is not None


@pytest.mark.parametrize("lacking", ["fields", "eligible_types", "criteria"])
@pytest.mark.parametrize("dst,reason", [(SurveyStage.DISTRIBUTION, ""), (SurveyStage.COLLECTION, "생략")])
def test_publishing_an_incomplete_call_is_refused(admin, lacking, dst, reason):
    survey = make_survey()
    if lacking == "fields":
        survey.fields.clear()
    elif lacking == "eligible_types":
        Survey.objects.filter(pk=survey.pk).update(eligible_types=[])
    else:
        survey.criteria.all().delete()
    with pytest.raises(DomainError) as error:
        survey_transition(survey, to=dst, actor=admin, reason=reason)
    assert error.value.code == "incomplete"
    survey.refresh_from_db()
    assert survey.stage == SurveyStage.DRAFT and survey.published_at is None
    assert not _stage_events(survey).exists()


def test_stage_view_publishes_and_redirects(admin_client, admin):
    survey = make_survey()
    response = admin_client.post(reverse("surveys:manage_stage", kwargs={"pk": survey.pk}), {"to": "distribution"})
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:manage_detail", kwargs={"pk": survey.pk})
    survey.refresh_from_db()
    assert survey.stage == SurveyStage.DISTRIBUTION
    assert _stage_events(survey).get().actor == admin


def test_stage_view_without_a_required_reason_shows_the_error(admin_client):
    survey = _at_stage(SurveyStage.DISTRIBUTION)
    response = admin_client.post(reverse("surveys:manage_stage", kwargs={"pk": survey.pk}), {"to": "draft"})
    assert response.status_code == 400
    assert response.context["transition_form"].non_field_errors()
    assert 'role="alert"' in response.content.decode()
    survey.refresh_from_db()
    assert survey.stage == SurveyStage.DISTRIBUTION


def test_stage_view_refuses_a_move_outside_the_table(admin_client):
    survey = make_survey()
    response = admin_client.post(
        reverse("surveys:manage_stage", kwargs={"pk": survey.pk}), {"to": "closed", "reason": "x"}
    )
    assert response.status_code == 400
    survey.refresh_from_db()
    assert survey.stage == SurveyStage.DRAFT
    assert not _stage_events(survey).exists()


def test_overview_offers_exactly_the_allowed_moves(admin_client):
    survey = _at_stage(SurveyStage.TECHNICAL_REVIEW)
    html = admin_client.get(reverse("surveys:manage_detail", kwargs={"pk": survey.pk})).content.decode()
    offered = {stage for stage in SurveyStage if f'name="to" value="{stage.value}"' in html}
    assert offered == set(STAGE_TRANSITIONS[SurveyStage.TECHNICAL_REVIEW])
