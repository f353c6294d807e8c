"""The hearing's page reads: the list with its comment counts, a candidate's public summary, the ministry's queue."""

from django.db.models import Case, Count, IntegerField, Q, Value, When

from review.enums import Stance
from review.models import ConfirmedCandidate, HearingComment
from review.services.blind import applicant_names, redact
from surveys.application_schema import answer_of
from surveys.enums import ApplicationStatus
from surveys.models import Application, Candidate, Survey

SUMMARY_LENGTH = 600


def hearing_entries(survey: Survey):
    """Every confirmed entry of the call (removed ones too) with its comment counts by stance, in one query."""
    comments = "candidate__hearing_comments"
    return (
        ConfirmedCandidate.objects.filter(confirmation__survey=survey)
        .select_related("candidate")
        .annotate(
            n_for=Count(comments, filter=Q(**{f"{comments}__stance": Stance.FOR})),
            n_against=Count(comments, filter=Q(**{f"{comments}__stance": Stance.AGAINST})),
            n_neutral=Count(comments, filter=Q(**{f"{comments}__stance": Stance.NEUTRAL})),
        )
        .order_by("candidate__field_code", "candidate__number")
    )


def accepted_applications(candidate_ids):
    """The accepted applications behind these candidates, with what masking their applicants' names needs."""
    return (
        Application.objects.filter(candidate_id__in=candidate_ids, status=ApplicationStatus.ACCEPTED)
        .select_related("organization", "association", "created_by", "updated_by")
        .prefetch_related("organization__associations")
        .order_by("pk")
    )


def public_summary(candidate: Candidate) -> dict:
    """The technology name and a short summary for the public, drawn from the accepted applications' answers."""
    applications = list(accepted_applications([candidate.pk]))
    names = applicant_names(applications)
    summary, products = "", ""
    for application in applications:
        latest = application.versions.order_by("-number").first()
        answers = latest.answers if latest else application.answers
        summary = summary or str(answer_of(answers, "summary", kind=candidate.survey.kind))
        products = products or str(answer_of(answers, "products", kind=candidate.survey.kind))
    return {
        "title": redact(candidate.title, names),
        "summary": _shorten(redact(summary, names)),
        "products": _shorten(redact(products, names)),
    }


def _shorten(text: str) -> str:
    text = text.strip()
    return text if len(text) <= SUMMARY_LENGTH else text[:SUMMARY_LENGTH].rstrip() + "…"


def comments_for_manage(survey: Survey, *, candidate_id: int | None = None, answered: bool | None = None):
    """The call's comments for the ministry, unanswered first, then the oldest first."""
    unanswered_first = Case(When(answer="", then=Value(0)), default=Value(1), output_field=IntegerField())
    comments = (
        HearingComment.objects.filter(candidate__survey=survey)
        .select_related("candidate", "author")
        .order_by(unanswered_first, "created_at", "pk")
    )
    if candidate_id is not None:
        comments = comments.filter(candidate_id=candidate_id)
    if answered is True:
        comments = comments.exclude(answer="")
    elif answered is False:
        comments = comments.filter(answer="")
    return comments
