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


def aggregate(candidate, *, plan, criteria=None, reviews=None) -> Aggregate:
    """``criteria`` (the call's) and ``reviews`` (the candidate's submitted ones, by pseudonym, with their
    assignments) may be given by a caller that aggregates many candidates, to spare the queries."""
    if criteria is None:
        criteria = candidate.survey.criteria.all()
    weights = {c.number: c.weight for c in criteria}
    if reviews is None:
        reviews = (
            Review.objects.filter(assignment__candidate=candidate, assignment__status=AssignmentStatus.SUBMITTED)
            .select_related("assignment").order_by("assignment__pseudonym")
        )
    totals = []
    for review in reviews:
        scores = {int(k): Decimal(v) for k, v in review.scores.items()}
        totals.append(ReviewerTotal(review.assignment.label, scores,
                                    weighted_total(scores, weights).quantize(TWO, ROUND_HALF_UP), review.recommendation))
    rule = plan.aggregation
    value, dropped_idx = _apply(rule, [t.total for t in totals], plan.trim_min_reviews)
    used = [t for i, t in enumerate(totals) if i not in dropped_idx]
    dropped = [t for i, t in enumerate(totals) if i in dropped_idx]
    per_criterion = {}
    for number in sorted(weights):
        values = [t.scores[number] for t in totals if number in t.scores]
        result, _dropped = _apply(rule, values, plan.trim_min_reviews)
        if result is not None:
            per_criterion[number] = result.quantize(TWO, ROUND_HALF_UP)
    spread = (max(t.total for t in totals) - min(t.total for t in totals)) if totals else None
    flagged = spread is not None and spread > plan.disagreement_spread
    steps = [
        _("Each reviewer's total is the weighted mean of their criterion scores (weights: %(weights)s).")
        % {"weights": ", ".join(f"{n}={w.normalize()}" for n, w in sorted(weights.items()))},
    ]
    steps += [f"{t.pseudonym}: " + ", ".join(f"{n}={s.normalize()}" for n, s in sorted(t.scores.items()))
              + f" → {t.total}" for t in totals]
    if rule == AggregationRule.TRIMMED_MEAN and dropped:
        steps.append(_("Trimmed mean over %(n)d reviews: dropped the highest and the lowest (%(dropped)s).")
                     % {"n": len(totals), "dropped": ", ".join(f"{t.pseudonym} {t.total}" for t in dropped)})
    elif rule == AggregationRule.TRIMMED_MEAN:
        steps.append(_("Trimmed mean needs at least %(n)d reviews; with fewer, the plain mean is used.")
                     % {"n": max(plan.trim_min_reviews, 3)})
    steps.append(_("%(rule)s of %(values)s = %(value)s") % {
        "rule": AggregationRule(rule).label, "values": ", ".join(str(t.total) for t in used),
        "value": value.quantize(TWO, ROUND_HALF_UP) if value is not None else "—"})
    if spread is not None:
        steps.append(_("Spread between the highest and lowest total: %(spread)s (flag above %(limit)s).")
                     % {"spread": spread, "limit": plan.disagreement_spread})
    return Aggregate(
        candidate_number=candidate.number, rule=rule, reviews=totals, used=used, dropped=dropped,
        value=value.quantize(TWO, ROUND_HALF_UP) if value is not None else None,
        per_criterion=per_criterion, spread=spread, flagged=flagged, steps=steps,
    )
