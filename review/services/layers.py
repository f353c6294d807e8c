"""An international R&D call's evaluation layers: their rules, who may be assigned when, closing a layer
into its outcomes, and the checks on the call's stage moves.

Layer 1 is the blind expert scoring (``Assignment.layer == 1`` with a ``Review``); layers 2 and 3 are
independent panels (``PanelJudgement``). Closing a layer writes one ``LayerOutcome`` per standing candidate:
layer 1 ranks by the stored aggregate within the candidate's category; a panel layer counts the votes on
whether international cooperation is essential and moves each candidate by the panel's mean adjustment.
What a later layer reads is that outcome, whose comments and reasons are kept without who gave them.
"""

import random
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Q
from django.db.models.fields.json import KT
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.exceptions import DomainError
from portal.services.audit import audit_log
from review.enums import AssignmentStatus, AuditAction, EssentialRule, LayerKind
from review.models import (
    Assignment,
    CandidateScore,
    EvaluationLayer,
    LayerOutcome,
    PanelJudgement,
    Review,
)
from review.models.international import MAX_LAYERS
from review.services import scores as stored_scores
from surveys.application_schema import ANSWER_PATHS
from surveys.enums import SurveyKind, SurveyStage
from surveys.models import Application, Candidate, Survey

TWO = Decimal("0.01")
#: The layers a call gets by default: (number, kind, name).
DEFAULT_LAYERS = (
    (1, LayerKind.SCORING, "익명 전문가 평가"),
    (2, LayerKind.PANEL, "독립 익명 검증위원회"),
)
THIRD_LAYER_NAME = "독립 익명 검증위원회 (3차)"
#: Assignments still waiting for the member's work; closing a layer waits for them.
OPEN_STATUSES = (AssignmentStatus.ASSIGNED, AssignmentStatus.ACCEPTED)
#: The stage in which each kind of layer works.
LAYER_STAGE = {LayerKind.SCORING: SurveyStage.EXPERT_EVALUATION, LayerKind.PANEL: SurveyStage.PANEL_EVALUATION}


def uses_layers(survey: Survey) -> bool:
    return survey.kind == SurveyKind.INTERNATIONAL_RND


def ensure_layers(survey: Survey) -> list[EvaluationLayer]:
    """The call's layers, the default two made first if it has none (an international R&D call only)."""
    if not uses_layers(survey):
        return []
    layers = list(EvaluationLayer.objects.filter(survey=survey).order_by("number"))
    if not layers:
        EvaluationLayer.objects.bulk_create(
            [
                EvaluationLayer(survey=survey, number=number, kind=kind, name=name)
                for number, kind, name in DEFAULT_LAYERS
            ],
            ignore_conflicts=True,
        )
        layers = list(EvaluationLayer.objects.filter(survey=survey).order_by("number"))
    return layers


def layer_of(survey: Survey, number: int) -> EvaluationLayer | None:
    return EvaluationLayer.objects.filter(survey=survey, number=number).first()


# -- set-up -----------------------------------------------------------------------------------------------------

RULE_FIELDS = ("name", "reviewers_per_candidate", "essential_rule", "max_adjustment", "due_on")


@transaction.atomic
def layers_save(survey: Survey, *, count: int, rules: dict[int, dict], actor) -> list[EvaluationLayer]:
    """Set the number of layers (2 or 3) and each layer's rules, before the expert evaluation starts."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if not survey.in_gate("layer_setup"):
        raise DomainError(
            _("The evaluation layers can no longer change: the expert evaluation has started."), code="stage"
        )
    if count not in (2, MAX_LAYERS):
        raise DomainError(_("A call is evaluated in two or three layers."), code="count")
    ensure_layers(survey)
    EvaluationLayer.objects.filter(survey=survey, number__gt=count).delete()
    if count == MAX_LAYERS:
        EvaluationLayer.objects.get_or_create(
            survey=survey, number=3, defaults={"kind": LayerKind.PANEL, "name": THIRD_LAYER_NAME}
        )
    layers = list(EvaluationLayer.objects.filter(survey=survey).order_by("number"))
    for layer in layers:
        for name, value in (rules.get(layer.number) or {}).items():
            if name in RULE_FIELDS:
                setattr(layer, name, value)
        layer.save()
    _sync_plan(survey, layers[0])
    audit_log(
        AuditAction.LAYERS_CHANGED,
        actor=actor,
        obj=survey,
        after={
            "layers": [{"number": layer.number, **{f: str(getattr(layer, f)) for f in RULE_FIELDS}} for layer in layers]
        },
    )
    return layers


def _sync_plan(survey: Survey, first: EvaluationLayer) -> None:
    """Layer 1 is the ordinary blind review: its plan takes the layer's number of experts and due date."""
    from review.services.assignment import review_plan

    plan = review_plan(survey)
    plan.reviewers_per_candidate, plan.due_on = first.reviewers_per_candidate, first.due_on
    plan.save(update_fields=["reviewers_per_candidate", "due_on"])


# -- assignment ---------------------------------------------------------------------------------------------------


def check_assignable(survey: Survey, number: int) -> EvaluationLayer | None:
    """Refuse an assignment in layer ``number`` unless the layer exists, is open and follows a closed layer."""
    if not uses_layers(survey):
        if number != 1:
            raise DomainError(_("This call is evaluated in one layer only."), code="layer")
        return None
    layers = {layer.number: layer for layer in ensure_layers(survey)}
    layer = layers.get(number)
    if layer is None:
        raise DomainError(_("This call has no evaluation layer %(n)d.") % {"n": number}, code="layer")
    if layer.is_closed:
        raise DomainError(
            _("Layer %(n)d is closed; no one can be assigned to it any more.") % {"n": number}, code="layer"
        )
    previous = layers.get(number - 1)
    if previous is not None and not previous.is_closed:
        raise DomainError(
            _("Layer %(n)d can be assigned only once layer %(previous)d is closed.")
            % {"n": number, "previous": previous.number},
            code="layer",
        )
    return layer


# -- categories ---------------------------------------------------------------------------------------------------


def candidate_categories(survey: Survey) -> dict[int, int | None]:
    """Candidate id → the category its first application names (one query, whatever the number)."""
    section, key = ANSWER_PATHS[SurveyKind.INTERNATIONAL_RND]["category"]
    valid = {str(pk): pk for pk in survey.categories.values_list("pk", flat=True)}
    rows = (
        Application.objects.filter(candidate__survey=survey)
        .order_by("candidate_id", "pk")
        .annotate(chosen=KT(f"answers__{section}__{key}"))
        .values_list("candidate_id", "chosen")
    )
    found: dict[int, int | None] = {}
    for candidate_id, chosen in rows:
        if found.get(candidate_id) is None:
            found[candidate_id] = valid.get(str(chosen or ""))
    return found


def _shuffled(items: list, seed: str) -> list:
    """A fixed order that is not the order of the members (nor of their pseudonyms)."""
    items = list(items)
    random.Random(seed).shuffle(items)
    return items


def _rank(rows: list[dict], key) -> None:
    """Give each row its place within its category, by ``key``."""
    by_category: dict = {}
    for row in rows:
        by_category.setdefault(row["category"], []).append(row)
    for members in by_category.values():
        for place, row in enumerate(sorted(members, key=key), start=1):
            row["rank"] = place


def _score_key(row):
    score = row["score"]
    return (score is None, -(score or 0), row["number"])


# -- closing ------------------------------------------------------------------------------------------------------


def open_assignments(layer: EvaluationLayer) -> list[str]:
    """Numbers of the candidates whose assignments in the layer are neither submitted nor ended."""
    return sorted(
        set(
            Assignment.objects.filter(
                candidate__survey_id=layer.survey_id,
                layer=layer.number,
                status__in=OPEN_STATUSES,
            ).values_list("candidate__number", flat=True)
        )
    )


def _check_closable(survey: Survey, layer: EvaluationLayer) -> None:
    if layer.is_closed:
        raise DomainError(_("Layer %(n)d is already closed.") % {"n": layer.number}, code="closed")
    if survey.stage != LAYER_STAGE[layer.kind]:
        raise DomainError(
            _("Layer %(n)d can be closed only in the stage “%(stage)s”.")
            % {"n": layer.number, "stage": survey.pipeline.label(LAYER_STAGE[layer.kind])},
            code="stage",
        )
    previous = EvaluationLayer.objects.filter(survey=survey, number=layer.number - 1).first()
    if previous is not None and not previous.is_closed:
        raise DomainError(_("Close layer %(n)d first.") % {"n": previous.number}, code="order")
    waiting = open_assignments(layer)
    if waiting:
        raise DomainError(
            _("Layer %(n)d cannot be closed: evaluations are still open for %(list)s.")
            % {"n": layer.number, "list": ", ".join(waiting)},
            code="open",
        )


@transaction.atomic
def layer_close(layer: EvaluationLayer, *, actor) -> list[LayerOutcome]:
    """Close the layer and write its outcome for every standing candidate; audited."""
    survey = Survey.objects.select_for_update().get(pk=layer.survey_id)
    layer = EvaluationLayer.objects.select_for_update().get(pk=layer.pk)
    _check_closable(survey, layer)
    candidates = list(Candidate.objects.filter(survey=survey, merged_into__isnull=True).order_by("number"))
    categories = candidate_categories(survey)
    rows = [{"candidate": c, "number": c.number, "category": categories.get(c.pk)} for c in candidates]
    if layer.is_panel:
        _panel_rows(layer, rows)
    else:
        _scoring_rows(survey, layer, rows)
    now = timezone.now()
    LayerOutcome.objects.filter(layer=layer).delete()
    outcomes = LayerOutcome.objects.bulk_create(
        LayerOutcome(
            layer=layer,
            candidate=row["candidate"],
            category_id=row["category"],
            score=row["score"],
            rank=row["rank"],
            essential=row.get("essential"),
            essential_yes=row.get("yes", 0),
            essential_no=row.get("no", 0),
            adjustment=row.get("adjustment", Decimal(0)),
            members=row["members"],
            basis=row.get("basis", ""),
            detail=row["detail"],
            computed_at=now,
        )
        for row in rows
    )
    layer.closed_at, layer.closed_by = now, actor
    layer.save(update_fields=["closed_at", "closed_by"])
    audit_log(
        AuditAction.LAYER_CLOSED,
        actor=actor,
        obj=layer,
        after={
            "layer": layer.number,
            "candidates": len(outcomes),
            "ranks": {row["number"]: row["rank"] for row in rows},
        },
    )
    return outcomes


def _scoring_rows(survey: Survey, layer: EvaluationLayer, rows: list[dict]) -> None:
    """Layer 1: the stored aggregate of the submitted reviews, ranked within each category."""
    ids = [row["candidate"].pk for row in rows]
    stored_scores.refresh(survey, ids)
    stored = {s.candidate_id: s for s in CandidateScore.objects.filter(candidate_id__in=ids)}
    texts: dict[int, list[dict]] = {}
    reviews = Review.objects.filter(
        assignment__candidate_id__in=ids, assignment__layer=1, assignment__status=AssignmentStatus.SUBMITTED
    )
    for candidate_id, justifications, comment in reviews.values_list(
        "assignment__candidate_id", "justifications", "comment"
    ):
        found = texts.setdefault(candidate_id, [])
        found += [{"criterion": int(n), "text": t} for n, t in justifications.items() if t]
        if comment:
            found.append({"criterion": None, "text": comment})
    totals = _review_totals(survey, ids)
    for row in rows:
        score = stored.get(row["candidate"].pk)
        row["score"] = score.value if score else None
        row["members"] = score.reviews if score else 0
        row["basis"] = score.basis if score else ""
        seed = f"{layer.pk}:{row['candidate'].pk}"
        row["detail"] = {
            "per_criterion": score.per_criterion if score else {},
            "totals": sorted(totals.get(row["candidate"].pk, [])),
            "comments": _shuffled(texts.get(row["candidate"].pk, []), seed),
        }
    _rank(rows, _score_key)


def _review_totals(survey: Survey, ids: list[int]) -> dict[int, list[str]]:
    """Each submitted layer-1 review's weighted total, per candidate, without who gave it."""
    from review.services.aggregation import TWO as CENTS
    from review.services.aggregation import score_map, weighted_total

    weights = {c.number: c.weight for c in survey.criteria.all()}
    totals: dict[int, list[str]] = {}
    reviews = Review.objects.filter(
        assignment__candidate_id__in=ids, assignment__layer=1, assignment__status=AssignmentStatus.SUBMITTED
    )
    for candidate_id, raw in reviews.values_list("assignment__candidate_id", "scores"):
        scores = {n: s for n, s in score_map(raw).items() if n in weights}
        if scores:
            total = weighted_total(scores, weights).quantize(CENTS, ROUND_HALF_UP)
            totals.setdefault(candidate_id, []).append(str(total))
    return totals


def essential_by_rule(rule: str, yes: int, no: int) -> bool | None:
    if yes + no == 0:
        return None
    if rule == EssentialRule.UNANIMOUS:
        return no == 0
    return yes > no


def _panel_rows(layer: EvaluationLayer, rows: list[dict]) -> None:
    """A panel layer: votes on essentiality by the layer's rule, and the mean adjustment applied to the
    previous layer's rank (ties broken by the layer-1 score)."""
    previous = {
        o.candidate_id: o
        for o in LayerOutcome.objects.filter(layer__survey_id=layer.survey_id, layer__number=layer.number - 1)
    }
    judged: dict[int, list] = {}
    for judgement in PanelJudgement.objects.filter(
        assignment__candidate__survey_id=layer.survey_id,
        assignment__layer=layer.number,
        assignment__status=AssignmentStatus.SUBMITTED,
    ).select_related("assignment"):
        judged.setdefault(judgement.assignment.candidate_id, []).append(judgement)
    for row in rows:
        before = previous.get(row["candidate"].pk)
        judgements = judged.get(row["candidate"].pk, [])
        yes = sum(1 for j in judgements if j.essential)
        no = sum(1 for j in judgements if j.essential is False)
        mean = (
            (Decimal(sum(j.adjustment for j in judgements)) / len(judgements)).quantize(TWO, ROUND_HALF_UP)
            if judgements
            else Decimal(0)
        )
        row.update(
            score=before.score if before else None,
            members=len(judgements),
            yes=yes,
            no=no,
            essential=essential_by_rule(layer.essential_rule, yes, no),
            adjustment=mean,
        )
        previous_rank = before.rank if before and before.rank else None
        row["sort"] = (previous_rank is None, (previous_rank or 0) - mean)
        row["detail"] = _panel_detail(judgements, previous_rank, f"{layer.pk}:{row['candidate'].pk}")
    _rank(rows, lambda row: (row["sort"], *_score_key(row)))


def _panel_detail(judgements, previous_rank, seed: str) -> dict:
    return {
        "previous_rank": previous_rank,
        "votes": _shuffled([{"essential": j.essential, "reason": j.essential_reason} for j in judgements], seed),
        "adjustments": sorted(j.adjustment for j in judgements),
        "adjustment_reasons": _shuffled(
            [{"places": j.adjustment, "reason": j.adjustment_reason} for j in judgements if j.adjustment], seed
        ),
        "comments": _shuffled([j.comment for j in judgements if j.comment], seed),
    }


# -- what a panel member reads ----------------------------------------------------------------------------------


def earlier_outcomes(candidate: Candidate, number: int) -> list[LayerOutcome]:
    """The closed layers before ``number`` and their outcomes for the candidate, first layer first."""
    return list(
        LayerOutcome.objects.filter(candidate=candidate, layer__number__lt=number)
        .select_related("layer", "category")
        .order_by("layer__number")
    )


# -- stage moves --------------------------------------------------------------------------------------------------


def transition_guard(survey: Survey, to: str) -> None:
    """Registered with surveys: an international R&D call leaves a layer's stage only with the layer closed."""
    if not uses_layers(survey):
        return
    layers = ensure_layers(survey)
    if survey.stage == SurveyStage.EXPERT_EVALUATION and to == SurveyStage.PANEL_EVALUATION:
        waiting = [layer for layer in layers if layer.number == 1 and not layer.is_closed]
    elif survey.stage in (SurveyStage.EXPERT_EVALUATION, SurveyStage.PANEL_EVALUATION) and to == SurveyStage.SELECTION:
        waiting = [layer for layer in layers if not layer.is_closed]
    else:
        return
    if waiting:
        raise DomainError(
            _("Close the evaluation layers first: %(list)s.") % {"list": ", ".join(str(layer) for layer in waiting)},
            code="layers",
        )


def layer_counts_q(number: int) -> dict:
    """Annotations for a candidate list: assigned (still active) and submitted in layer ``number``."""
    from django.db.models import Count

    from review.enums import ACTIVE_ASSIGNMENTS

    in_layer = Q(assignments__layer=number)
    return {
        f"assigned_{number}": Count("assignments", filter=in_layer & Q(assignments__status__in=ACTIVE_ASSIGNMENTS)),
        f"submitted_{number}": Count(
            "assignments", filter=in_layer & Q(assignments__status=AssignmentStatus.SUBMITTED)
        ),
    }
