"""Each kind of call walks its own stage table; a stage its kind lacks is refused and never offered."""

import ast
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.exceptions import DomainError
from portal.models import AuditEvent
from surveys.application_schema import answer_of
from surveys.enums import SurveyKind, SurveyStage
from surveys.models import Survey
from surveys.pipelines import PIPELINES, gate_q, pipeline_of
from surveys.services.calls import survey_transition
from tests.complexes.world import complex_call, plan_answers
from tests.surveys.helpers import make_survey

pytestmark = pytest.mark.django_db

S = SurveyStage
KINDS = list(SurveyKind)


def _at(kind, stage, **extra):
    survey = make_survey(kind=kind, **extra)
    Survey.objects.filter(pk=survey.pk).update(stage=stage)
    survey.refresh_from_db()
    return survey


def _close_layers_of_the_stage(survey, actor) -> None:
    from review.services import layers

    for layer in survey.evaluation_layers.filter(closed_at__isnull=True).order_by("number"):
        if layers.LAYER_STAGE[layer.kind] == survey.stage:
            layers.layer_close(layer, actor=actor)


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_walks_its_stages_forward_without_reasons(admin, kind):
    survey = make_survey(kind=kind, with_hearing=True)
    order = pipeline_of(survey).stages_of(survey)
    Survey.objects.filter(pk=survey.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    survey.refresh_from_db()
    for target in order[1:]:
        _close_layers_of_the_stage(survey, admin)  # an international R&D call's layers, closed with nothing open
        survey = survey_transition(survey, to=target, actor=admin)
        assert survey.stage == target
    moves = [
        e.after["stage"]
        for e in AuditEvent.objects.for_object(survey).filter(action="surveys.survey.stage_changed").order_by("pk")
    ]
    assert moves == order[1:]


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_refuses_every_stage_it_lacks_from_every_stage(admin, kind):
    pipeline = PIPELINES[kind]
    missing = [stage for stage in S if stage not in pipeline.stages]
    assert missing, "every kind lacks some stage of the others"
    for current in pipeline.stages:
        survey = _at(kind, current)
        for target in missing:
            with pytest.raises(DomainError) as error:
                survey_transition(survey, to=target, actor=admin, reason="시험")
            assert error.value.code == "transition"
            assert str(S(target).label) in error.value.message
            survey.refresh_from_db()
            assert survey.stage == current


def test_complex_call_without_hearing_never_offers_or_takes_it(admin):
    survey = _at(SurveyKind.COMPLEX, S.SUBCOMMITTEE)
    assert survey.with_hearing is False
    assert pipeline_of(survey).transitions(survey) == {S.NATIONAL_COMMITTEE: False, S.ADVISORY_REVIEW: True}
    with pytest.raises(DomainError) as error:
        survey_transition(survey, to=S.HEARING, actor=admin, reason="공청회")
    assert error.value.code == "transition"
    assert not survey.in_gate("hearing_public")
    moved = survey_transition(survey, to=S.NATIONAL_COMMITTEE, actor=admin)
    assert moved.stage == S.NATIONAL_COMMITTEE
    assert pipeline_of(moved).transitions(moved) == {S.NOTICE: False, S.SUBCOMMITTEE: True}


def test_complex_call_with_a_hearing_goes_through_it_and_skipping_needs_a_reason(admin):
    survey = _at(SurveyKind.COMPLEX, S.SUBCOMMITTEE, with_hearing=True)
    assert pipeline_of(survey).transitions(survey) == {
        S.HEARING: False,
        S.NATIONAL_COMMITTEE: True,
        S.ADVISORY_REVIEW: True,
    }
    with pytest.raises(DomainError) as error:
        survey_transition(survey, to=S.NATIONAL_COMMITTEE, actor=admin)
    assert error.value.code == "reason"
    survey = survey_transition(survey, to=S.HEARING, actor=admin)
    assert survey.in_gate("hearing_public") and survey.in_gate("hearing_commenting")


def test_international_call_has_its_layers_and_no_national_committee(admin):
    survey = _at(SurveyKind.INTERNATIONAL_RND, S.PANEL_EVALUATION)
    pipeline = pipeline_of(survey)
    assert [layer.key for layer in pipeline.layers] == ["layer1", "layer2"]
    assert all(layer.blind for layer in pipeline.layers)
    assert S.NATIONAL_COMMITTEE not in pipeline.stages and S.HEARING not in pipeline.stages
    assert pipeline.transitions(survey) == {S.SELECTION: False, S.EXPERT_EVALUATION: True}
    assert str(pipeline.label(S.NOTICE)) == str(pipeline.outcome.notice_label)


def test_outcomes_and_default_criteria_differ_by_kind(admin):
    technology, complex_, rnd = (make_survey(kind=kind) for kind in KINDS)
    assert technology.criteria.count() == 8
    assert [c.title for c in complex_.criteria.all()] == [t for t, _e in PIPELINES[SurveyKind.COMPLEX].default_criteria]
    assert rnd.criteria.count() == len(PIPELINES[SurveyKind.INTERNATIONAL_RND].default_criteria)
    registers = {pipeline_of(s).outcome.register_url for s in (technology, complex_, rnd)}
    assert len(registers) == 3


def test_changing_a_draft_calls_kind_takes_the_new_kinds_default_criteria(admin):
    from surveys.services.calls import survey_update

    survey = make_survey(kind=SurveyKind.TECHNOLOGY)
    survey_update(survey, data={"kind": SurveyKind.COMPLEX}, fields=survey.fields.all(), actor=admin)
    assert survey.criteria.count() == len(PIPELINES[SurveyKind.COMPLEX].default_criteria)


def test_gate_filters_match_the_gates_of_each_call(admin):
    calls = [
        _at(kind, stage, with_hearing=hearing)
        for kind in KINDS
        for stage in PIPELINES[kind].stages
        for hearing in (False, True)
    ]
    for gate in (
        "public",
        "filing",
        "collection",
        "scoring",
        "recommending",
        "hearing_public",
        "deliberation",
        "notice_drafting",
        "review_lists",
    ):
        expected = {s.pk for s in calls if s.in_gate(gate)}
        assert (
            set(Survey.objects.filter(gate_q(gate), pk__in=[s.pk for s in calls]).values_list("pk", flat=True))
            == expected
        ), gate


def test_stage_page_shows_only_the_kinds_stages_and_moves(admin_client, admin):
    survey = _at(SurveyKind.COMPLEX, S.ADVISORY_REVIEW)
    html = admin_client.get(reverse("surveys:manage_detail", kwargs={"pk": survey.pk})).content.decode()
    assert str(S.ADVISORY_REVIEW.label) in html and str(S.SUBCOMMITTEE.label) in html
    assert str(S.TECHNICAL_REVIEW.label) not in html
    offered = {stage for stage in S if f'name="to" value="{stage.value}"' in html}
    assert offered == {S.SUBCOMMITTEE, S.COLLECTION}


def test_answer_of_reads_each_kinds_parts(admin):
    survey = complex_call(admin)
    answers = plan_answers(survey)
    assert answer_of(answers, "title", kind=survey.kind) == "오창 이차전지 소재 특화단지"
    assert answer_of(answers, "area_m2", kind=survey.kind) == "3500000"
    assert answer_of(answers, "specification", kind=survey.kind) == ""
    assert answer_of({"basic": {"technology_name": "감속기"}}, "title", kind=SurveyKind.TECHNOLOGY) == "감속기"


def test_the_core_does_not_import_the_stages():
    """The home view and the dashboard registry know no stage: each app fills its part."""
    for path in ("portal/views/home.py", "portal/dashboards.py"):
        tree = ast.parse(Path(path).read_text())
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)} | {
            alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
        }
        assert not any(name and name.split(".")[0] in ("surveys", "review") for name in imported), path
