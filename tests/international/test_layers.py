"""The international R&D call's evaluation layers: set-up, assignment per layer, closing, ranks and stage moves."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from portal.exceptions import DomainError
from portal.models import AuditEvent
from review.enums import AssignmentStatus, AuditAction, LayerKind
from review.models import (
    Assignment,
    CandidateScore,
    EvaluationLayer,
    LayerOutcome,
    ReviewerConflict,
)
from review.services import assignment as assigning
from review.services import judgements, layers
from review.services.aggregation import aggregate
from surveys.enums import SurveyStage
from surveys.services.calls import survey_transition
from tests.factories import make_user
from tests.international.layers_world import (
    at_stage,
    candidate_of,
    international_world,
    into_layer2,
    score_layer1,
)
from tests.review.helpers import accept, add_reviewer

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary(db):
    return make_user("secretary", name="간사")


@pytest.fixture
def w(admin):
    return international_world(admin)


def _judge(assignment, *, essential=True, adjustment=0, reason="", submit=True):
    assignment = accept(Assignment.objects.get(pk=assignment.pk))
    return judgements.judgement_save(
        assignment,
        reviewer=assignment.reviewer,
        essential=essential,
        essential_reason="국내 인프라 부재",
        adjustment=adjustment,
        adjustment_reason=reason,
        submit=submit,
    )


def test_a_new_call_gets_the_default_layers(w):
    from surveys.enums import SurveyKind
    from tests.surveys.helpers import make_survey

    call = make_survey(kind=SurveyKind.INTERNATIONAL_RND)
    made = list(EvaluationLayer.objects.filter(survey=call).values_list("number", "kind", "name"))
    assert made == [(1, LayerKind.SCORING, "익명 전문가 평가"), (2, LayerKind.PANEL, "독립 익명 검증위원회")]
    assert not EvaluationLayer.objects.filter(survey=make_survey()).exists()  # a technology call has none


def test_setup_saves_three_layers_and_syncs_the_plan(admin_client, admin):
    from surveys.enums import SurveyKind
    from tests.surveys.helpers import make_survey

    call = make_survey(kind=SurveyKind.INTERNATIONAL_RND, stage=SurveyStage.COLLECTION)
    url = reverse("review:layers_setup", kwargs={"pk": call.pk})
    data = {
        "layers-count": "3",
        "layer1-name": "1차",
        "layer1-reviewers_per_candidate": "4",
        "layer1-due_on": "2027-03-01",
    }
    for n in (2, 3):
        data.update(
            {
                f"layer{n}-name": f"{n}차 검증",
                f"layer{n}-reviewers_per_candidate": "3",
                f"layer{n}-essential_rule": "unanimous",
                f"layer{n}-max_adjustment": "2",
                f"layer{n}-due_on": "",
            }
        )
    assert admin_client.post(url, data).status_code == 302
    assert list(call.evaluation_layers.values_list("number", "essential_rule")) == [
        (1, "majority"),
        (2, "unanimous"),
        (3, "unanimous"),
    ]
    assert call.review_plan.reviewers_per_candidate == 4 and str(call.review_plan.due_on) == "2027-03-01"
    response = admin_client.post(url, {**data, "layer3-reviewers_per_candidate": "0", "layer3-name": "남길 이름"})
    assert response.status_code == 400
    assert "남길 이름" in response.content.decode()  # the input is kept
    assert call.evaluation_layers.get(number=3).reviewers_per_candidate == 3
    assert admin_client.post(url, {**data, "layers-count": "2"}).status_code == 302
    assert call.evaluation_layers.count() == 2
    at_stage(call, SurveyStage.EXPERT_EVALUATION)
    response = admin_client.post(url, {**data, "layers-count": "3"})
    assert response.status_code == 400 and call.evaluation_layers.count() == 2
    assert 'data-testid="layers-locked"' in admin_client.get(url).content.decode()


def test_the_same_expert_cannot_sit_in_two_layers(w, secretary):
    expert = w.experts[0]
    score_layer1(w)
    layers.layer_close(w.layer1, actor=secretary)
    at_stage(w.call, SurveyStage.PANEL_EVALUATION)
    with pytest.raises(DomainError) as refused:
        assigning.assign_by_hand(w.first, expert, actor=w.admin, layer=2)
    assert refused.value.code == "other_layer" and "1" in refused.value.message
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(candidate=w.first, reviewer=expert, pseudonym="2-Z", layer=2, assigned_by=w.admin)
    # and the automatic assignment never picks a layer-1 expert for layer 2, even one on the layer-2 panel
    w.panel2.members.create(reviewer=expert)
    assigning.assign_automatically(w.call, actor=w.admin, layer=2)
    assert not Assignment.objects.filter(reviewer=expert, layer=2).exists()
    assert Assignment.objects.filter(layer=2, candidate=w.first).count() == 2


def test_layer_two_waits_for_layer_one(w):
    with pytest.raises(DomainError) as refused:
        assigning.assign_by_hand(w.first, w.members[0], actor=w.admin, layer=2)
    assert refused.value.code == "layer"
    with pytest.raises(DomainError):
        assigning.assign_automatically(w.call, actor=w.admin, layer=2)
    assert not Assignment.objects.filter(layer=2).exists()


def test_conflicts_apply_in_layer_two(w, secretary):
    score_layer1(w)
    layers.layer_close(w.layer1, actor=secretary)
    at_stage(w.call, SurveyStage.PANEL_EVALUATION)
    own = w.applicant.memberships.get().organization
    insider = add_reviewer(w.panel2, name="내부자", organization_name="가람 반도체 주식회사")
    declared = add_reviewer(w.panel2, name="신고자")
    ReviewerConflict.objects.create(reviewer=declared, organization=own)
    for member in (insider, declared):
        with pytest.raises(DomainError) as refused:
            assigning.assign_by_hand(w.first, member, actor=w.admin, layer=2)
        assert refused.value.code == "conflict"
    assigning.assign_automatically(w.call, actor=w.admin, layer=2)
    on_first = set(Assignment.objects.filter(candidate=w.first, layer=2).values_list("reviewer_id", flat=True))
    assert insider.pk not in on_first and declared.pk not in on_first and len(on_first) == 2


def test_closing_waits_for_every_assignment(w, secretary):
    with pytest.raises(DomainError) as refused:
        layers.layer_close(w.layer1, actor=secretary)
    assert refused.value.code == "open" and w.first.number in refused.value.message
    assert w.second.number in refused.value.message
    # one expert ends the assignment with a declared conflict: it no longer holds the layer up
    score_layer1(w)
    w.layer1.refresh_from_db()
    assert w.layer1.closed_at is None
    layers.layer_close(w.layer1, actor=secretary)
    assert AuditEvent.objects.filter(action=AuditAction.LAYER_CLOSED).exists()
    with pytest.raises(DomainError):
        layers.layer_close(EvaluationLayer.objects.get(pk=w.layer1.pk), actor=secretary)


def test_a_conflict_ends_an_assignment_without_holding_the_layer(w, secretary):
    score_layer1(w)
    conflicted = add_reviewer(w.panel1, name="철회위원")
    assignment = assigning.assign_by_hand(w.first, conflicted, actor=w.admin)
    from review.services import reviewing

    reviewing.pledge_sign(w.call, reviewer=conflicted, signed_name=conflicted.name)
    reviewing.declare(assignment, reviewer=conflicted, has_conflict=True, note="공동연구 이력")
    assert Assignment.objects.get(pk=assignment.pk).status == AssignmentStatus.CONFLICTED
    assert len(layers.layer_close(w.layer1, actor=secretary)) == 2


def test_layer_outcomes_rank_within_the_category(w, secretary, admin):
    at_stage(w.call, SurveyStage.COLLECTION)
    third, _user = candidate_of(w.call, admin, "다온테크", "초정밀 광학계")
    at_stage(w.call, SurveyStage.EXPERT_EVALUATION)
    assigning.assign_automatically(w.call, actor=admin)
    values = {w.first.pk: "5", w.second.pk: "3", third.pk: "4"}
    score_layer1(w, values)
    layers.layer_close(w.layer1, actor=secretary)
    first_layer = {o.candidate_id: o for o in LayerOutcome.objects.filter(layer=w.layer1)}
    assert [first_layer[c.pk].rank for c in (w.first, third, w.second)] == [1, 2, 3]
    assert first_layer[w.first.pk].score == Decimal("5.00") and first_layer[w.first.pk].members == 2
    assert all(o.category_id == w.call.categories.get(horizon_years=5).pk for o in first_layer.values())
    comments = first_layer[w.first.pk].detail["comments"]
    assert {c["text"] for c in comments} >= {f"{w.first.number} 종합의견", f"{w.first.number} 근거 1"}
    at_stage(w.call, SurveyStage.PANEL_EVALUATION)
    assigning.assign_automatically(w.call, actor=admin, layer=2)
    # the last candidate is moved up two places by both members; the first is judged not essential by one
    for assignment in Assignment.objects.filter(layer=2).select_related("candidate"):
        moved = 2 if assignment.candidate_id == w.second.pk else 0
        essential = not (assignment.candidate_id == w.first.pk and assignment.reviewer_id == w.members[0].pk)
        _judge(assignment, essential=essential, adjustment=moved, reason="공급망 핵심" if moved else "")
    layers.layer_close(w.layer2, actor=secretary)
    panel = {o.candidate_id: o for o in LayerOutcome.objects.filter(layer=w.layer2)}
    # 3 − 2 = 1 ties with the first's 1 − 0: the layer-1 score breaks it; the third falls from 2 to 3
    assert [panel[c.pk].rank for c in (w.first, w.second, third)] == [1, 2, 3]
    assert panel[w.second.pk].adjustment == Decimal("2.00") and panel[w.second.pk].essential is True
    assert (panel[w.first.pk].essential_yes, panel[w.first.pk].essential_no) == (1, 1)
    assert panel[w.first.pk].essential is False  # a tie is no majority
    assert panel[w.second.pk].detail["previous_rank"] == 3


def test_essential_rules():
    assert layers.essential_by_rule("majority", 2, 1) is True
    assert layers.essential_by_rule("majority", 1, 1) is False
    assert layers.essential_by_rule("unanimous", 2, 1) is False
    assert layers.essential_by_rule("unanimous", 3, 0) is True
    assert layers.essential_by_rule("majority", 0, 0) is None


def test_stage_moves_wait_for_closed_layers(w, secretary, admin):
    score_layer1(w)
    with pytest.raises(DomainError) as refused:
        survey_transition(w.call, to=SurveyStage.PANEL_EVALUATION, actor=admin)
    assert refused.value.code == "layers"
    layers.layer_close(w.layer1, actor=secretary)
    call = survey_transition(w.call, to=SurveyStage.PANEL_EVALUATION, actor=admin)
    assert call.stage == SurveyStage.PANEL_EVALUATION
    with pytest.raises(DomainError) as refused:
        survey_transition(call, to=SurveyStage.SELECTION, actor=admin)
    assert refused.value.code == "layers" and "독립 익명 검증위원회" in refused.value.message
    assigning.assign_automatically(call, actor=admin, layer=2)
    for assignment in Assignment.objects.filter(layer=2):
        _judge(assignment)
    layers.layer_close(EvaluationLayer.objects.get(pk=w.layer2.pk), actor=secretary)
    assert survey_transition(call, to=SurveyStage.SELECTION, actor=admin).stage == SurveyStage.SELECTION


def test_layer_one_aggregates_leave_the_panel_out(w, secretary):
    into_layer2(w, secretary)
    for assignment in Assignment.objects.filter(layer=2):
        _judge(assignment)
    from review.services import scores

    scores.refresh(w.call)
    assert CandidateScore.objects.get(candidate=w.first).reviews == 2
    result = aggregate(w.first, plan=assigning.review_plan(w.call))
    assert len(result.reviews) == 2 and {t.pseudonym for t in result.reviews} == {"평가위원 A", "평가위원 B"}
    assert set(Assignment.objects.filter(layer=2).values_list("pseudonym", flat=True)) == {"2-A", "2-B"}


def test_a_judgement_follows_the_layers_rules(w, secretary):
    into_layer2(w, secretary)
    assignment = accept(Assignment.objects.filter(layer=2).first())
    save = judgements.judgement_save
    with pytest.raises(DomainError) as refused:
        save(
            assignment,
            reviewer=assignment.reviewer,
            essential=True,
            essential_reason="이유",
            adjustment=3,
            adjustment_reason="너무 큼",
            submit=False,
        )
    assert refused.value.code == "adjustment"
    with pytest.raises(DomainError) as refused:
        save(
            assignment,
            reviewer=assignment.reviewer,
            essential=True,
            essential_reason="이유",
            adjustment=-1,
            submit=False,
        )
    assert refused.value.code == "adjustment_reason"
    draft = save(assignment, reviewer=assignment.reviewer, essential=None, comment="검토 중", submit=False)
    assert draft.submitted_at is None
    with pytest.raises(DomainError) as refused:
        save(assignment, reviewer=assignment.reviewer, essential=None, submit=True)
    assert refused.value.code == "essential"
    with pytest.raises(DomainError) as refused:
        save(assignment, reviewer=assignment.reviewer, essential=False, essential_reason=" ", submit=True)
    assert refused.value.code == "essential_reason"
    save(assignment, reviewer=assignment.reviewer, essential=False, essential_reason="국내 대체 가능", submit=True)
    assert Assignment.objects.get(pk=assignment.pk).status == AssignmentStatus.SUBMITTED
    with pytest.raises(DomainError):
        save(assignment, reviewer=assignment.reviewer, essential=True, essential_reason="변경", submit=True)


def test_assigning_by_hand_names_the_layer(admin_client, w, secretary):
    url = reverse("review:candidate_assign", kwargs={"pk": w.first.pk})
    member = w.members[0]
    response = admin_client.post(url, {"reviewer": member.pk, "layer": "2"})
    html = response.content.decode()
    assert response.status_code == 400 and "2차 평가는 1차 평가가 마감된 뒤에만 배정할 수 있습니다." in html
    assert f'value="{member.pk}" selected' in html  # the choice is kept
    score_layer1(w)
    layers.layer_close(w.layer1, actor=secretary)
    at_stage(w.call, SurveyStage.PANEL_EVALUATION)
    page = admin_client.get(url).content.decode()
    assert f'value="{w.experts[0].pk}"' not in page  # a layer-1 expert is not offered for another layer
    assert admin_client.post(url, {"reviewer": member.pk, "layer": "2"}).status_code == 302
    assert Assignment.objects.get(candidate=w.first, reviewer=member).layer == 2
