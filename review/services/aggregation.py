"""Turning raw scores into a candidate's aggregate, with every step written down."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

from django.utils.translation import gettext as _

from review.enums import AggregationRule, AssignmentStatus
from review.models import Review

TWO = Decimal("0.01")


@dataclass
class ReviewerTotal:
    pseudonym: str
    scores: dict[int, Decimal]
    total: Decimal
    recommendation: str


@dataclass
class Aggregate:
    candidate_number: str
    rule: str
    reviews: list[ReviewerTotal]
    used: list[ReviewerTotal]
    dropped: list[ReviewerTotal]
    value: Decimal | None
    per_criterion: dict[int, Decimal]
    spread: Decimal | None
    flagged: bool
    steps: list[str] = field(default_factory=list)


def _apply(rule: str, values: list[Decimal], trim_min: int) -> tuple[Decimal | None, list[int]]:
    """The rule over values; returns the result and the indexes of the values it dropped."""
    if not values:
        return None, []
    if rule == AggregationRule.MEDIAN:
        return Decimal(str(median(values))), []
    if rule == AggregationRule.TRIMMED_MEAN and len(values) >= max(trim_min, 3):
        order = sorted(range(len(values)), key=lambda i: values[i])
        dropped = [order[0], order[-1]]
        kept = [v for i, v in enumerate(values) if i not in dropped]
        return sum(kept) / len(kept), dropped
    return sum(values) / len(values), []


def weighted_total(scores: dict[int, Decimal], weights: dict[int, Decimal]) -> Decimal:
    """A reviewer's total on the call's scale: the weighted mean of the criterion scores."""
    weight_sum = sum(weights[n] for n in scores)
    return sum(scores[n] * weights[n] for n in scores) / weight_sum


@dataclass
class Figures:
    """The numbers of an aggregate, without the explanation: what rankings store and sort by."""

    totals: list[Decimal]
    value: Decimal | None
    dropped: list[int]
    per_criterion: dict[int, Decimal]
    spread: Decimal | None
    flagged: bool


def figures(score_maps: list[dict[int, Decimal]], *, plan, weights: dict[int, Decimal]) -> Figures:
    """The aggregate of submitted reviews given as criterion number → score, under ``plan`` and ``weights``."""
    totals = [weighted_total(scores, weights).quantize(TWO, ROUND_HALF_UP) for scores in score_maps]
    rule = plan.aggregation
    value, dropped = _apply(rule, totals, plan.trim_min_reviews)
    per_criterion = {}
    for number in sorted(weights):
        result, _dropped = _apply(
            rule, [scores[number] for scores in score_maps if number in scores], plan.trim_min_reviews
        )
        if result is not None:
            per_criterion[number] = result.quantize(TWO, ROUND_HALF_UP)
    spread = (max(totals) - min(totals)) if totals else None
    return Figures(
        totals=totals,
        value=value.quantize(TWO, ROUND_HALF_UP) if value is not None else None,
        dropped=dropped,
        per_criterion=per_criterion,
        spread=spread,
        flagged=spread is not None and spread > plan.disagreement_spread,
    )


def score_map(raw: dict) -> dict[int, Decimal]:
    """A review's stored scores (JSON: "1" → "4.5") as criterion number → Decimal."""
    return {int(k): Decimal(v) for k, v in raw.items()}


def _submitted_reviews(candidate):
    """The candidate's submitted first-layer reviews, by pseudonym, with their assignments."""
    return (
        Review.objects.filter(
            assignment__candidate=candidate, assignment__status=AssignmentStatus.SUBMITTED, assignment__layer=1
        )
        .select_related("assignment")
        .order_by("assignment__pseudonym")
    )


def _rule_steps(rule: str, totals: list[ReviewerTotal], dropped: list[ReviewerTotal], *, plan) -> list[str]:
    """What the rule did with the totals: which it trimmed, or why it could not trim."""
    if rule == AggregationRule.TRIMMED_MEAN and dropped:
        return [
            _("Trimmed mean over %(n)d reviews: dropped the highest and the lowest (%(dropped)s).")
            % {"n": len(totals), "dropped": ", ".join(f"{t.pseudonym} {t.total}" for t in dropped)}
        ]
    if rule == AggregationRule.TRIMMED_MEAN:
        return [
            _("Trimmed mean needs at least %(n)d reviews; with fewer, the plain mean is used.")
            % {"n": max(plan.trim_min_reviews, 3)}
        ]
    return []


def _steps(
    weights: dict[int, Decimal],
    totals: list[ReviewerTotal],
    used: list[ReviewerTotal],
    dropped: list[ReviewerTotal],
    numbers: Figures,
    *,
    plan,
) -> list[str]:
    """The aggregate written down step by step, for the reader of the score sheet."""
    rule = plan.aggregation
    steps = [
        _("Each reviewer's total is the weighted mean of their criterion scores (weights: %(weights)s).")
        % {"weights": ", ".join(f"{n}={w.normalize()}" for n, w in sorted(weights.items()))},
    ]
    steps += [
        f"{t.pseudonym}: " + ", ".join(f"{n}={s.normalize()}" for n, s in sorted(t.scores.items())) + f" → {t.total}"
        for t in totals
    ]
    steps += _rule_steps(rule, totals, dropped, plan=plan)
    steps.append(
        _("%(rule)s of %(values)s = %(value)s")
        % {
            "rule": AggregationRule(rule).label,
            "values": ", ".join(str(t.total) for t in used),
            "value": numbers.value if numbers.value is not None else "—",
        }
    )
    if numbers.spread is not None:
        steps.append(
            _("Spread between the highest and lowest total: %(spread)s (flag above %(limit)s).")
            % {"spread": numbers.spread, "limit": plan.disagreement_spread}
        )
    return steps


def aggregate(candidate, *, plan, criteria=None, reviews=None) -> Aggregate:
    """``criteria`` (the call's) and ``reviews`` (the candidate's submitted ones, by pseudonym, with their
    assignments) may be given by a caller that aggregates many candidates, to spare the queries."""
    if criteria is None:
        criteria = candidate.survey.criteria.all()
    weights = {c.number: c.weight for c in criteria}
    if reviews is None:
        reviews = _submitted_reviews(candidate)
    reviews = list(reviews)
    score_maps = [score_map(review.scores) for review in reviews]
    numbers = figures(score_maps, plan=plan, weights=weights)
    totals = [
        ReviewerTotal(review.assignment.label, scores, total, review.recommendation)
        for review, scores, total in zip(reviews, score_maps, numbers.totals)
    ]
    used = [t for i, t in enumerate(totals) if i not in numbers.dropped]
    dropped = [t for i, t in enumerate(totals) if i in numbers.dropped]
    return Aggregate(
        candidate_number=candidate.number,
        rule=plan.aggregation,
        reviews=totals,
        used=used,
        dropped=dropped,
        value=numbers.value,
        per_criterion=numbers.per_criterion,
        spread=numbers.spread,
        flagged=numbers.flagged,
        steps=_steps(weights, totals, used, dropped, numbers, plan=plan),
    )
