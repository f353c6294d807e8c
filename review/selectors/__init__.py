"""Reads that span models; reads of one workflow's pages live in a submodule (hearing, committee)."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Exists, Max, OuterRef

from review.models import Assignment, Pledge


def reviewer_assignments(user):
    """A reviewer's assignments with whether the call's pledge is signed — one query."""
    pledged = Pledge.objects.filter(survey=OuterRef("candidate__survey"), reviewer=user)
    return (
        Assignment.objects.filter(reviewer=user)
        .select_related("candidate__survey")
        .annotate(pledged=Exists(pledged))
        .order_by("status", "due_on", "candidate__number")
    )


def committee_surveys():
    """Calls the committee secretary works on now: in technical review or in the hearing."""
    from surveys.models import Survey

    return Survey.objects.in_gate("review_lists").order_by("-deadline", "-pk")


def confirmed_candidates(survey):
    """The technical coordination committee's confirmed list, without candidates the hearing took off."""
    from review.models import ConfirmedCandidate

    return (
        ConfirmedCandidate.objects.filter(confirmation__survey=survey, removed_at__isnull=True)
        .select_related("candidate")
        .order_by("candidate__field_code", "candidate__number")
    )


def effective_resolutions(survey) -> dict:
    """candidate id → the resolution in force: the latest one of the call's national committee meetings that no
    later resolution corrects."""
    from review.models import Resolution

    in_force = (
        Resolution.objects.filter(meeting__survey=survey, correction__isnull=True)
        .select_related("meeting")
        .order_by("candidate_id", "recorded_at", "pk")
    )
    result = {}
    for resolution in in_force:
        result[resolution.candidate_id] = resolution  # a later meeting's resolution replaces an earlier one
    return result


def survey_objections(survey):
    """A call's objections with their result, applicant and how many opinions are in — one query."""
    from django.db.models import Count, Q

    from review.models import Objection

    return (
        Objection.objects.filter(result__application__survey=survey)
        .select_related("result__application__organization", "result__notice", "submitted_by")
        .annotate(routed=Count("opinions"), written=Count("opinions", filter=Q(opinions__submitted_at__isnull=False)))
        .order_by("-submitted_at", "-pk")
    )


def reviewer_objection_opinions(user):
    """The opinions a reviewer was asked for on objections still open — one query."""
    from django.db.models import F

    from review.enums import ObjectionStatus
    from review.models import ObjectionOpinion

    return (
        ObjectionOpinion.objects.filter(reviewer=user, objection__status=ObjectionStatus.ROUTED)
        .select_related("objection__result__notice", "objection__result__application__survey")
        .order_by(F("submitted_at").asc(nulls_first=True), "routed_at", "pk")
    )


def reviewer_re_reviews(user):
    """The re-reviews asked of an expert for objections still in their re-review, open ones first — one query."""
    from django.db.models import F

    from review.enums import ObjectionFollowUp
    from review.models import ReReview

    return (
        ReReview.objects.filter(reviewer=user, objection__follow_up=ObjectionFollowUp.RE_REVIEW)
        .select_related("objection__result__notice", "objection__result__application__survey")
        .order_by(F("submitted_at").asc(nulls_first=True), "due_on", "pk")
    )


def public_register_entries(filters: dict):
    """The public register's entries for ``filters`` (q, field, status), in register order.

    The register page and the open-data API read the same list; searching never looks into a withheld part."""
    from review.enums import EntryStatus
    from review.models import RegisterEntry
    from review.services.notices import public_search

    entries = public_search(RegisterEntry.objects.select_related("notice"), filters.get("q", ""))
    if filters.get("field"):
        entries = entries.filter(field_code=filters["field"])
    if filters.get("status") in EntryStatus.values:
        entries = entries.filter(status=filters["status"])
    return entries.order_by("field_code", "number")


def _register_state(model) -> tuple[int, datetime | None]:
    state = model.objects.aggregate(n=Count("pk"), changed=Max("updated_at"))
    return state["n"], state["changed"]


def public_register_state() -> tuple[int, datetime | None]:
    """How many entries the register holds and when any last changed: the key of every cached copy."""
    from review.models import RegisterEntry

    return _register_state(RegisterEntry)


def designated_complexes_state() -> tuple[int, datetime | None]:
    """How many complexes the register of designated complexes holds and when any last changed."""
    from review.models import DesignatedComplex

    return _register_state(DesignatedComplex)


def designated_complexes(*, q: str = "", field: str = "", province: str = "", status: str = ""):
    """The register of designated complexes, searched by number, name or location and filtered — one query."""
    from django.db.models import Q

    from review.enums import EntryStatus
    from review.models import DesignatedComplex

    entries = DesignatedComplex.objects.select_related("notice")
    if q:
        entries = entries.filter(
            Q(number__icontains=q) | Q(name__icontains=q) | Q(city__icontains=q) | Q(location__icontains=q)
        )
    if field:
        entries = entries.filter(field_code=field)
    if province:
        entries = entries.filter(province=province)
    if status in EntryStatus.values:
        entries = entries.filter(status=status)
    return entries.order_by("number")


def reviewer_blind_set_calls(reviewer):
    """The calls in which the reviewer has applications to read (pledge signed, no conflict): each offers the
    blind set as one ZIP."""
    from review.enums import AssignmentStatus
    from surveys.models import Survey

    return list(
        Survey.objects.filter(
            candidates__assignments__reviewer=reviewer,
            candidates__assignments__status__in=[AssignmentStatus.ACCEPTED, AssignmentStatus.SUBMITTED],
        )
        .distinct()
        .only("pk", "title", "title_en")
        .order_by("-pk")
    )


# -- what an applicant reads after the results -------------------------------------------------------------------


@dataclass
class CriterionSummary:
    number: int
    title: str
    mean: "Decimal | None"
    scored: int
    comments: list[str]


@dataclass
class EvaluationSummary:
    reviews: int
    criteria: list[CriterionSummary]
    comments: list[str]  # the overall comments


def evaluation_summary(application) -> EvaluationSummary | None:
    """The experts' evaluation of an application's candidate (and of candidates merged into the same one), as its
    applicant may read it once the results are published: per criterion the mean score and the justifications,
    the overall comments; never who wrote them, nor in an order that would tell one reviewer's comments across
    criteria (each list is sorted by its text). None when nothing was reviewed."""
    from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

    from review.enums import AssignmentStatus
    from review.models import Review
    from surveys.models import Candidate

    if application.candidate_id is None:
        return None
    parents = dict(Candidate.objects.filter(survey_id=application.survey_id).values_list("pk", "merged_into_id"))

    def root(pk):
        seen = set()
        while parents.get(pk) and pk not in seen:
            seen.add(pk)
            pk = parents[pk]
        return pk

    top = root(application.candidate_id)
    candidate_ids = [pk for pk in parents if root(pk) == top]
    reviews = list(
        Review.objects.filter(
            assignment__candidate_id__in=candidate_ids,
            submitted_at__isnull=False,
            assignment__status=AssignmentStatus.SUBMITTED,
            assignment__layer=1,
        ).only("scores", "justifications", "comment")
    )
    if not reviews:
        return None
    criteria = []
    for criterion in application.survey.criteria.order_by("number"):
        key = str(criterion.number)
        values = []
        for review in reviews:
            try:
                value = review.scores.get(key)
                if value not in (None, ""):
                    values.append(Decimal(str(value)))
            except (InvalidOperation, AttributeError):
                continue
        mean = (sum(values) / len(values)).quantize(Decimal("0.01"), ROUND_HALF_UP) if values else None
        comments = sorted(
            text.strip()
            for review in reviews
            if isinstance(text := (review.justifications or {}).get(key), str) and text.strip()
        )
        criteria.append(
            CriterionSummary(
                number=criterion.number, title=criterion.display_title, mean=mean, scored=len(values), comments=comments
            )
        )
    overall = sorted(review.comment.strip() for review in reviews if review.comment.strip())
    return EvaluationSummary(reviews=len(reviews), criteria=criteria, comments=overall)


def result_redeliberation(result):
    """The national committee's re-deliberation that concluded an upheld objection to the result, if any."""
    from review.enums import ObjectionFollowUp
    from review.models import ObjectionStep

    return (
        ObjectionStep.objects.filter(objection__result=result, state=ObjectionFollowUp.CONCLUDED)
        .select_related("resolution__meeting")
        .order_by("-at", "-pk")
        .first()
    )
