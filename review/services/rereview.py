"""Where an upheld objection leads: a re-review (재검토) of the candidate by experts independent of it, then the
national committee's re-deliberation (재심의), recorded as a resolution of one of its meetings.

The original reviews and resolutions never change: the re-review's scores are kept beside them, and the
re-deliberation is a new resolution, which is in force from then on as a later meeting's resolution is."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.exceptions import DomainError
from portal.models import User
from portal.services.audit import audit_log, snapshot
from portal.services.mail import mail_queue
from review.enums import AuditAction, ObjectionFollowUp
from review.models import CandidateScore, NationalMeeting, Objection, ReReview, Resolution
from review.services import national
from review.services.aggregation import figures, score_map
from review.services.assignment import review_plan
from review.services.results import application_group, follow_up_move, independent_experts, notify_applicant
from review.services.reviewing import clean_scores
from surveys.models import Candidate


def _lock(objection: Objection) -> Objection:
    return (
        Objection.objects.select_for_update()
        .select_related("result__application__survey", "result__application__created_by")
        .get(pk=objection.pk)
    )


def _refuse_unless(objection: Objection, state: str, message: str) -> None:
    if objection.follow_up != state:
        raise DomainError(message, code="follow_up")


def objection_candidate(objection: Objection) -> Candidate | None:
    """The candidate the objection is about: the one its application's candidate was merged into, if it was."""
    root = application_group(objection.result.application).root
    return Candidate.objects.filter(pk=root).first() if root else None


# -- the re-review --------------------------------------------------------------------------------------------


def re_reviewers(objection: Objection) -> list[User]:
    """Experts who may re-review: independent of the candidate (see ``independent_experts``), not already asked."""
    return independent_experts(objection, already=objection.re_reviews.values("reviewer_id"))


@transaction.atomic
def re_review_assign(objection: Objection, *, reviewers: list[User], due_on=None, actor) -> list[ReReview]:
    """Ask independent experts to re-review the candidate of an upheld objection; each is mailed."""
    objection = _lock(objection)
    _refuse_unless(
        objection, ObjectionFollowUp.RE_REVIEW, _("Experts are asked to re-review only during the re-review.")
    )
    if not reviewers:
        raise DomainError(_("Choose at least one expert."), code="empty")
    allowed = {reviewer.pk for reviewer in re_reviewers(objection)}
    if any(reviewer.pk not in allowed for reviewer in reviewers):
        raise DomainError(
            _("A chosen expert reviewed this candidate, has a conflict of interest or was already asked."),
            code="conflict",
        )
    if due_on is not None and due_on < timezone.localdate():
        raise DomainError(_("The due date cannot be in the past."), code="due_on")
    created = [
        ReReview.objects.create(objection=objection, reviewer=reviewer, due_on=due_on, assigned_by=actor)
        for reviewer in reviewers
    ]
    audit_log(
        AuditAction.RE_REVIEW_ASSIGNED,
        actor=actor,
        obj=objection,
        after={"reviewers": [reviewer.pk for reviewer in reviewers], "due_on": due_on},
    )
    survey = objection.result.application.survey
    for re_review in created:
        mail_queue(
            "re_review_assigned",
            to=re_review.reviewer.email,
            recipient_user=re_review.reviewer,
            context={"re_review": re_review, "survey": survey},
            topic=f"review.objection:{objection.pk}",
            dedupe_key=f"re_review:{re_review.pk}:assigned",
        )
    return created


def _lock_own(re_review: ReReview, reviewer) -> ReReview:
    re_review = (
        ReReview.objects.select_for_update()
        .select_related("objection__result__application__survey")
        .get(pk=re_review.pk)
    )
    if re_review.reviewer_id != reviewer.pk:
        raise DomainError(_("This re-review was asked of another expert."), code="forbidden")
    if re_review.submitted_at:
        raise DomainError(_("This re-review was submitted and can no longer change."), code="submitted")
    if re_review.declined_at:
        raise DomainError(_("You declined this re-review."), code="declined")
    if re_review.objection.follow_up != ObjectionFollowUp.RE_REVIEW:
        raise DomainError(_("The re-review has ended; the objection has moved on."), code="follow_up")
    return re_review


@transaction.atomic
def re_review_save(
    re_review: ReReview, *, reviewer, scores: dict, justifications: dict, comment: str = "", submit: bool = False
) -> ReReview:
    """Save the expert's draft, or submit it: a submitted re-review never changes."""
    re_review = _lock_own(re_review, reviewer)
    survey = re_review.objection.result.application.survey
    scores_clean, clean_texts, missing = clean_scores(survey, scores, justifications)
    if submit and missing:
        raise DomainError(
            _("Give a score and a justification for every criterion (missing: %(list)s).")
            % {"list": ", ".join(str(n) for n in missing)},
            code="incomplete",
        )
    re_review.scores, re_review.justifications, re_review.comment = scores_clean, clean_texts, comment.strip()
    if submit:
        re_review.submitted_at = timezone.now()
    re_review.save()
    audit_log(
        AuditAction.RE_REVIEW_SUBMITTED if submit else AuditAction.RE_REVIEW_SAVED,
        actor=reviewer,
        obj=re_review.objection,
        after={"re_review": re_review.pk, "scores": scores_clean},
    )
    return re_review


@transaction.atomic
def re_review_decline(re_review: ReReview, *, reviewer, reason: str) -> ReReview:
    """The expert cannot re-review (a conflict of interest, or no time): the ministry asks another."""
    re_review = _lock_own(re_review, reviewer)
    if not reason.strip():
        raise DomainError(_("Write why you decline."), code="reason")
    re_review.declined_at = timezone.now()
    re_review.decline_reason = reason.strip()
    re_review.save(update_fields=["declined_at", "decline_reason"])
    audit_log(
        AuditAction.RE_REVIEW_DECLINED,
        actor=reviewer,
        obj=re_review.objection,
        after={"re_review": re_review.pk, "reason": re_review.decline_reason},
    )
    return re_review


@dataclass
class ReReviewSummary:
    """The submitted re-reviews under the call's aggregation rule, beside the candidate's original aggregate."""

    count: int
    per_criterion: list[tuple[int, str, Decimal | None, Decimal | None]]  # number, title, re-review, original
    value: Decimal | None
    original_value: Decimal | None


def re_review_summary(objection: Objection) -> ReReviewSummary:
    """The re-reviews aggregated as the first review was (the call's review plan and criterion weights), beside
    the candidate's stored aggregate from the first review."""
    survey = objection.result.application.survey
    criteria = list(survey.criteria.order_by("number"))
    submitted = [score_map(r.scores) for r in objection.re_reviews.all() if r.submitted_at]
    numbers = figures(submitted, plan=review_plan(survey), weights={c.number: c.weight for c in criteria})
    candidate = objection_candidate(objection)
    stored = CandidateScore.objects.filter(candidate=candidate).first() if candidate else None
    original = (stored.per_criterion or {}) if stored else {}
    rows = [
        (
            c.number,
            c.display_title,
            numbers.per_criterion.get(c.number),
            Decimal(original[str(c.number)]) if original.get(str(c.number)) else None,
        )
        for c in criteria
    ]
    return ReReviewSummary(
        count=len(submitted), per_criterion=rows, value=numbers.value, original_value=stored.value if stored else None
    )


# -- the national committee's re-deliberation ----------------------------------------------------------------


def redeliberation_meetings(objection: Objection):
    """The call's open national committee meetings, where the re-deliberation can be put on the agenda."""
    return NationalMeeting.objects.filter(
        survey_id=objection.result.application.survey_id, closed_at__isnull=True
    ).order_by("-held_on", "-pk")


def _meeting_for(objection: Objection, *, meeting: NationalMeeting | None, new_meeting: dict | None, actor):
    survey = objection.result.application.survey
    if meeting is not None:
        meeting = NationalMeeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.survey_id != survey.pk:
            raise DomainError(_("Choose a meeting of this call."), code="meeting")
        national._refuse_closed(meeting)
        return meeting
    if not new_meeting or not (new_meeting.get("title") or "").strip() or not new_meeting.get("held_on"):
        raise DomainError(_("Choose an open meeting, or give the new meeting's title and date."), code="meeting")
    meeting = NationalMeeting.objects.create(
        survey=survey, title=new_meeting["title"].strip(), held_on=new_meeting["held_on"], created_by=actor
    )
    audit_log(
        AuditAction.NATIONAL_MEETING_CREATED,
        actor=actor,
        obj=meeting,
        after={**snapshot(meeting, national.MEETING_FIELDS), "objection": objection.pk},
    )
    return meeting


@transaction.atomic
def objection_redeliberate(
    objection: Objection,
    *,
    decision: str,
    reason: str,
    actor,
    meeting: NationalMeeting | None = None,
    new_meeting: dict | None = None,
    votes_for=None,
    votes_against=None,
    votes_abstain=None,
    conditions: str = "",
) -> Resolution:
    """Record the national committee's re-deliberation as a resolution of one of its meetings (an open one, or a
    new one), and conclude the objection's follow-up with it. The applicant is told."""
    objection = _lock(objection)
    _refuse_unless(
        objection,
        ObjectionFollowUp.RE_DELIBERATION,
        _("Only an objection referred to the national committee can be re-deliberated."),
    )
    candidate = objection_candidate(objection)
    if candidate is None:
        raise DomainError(_("The objection's application has no candidate to re-deliberate."), code="candidate")
    survey = objection.result.application.survey
    votes = {"votes_for": votes_for, "votes_against": votes_against, "votes_abstain": votes_abstain}
    reason, conditions = national._clean_resolution(
        survey, decision=decision, reason=reason, votes=votes, conditions=conditions
    )
    meeting = _meeting_for(objection, meeting=meeting, new_meeting=new_meeting, actor=actor)
    if Resolution.objects.filter(meeting=meeting, candidate=candidate, corrects__isnull=True).exists():
        raise DomainError(
            _("This meeting already has a resolution on the candidate; choose another meeting."), code="agenda"
        )
    resolution = Resolution.objects.create(
        meeting=meeting,
        candidate=candidate,
        decision=decision,
        reason=reason,
        conditions=conditions,
        recorded_by=actor,
        **votes,
    )
    audit_log(
        AuditAction.REDELIBERATION_RECORDED,
        actor=actor,
        obj=resolution,
        after={**snapshot(resolution, national.RESOLUTION_FIELDS), "objection": objection.pk},
    )
    step = follow_up_move(
        objection, to=ObjectionFollowUp.CONCLUDED, note=reason, decision=decision, actor=actor, resolution=resolution
    )
    notify_applicant(
        objection.result.application,
        "objection_follow_up",
        context={"objection": objection, "result": objection.result, "step": step},
        key=f"objection:{objection.pk}:follow_up:{ObjectionFollowUp.CONCLUDED}",
    )
    return resolution
