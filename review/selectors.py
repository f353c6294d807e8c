"""Reads that span models."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef

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
    from surveys.enums import SurveyStage
    from surveys.models import Survey

    return Survey.objects.filter(stage__in=[SurveyStage.TECHNICAL_REVIEW, SurveyStage.HEARING]).order_by("-deadline", "-pk")


def confirmed_candidates(survey):
    """The technical coordination committee's confirmed list, without candidates the hearing took off."""
    from review.models import ConfirmedCandidate

    return (
        ConfirmedCandidate.objects.filter(confirmation__survey=survey, removed_at__isnull=True)
        .select_related("candidate").order_by("candidate__field_code", "candidate__number")
    )


def effective_resolutions(survey) -> dict:
    """candidate id → the resolution in force: the latest one of the call's national committee meetings that no
    later resolution corrects."""
    from review.models import Resolution

    in_force = (
        Resolution.objects.filter(meeting__survey=survey, correction__isnull=True)
        .select_related("meeting").order_by("candidate_id", "recorded_at", "pk")
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
        Review.objects.filter(assignment__candidate_id__in=candidate_ids, submitted_at__isnull=False,
                              assignment__status=AssignmentStatus.SUBMITTED)
        .only("scores", "justifications", "comment")
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
        comments = sorted(text.strip() for review in reviews
                          if isinstance(text := (review.justifications or {}).get(key), str) and text.strip())
        criteria.append(CriterionSummary(number=criterion.number, title=criterion.display_title, mean=mean,
                                         scored=len(values), comments=comments))
    overall = sorted(review.comment.strip() for review in reviews if review.comment.strip())
    return EvaluationSummary(reviews=len(reviews), criteria=criteria, comments=overall)
