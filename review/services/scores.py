"""Stored aggregates: each candidate's score kept in a row, so a field of thousands ranks and pages in SQL.

A candidate's row is written when it is created or merged at intake and whenever one of its reviews is
submitted (``refresh``, inside that transaction). Before rows are read (``field_values`` for a field's
ranking, ``ensure`` for a whole call), those of a field or call with rows missing or computed under
another review plan or other criterion weights are recomputed. The figures are those of
``aggregation.figures``, which the "how was this computed" page explains.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q, Subquery
from django.utils import timezone

from review.enums import AssignmentStatus
from review.models import CandidateScore, Review, ReviewPlan
from review.services.aggregation import figures, score_map
from surveys.models import Candidate, Survey

BATCH = 2000
COPIED = ["survey", "field_code", "number", "active"]
FIGURES = ["value", "reviews", "spread", "flagged", "per_criterion", "basis", "computed_at"]


def basis(plan, criteria) -> str:
    """What a score depends on besides the reviews: the rule, its parameters and the weights."""
    weights = ",".join(f"{c.number}={c.weight.normalize()}" for c in sorted(criteria, key=lambda c: c.number))
    raw = f"{plan.aggregation}|{plan.trim_min_reviews}|{plan.disagreement_spread.normalize()}|{weights}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def _plan(survey: Survey) -> ReviewPlan:
    """The call's review plan, or the default one it will get (reading a score creates nothing)."""
    return ReviewPlan.objects.filter(survey=survey).first() or ReviewPlan(survey=survey)


def current_basis(survey: Survey) -> str:
    return basis(_plan(survey), list(survey.criteria.all()))


@transaction.atomic
def refresh(survey: Survey, candidate_ids=None) -> int:
    """Recompute and store the rows of ``candidate_ids`` (all the call's candidates when None).

    The candidates are locked first, so of two reviews submitted at once for one candidate, the
    transaction that stores last has seen both.
    """
    plan = _plan(survey)
    criteria = list(survey.criteria.all())
    weights = {c.number: c.weight for c in criteria}
    stamp = basis(plan, criteria)
    candidates = (
        Candidate.objects.filter(survey=survey)
        .select_for_update()
        .order_by("pk")
        .values_list("pk", "field_code", "number", "merged_into_id")
    )
    if candidate_ids is None:
        found = list(candidates)
    else:
        wanted, found = sorted(set(candidate_ids)), []
        for start in range(0, len(wanted), BATCH):
            found += candidates.filter(pk__in=wanted[start : start + BATCH])
    now = timezone.now()
    for start in range(0, len(found), BATCH):
        chunk = found[start : start + BATCH]
        maps = defaultdict(list)
        reviews = Review.objects.filter(
            assignment__candidate__in=[row[0] for row in chunk],
            assignment__status=AssignmentStatus.SUBMITTED,
            assignment__layer=1,
        )
        for candidate_id, raw in reviews.values_list("assignment__candidate_id", "scores"):
            maps[candidate_id].append(score_map(raw))
        rows = []
        for candidate_id, field_code, number, merged_into in chunk:
            numbers = figures(maps[candidate_id], plan=plan, weights=weights)
            rows.append(
                CandidateScore(
                    candidate_id=candidate_id,
                    survey=survey,
                    field_code=field_code,
                    number=number,
                    active=merged_into is None,
                    value=numbers.value,
                    reviews=len(numbers.totals),
                    spread=numbers.spread,
                    flagged=numbers.flagged,
                    basis=stamp,
                    computed_at=now,
                    per_criterion={str(n): str(v) for n, v in numbers.per_criterion.items()},
                )
            )
        CandidateScore.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["candidate"], update_fields=[*COPIED, *FIGURES]
        )
    return len(found)


def _in_order(rows: int, candidates: int, stale: int) -> bool:
    """Stored rows need no recomputation: one per candidate, none under an old basis."""
    return rows == candidates and stale == 0


def ensure(survey: Survey, field_code: str | None = None) -> int:
    """Recompute the call's (or one field's) rows when some are missing or out of date; returns how many.

    Two counts on indexes when everything is in order, whatever the number of candidates.
    """
    candidates = Candidate.objects.filter(survey=survey)
    rows = CandidateScore.objects.filter(survey=survey)
    if field_code is not None:
        candidates, rows = candidates.filter(field_code=field_code), rows.filter(field_code=field_code)
    counts = rows.aggregate(n=Count("pk"), stale=Count("pk", filter=~Q(basis=current_basis(survey))))
    if _in_order(counts["n"], candidates.count(), counts["stale"]):
        return 0
    return refresh(survey, candidates.values_list("pk", flat=True))


def field_values(survey: Survey, field_code: str) -> list:
    """The stored values of a field's standing candidates (None for the unreviewed), recomputed first if
    some are missing or out of date: one query when the rows are in order."""
    stamp = current_basis(survey)
    candidates = Candidate.objects.filter(survey=survey, field_code=field_code)
    how_many = candidates.order_by().values("survey").annotate(n=Count("pk")).values("n")

    def read():  # the count is an uncorrelated subquery: computed once, sent with every row
        return list(
            CandidateScore.objects.filter(survey=survey, field_code=field_code)
            .annotate(candidates=Subquery(how_many))
            .values_list("value", "basis", "active", "candidates")
        )

    stored = read()
    expected = stored[0][3] if stored else candidates.count()
    if not _in_order(len(stored), expected, sum(row[1] != stamp for row in stored)):
        refresh(survey, candidates.values_list("pk", flat=True))
        stored = read()
    return [row[0] for row in stored if row[2]]


@dataclass
class FieldCounts:
    candidates: int
    decided: int
    flagged: int


def field_counts(survey: Survey) -> dict[str, FieldCounts]:
    """Per field of the call: candidates, those with a subcommittee recommendation, those flagged."""
    ensure(survey)
    rows = (
        CandidateScore.objects.filter(survey=survey, active=True)
        .order_by()
        .values("field_code")
        .annotate(
            n=Count("pk"),
            decided=Count("candidate__subcommittee_decision"),
            flagged=Count("pk", filter=Q(flagged=True)),
        )
    )
    return {row["field_code"]: FieldCounts(row["n"], row["decided"], row["flagged"]) for row in rows}
