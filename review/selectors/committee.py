"""The committee secretary's page reads: rankings by aggregate, stored standings, the lists to confirm."""

from dataclasses import dataclass

from django.db.models import F, Q

from review.enums import FORWARD_RECOMMENDATIONS, AssignmentStatus, RankingShow
from review.models import CandidateScore, Review, SubcommitteeDecision
from review.services import scores as stored_scores
from review.services.aggregation import Aggregate, aggregate
from review.services.assignment import review_plan
from surveys.models import Candidate, Field, Survey


@dataclass
class Ranked:
    """A candidate in its field's ranking; ``rank`` is None for a candidate without submitted reviews."""

    rank: int | None
    candidate: Candidate
    result: Aggregate

    @property
    def decision(self) -> SubcommitteeDecision | None:
        return getattr(self.candidate, "subcommittee_decision", None)


@dataclass
class FieldSummary:
    field: Field
    candidates: int
    decided: int
    flagged: int


def ranking(survey: Survey, *, field_code: str | None = None) -> list[Ranked]:
    """The call's candidates (of one field) by aggregate, highest first, those without reviews last.

    Four queries whatever the number of candidates: the plan, the criteria, the candidates with their
    recommendations, and every submitted review.
    """
    plan = review_plan(survey)
    criteria = list(survey.criteria.all())
    candidates = Candidate.objects.filter(survey=survey, merged_into__isnull=True).select_related(
        "subcommittee_decision"
    )
    if field_code is not None:
        candidates = candidates.filter(field_code=field_code)
    candidates = list(candidates.order_by("number"))
    submitted = {candidate.pk: [] for candidate in candidates}
    reviews = (
        Review.objects.filter(assignment__candidate__in=list(submitted), assignment__status=AssignmentStatus.SUBMITTED)
        .select_related("assignment")
        .order_by("assignment__pseudonym")
    )
    for review in reviews:
        submitted[review.assignment.candidate_id].append(review)
    results = [(c, aggregate(c, plan=plan, criteria=criteria, reviews=submitted[c.pk])) for c in candidates]
    results.sort(key=lambda pair: (pair[1].value is None, -(pair[1].value or 0), pair[0].number))
    rows, previous = [], None
    for position, (candidate, result) in enumerate(results, start=1):
        rank = None
        if result.value is not None:
            rank = previous.rank if previous and previous.result.value == result.value else position
        row = Ranked(rank=rank, candidate=candidate, result=result)
        rows.append(row)
        previous = row
    return rows


def field_summaries(survey: Survey) -> list[FieldSummary]:
    """One line per field of the call: candidates, those with a recommendation, those flagged."""
    counts = stored_scores.field_counts(survey)
    empty = stored_scores.FieldCounts(0, 0, 0)
    return [
        FieldSummary(
            field=f,
            candidates=counts.get(f.code, empty).candidates,
            decided=counts.get(f.code, empty).decided,
            flagged=counts.get(f.code, empty).flagged,
        )
        for f in survey.fields.order_by("order", "code")
    ]


@dataclass
class Standing:
    """A candidate's place in its field, from its stored score; ``rank`` is None without submitted reviews."""

    rank: int | None
    score: CandidateScore

    @property
    def candidate(self) -> Candidate:
        return self.score.candidate

    @property
    def decision(self) -> SubcommitteeDecision | None:
        return getattr(self.candidate, "subcommittee_decision", None)


def standings(survey: Survey, field_code: str, *, show: str = RankingShow.ALL, query: str = ""):
    """The field's stored scores in ranking order (a queryset, to be paged); ``rank_of``, the rank of a value
    among all the field's candidates whatever the filter (equal values share a rank); and the number of rows
    when it is already known (no filter)."""
    values = stored_scores.field_values(survey, field_code)
    first = {}
    for position, value in enumerate(sorted((v for v in values if v is not None), reverse=True), start=1):
        first.setdefault(value, position)
    rows = CandidateScore.objects.filter(survey=survey, field_code=field_code, active=True)
    if show == RankingShow.UNDECIDED:
        rows = rows.filter(candidate__subcommittee_decision__isnull=True)
    elif show == RankingShow.FLAGGED:
        rows = rows.filter(flagged=True)
    if query:
        rows = rows.filter(Q(number__icontains=query) | Q(candidate__title__icontains=query))
    ordered = rows.select_related("candidate__subcommittee_decision").order_by(
        F("value").desc(nulls_last=True), "number"
    )
    return ordered, first.get, len(values) if show == RankingShow.ALL and not query else None


def standing_rows(scores, rank_of) -> list[Standing]:
    return [Standing(rank=rank_of(s.value) if s.value is not None else None, score=s) for s in scores]


@dataclass
class ConfirmationLists:
    recommended: list[Candidate]
    undecided: list[Candidate]


def confirmation_lists(survey: Survey) -> ConfirmationLists:
    """The subcommittees' recommended candidates of a call, and those still without a recommendation."""
    candidates = (
        Candidate.objects.filter(survey=survey, merged_into__isnull=True)
        .select_related("subcommittee_decision")
        .order_by("field_code", "number")
    )
    recommended, undecided = [], []
    for candidate in candidates:
        decision = getattr(candidate, "subcommittee_decision", None)
        if decision is None:
            undecided.append(candidate)
        elif decision.recommendation in FORWARD_RECOMMENDATIONS:
            recommended.append(candidate)
    return ConfirmationLists(recommended=recommended, undecided=undecided)
