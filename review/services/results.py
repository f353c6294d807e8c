"""Results after the ministerial notice, and the objections (이의신청) applicants lodge against them."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.dates import kst
from portal.enums import Role
from portal.exceptions import DomainError
from portal.models import Membership, User
from portal.selectors import people_with_role
from portal.services.audit import audit_log
from portal.services.mail import mail_queue
from review.enums import (
    FOLLOW_UP_TRANSITIONS,
    AuditAction,
    Decision,
    ObjectionFollowUp,
    ObjectionGround,
    ObjectionOutcome,
    ObjectionStatus,
    Outcome,
    SelectionDecision,
)
from review.models import (
    Assignment,
    ConfirmedCandidate,
    Notice,
    Objection,
    ObjectionOpinion,
    ObjectionStep,
    Result,
    ReviewerConflict,
    SelectionProposal,
    SubcommitteeDecision,
)
from review.selectors import effective_resolutions
from review.services.assignment import applications_conflict_facts, profile_conflict
from review.services.blind import applicant_names, blind_title, redact
from surveys.enums import RECEIVED_STATUSES, ApplicationStatus
from surveys.models import Application, Candidate
from surveys.selectors import applicant_people

OUTCOME_OF_DECISION = {
    Decision.DESIGNATE: Outcome.DESIGNATED,
    Decision.DESIGNATE_WITH_CONDITIONS: Outcome.DESIGNATED,
    Decision.REJECT: Outcome.REJECTED,
    Decision.DEFER: Outcome.DEFERRED,
}


def objection_deadline(published_at: datetime, days: int) -> datetime:
    """The end of the day (Korea time) ``days`` after the publication date."""
    day = timezone.localdate(published_at) + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time.max))


def objection_window_open(result: Result, now: datetime | None = None) -> bool:
    return (now or timezone.now()) <= result.objection_until


def _applicant_people(application: Application) -> list[User]:
    """The application's creator and the active filing members of its organisation, those with an address."""
    return [person for person in applicant_people(application, submitter=False, members=True) if person.email]


def notify_applicant(application: Application, template: str, *, context: dict, key: str) -> int:
    sent = 0
    for person in _applicant_people(application):
        mail = mail_queue(
            template,
            to=person.email,
            recipient_user=person,
            context={"application": application, **context},
            topic=f"surveys.application:{application.pk}",
            dedupe_key=f"{key}:{person.pk}",
        )
        sent += mail is not None
    return sent


# -- results ------------------------------------------------------------------------------------------------------


def _root(candidate_id: int | None, parents: dict[int, int | None]) -> int | None:
    """Follow merges to the candidate that carried on."""
    seen = set()
    while candidate_id is not None and parents.get(candidate_id) and candidate_id not in seen:
        seen.add(candidate_id)
        candidate_id = parents[candidate_id]
    return candidate_id


@dataclass
class _Facts:
    parents: dict
    resolutions: dict
    decisions: dict
    removed: set
    #: An international R&D call: candidate id → the selection committee's decision (a ``SelectionProposal``).
    selection: dict | None = None


def _facts(survey) -> _Facts:
    selects = survey.pipeline.outcome.key == "rnd"
    return _Facts(
        parents=dict(Candidate.objects.filter(survey=survey).values_list("pk", "merged_into_id")),
        resolutions=effective_resolutions(survey),
        decisions={d.candidate_id: d for d in SubcommitteeDecision.objects.filter(candidate__survey=survey)},
        removed=set(
            ConfirmedCandidate.objects.filter(confirmation__survey=survey, removed_at__isnull=False).values_list(
                "candidate_id", flat=True
            )
        ),
        selection={p.candidate_id: p for p in SelectionProposal.objects.filter(category__survey=survey)}
        if selects
        else None,
    )


def _selection_outcome(candidate_id: int | None, facts: _Facts) -> tuple[str, str]:
    """An international R&D application: selected when the committee selected its candidate, else not selected."""
    proposal = facts.selection.get(candidate_id) if candidate_id is not None else None
    if proposal is not None and proposal.decision == SelectionDecision.SELECTED:
        return Outcome.SELECTED, proposal.reason
    if proposal is not None and proposal.reason.strip():
        return Outcome.NOT_SELECTED, proposal.reason
    if proposal is not None and proposal.decision == SelectionDecision.RESERVE:
        return Outcome.NOT_SELECTED, _("The selection committee put the candidate on its reserve list.")
    if candidate_id is not None:
        return Outcome.NOT_SELECTED, _("The candidate was not selected within its category's quota.")
    return Outcome.NOT_SELECTED, _("The application was not accepted for evaluation.")


def _outcome(application: Application, facts: _Facts) -> tuple[str, str]:
    """The outcome and its reason, from the resolution in force for the application's (merged-into) candidate."""
    candidate_id = _root(application.candidate_id, facts.parents)
    if facts.selection is not None:
        return _selection_outcome(candidate_id, facts)
    resolution = facts.resolutions.get(candidate_id) or facts.resolutions.get(application.candidate_id)
    if resolution is not None:
        return OUTCOME_OF_DECISION[resolution.decision], resolution.reason
    if candidate_id is not None:
        if candidate_id in facts.removed:
            return Outcome.NOT_SELECTED, _("The candidate was taken off the candidate list after the hearing.")
        decision = facts.decisions.get(candidate_id)
        if decision is not None and decision.rationale.strip():
            return Outcome.NOT_SELECTED, decision.rationale
        return Outcome.NOT_SELECTED, _(
            "The candidate was not put to the National High-Tech Strategic Industry Committee."
        )
    if application.status == ApplicationStatus.DUPLICATE:
        return Outcome.NOT_SELECTED, _("The application was marked as a duplicate of another application.")
    if application.status == ApplicationStatus.RETURNED:
        return Outcome.NOT_SELECTED, _(
            "The application was returned for correction and was not accepted for technical review."
        )
    return Outcome.NOT_SELECTED, _("The application was not accepted for technical review.")


@transaction.atomic
def results_publish(notice: Notice, *, actor) -> list[Result]:
    """Tell every applicant whose application reached the ministry their result. Safe to call twice: only
    applications without a result get one (and its mail); the new results are returned."""
    survey = notice.survey
    applications = list(
        Application.objects.select_for_update(of=("self",))
        .filter(survey=survey, status__in=RECEIVED_STATUSES, result__isnull=True)
        .select_related("created_by", "organization", "survey")
        .order_by("pk")
    )
    if not applications:
        return []
    facts = _facts(survey)
    published_at = notice.published_at or timezone.now()
    until = objection_deadline(published_at, survey.objection_days)
    created = []
    for application in applications:
        with translation.override(settings.LANGUAGE_CODE):
            outcome, reason = _outcome(application, facts)
        result = Result.objects.create(
            application=application,
            notice=notice,
            outcome=outcome,
            reason=reason,
            published_at=published_at,
            objection_until=until,
        )
        audit_log(
            AuditAction.RESULT_PUBLISHED,
            actor=actor,
            obj=application,
            after={"result": result.pk, "outcome": outcome, "notice": notice.number},
        )
        notify_applicant(
            application,
            "result_published",
            context={"result": result, "notice": notice},
            key=f"result:{application.pk}",
        )
        created.append(result)
    return created


# -- objections ---------------------------------------------------------------------------------------------------


@transaction.atomic
def objection_lodge(result: Result, *, ground: str, body: str, actor) -> Objection:
    """An applicant's objection, within the window and with no other objection to the result still open."""
    result = Result.objects.select_for_update().select_related("application__survey").get(pk=result.pk)
    if not objection_window_open(result):
        raise DomainError(
            _("The objection period ended at %(until)s.") % {"until": kst(result.objection_until, "Y-m-d H:i")},
            code="closed",
        )
    if result.objections.exclude(status=ObjectionStatus.DECIDED).exists():
        raise DomainError(
            _("An objection to this result is already being handled. You can object again once it has been decided."),
            code="open",
        )
    if ground not in ObjectionGround.values:
        raise DomainError(_("Choose the ground of the objection."), code="ground")
    if not body.strip():
        raise DomainError(_("Explain the objection."), code="body")
    objection = Objection.objects.create(result=result, ground=ground, body=body.strip(), submitted_by=actor)
    audit_log(
        AuditAction.OBJECTION_LODGED,
        actor=actor,
        obj=objection,
        after={"application": result.application_id, "ground": ground, "status": objection.status},
    )
    _notify_admins(objection)
    return objection


def _notify_admins(objection: Objection) -> None:
    for admin in people_with_role(Role.ADMIN):
        mail_queue(
            "objection_lodged",
            to=admin.email,
            recipient_user=admin,
            context={"objection": objection, "application": objection.result.application},
            topic=f"review.objection:{objection.pk}",
            dedupe_key=f"objection:{objection.pk}:lodged:{admin.pk}",
        )


@dataclass
class ApplicationGroup:
    """An application with the others under the same (merged-into) candidate."""

    applications: list
    candidate_ids: set
    root: int | None


def application_group(application: Application) -> ApplicationGroup:
    parents = dict(Candidate.objects.filter(survey_id=application.survey_id).values_list("pk", "merged_into_id"))
    root = _root(application.candidate_id, parents)
    candidate_ids = {pk for pk in parents if root is not None and _root(pk, parents) == root}
    others = Application.objects.filter(candidate_id__in=candidate_ids).exclude(pk=application.pk)
    return ApplicationGroup(applications=[application, *others], candidate_ids=candidate_ids, root=root)


def objection_reviewers(objection: Objection) -> list[User]:
    """Reviewers who may give an opinion: none who reviewed the candidate (or one merged into it), none with a
    conflict with a submitting organisation or its association, none already asked."""
    return independent_experts(objection, already=objection.opinions.values("reviewer_id"))


def independent_experts(objection: Objection, *, already) -> list[User]:
    """Reviewers independent of the objection's candidate: none who reviewed it (or one merged into it) in any
    layer, none with a conflict with a submitting organisation or its association, none among ``already`` (a
    queryset of user ids)."""
    group = application_group(Application.objects.get(pk=objection.result.application_id))
    facts = applications_conflict_facts(group.applications)
    pool = (
        people_with_role(Role.REVIEWER)
        .exclude(pk__in=Assignment.objects.filter(candidate_id__in=group.candidate_ids).values("reviewer_id"))
        .exclude(
            pk__in=ReviewerConflict.objects.filter(organization_id__in=facts.organization_ids).values("reviewer_id")
        )
        .exclude(
            pk__in=Membership.objects.filter(organization_id__in=facts.organization_ids, is_active=True).values(
                "user_id"
            )
        )
        .exclude(pk__in=already)
        .select_related("reviewer_profile")
        .distinct()
        .order_by("name", "pk")
    )
    return [reviewer for reviewer in pool if profile_conflict(reviewer, facts) is None]


def no_reviewers_message(objection: Objection) -> str:
    return _(
        "Every reviewer in the pool reviewed this candidate, has a conflict of interest with the applicant or "
        "was already asked. Add experts to the panel of the field, then send the objection to them."
    )


def objection_panel(objection: Objection) -> tuple[int, str] | None:
    """The call and field of the panel where experts for the objection are added, when the candidate has a field."""
    application = objection.result.application
    candidate = application.candidate
    field_code = (candidate.field_code if candidate else "") or application.field_code
    if not field_code or not application.survey.fields.filter(code=field_code).exists():
        return None
    return application.survey_id, field_code


@transaction.atomic
def objection_route(objection: Objection, *, reviewers: list[User], actor) -> list[ObjectionOpinion]:
    """Ask reviewers who did not review the candidate for their opinion."""
    objection = Objection.objects.select_for_update().select_related("result__application__survey").get(pk=objection.pk)
    if objection.status == ObjectionStatus.DECIDED:
        raise DomainError(_("This objection has already been decided."), code="decided")
    allowed = {reviewer.pk for reviewer in objection_reviewers(objection)}
    if not allowed:
        raise DomainError(no_reviewers_message(objection), code="no_reviewers")
    if not reviewers:
        raise DomainError(_("Choose at least one reviewer."), code="empty")
    if any(reviewer.pk not in allowed for reviewer in reviewers):
        raise DomainError(
            _("A chosen reviewer reviewed this candidate, has a conflict of interest or was already asked."),
            code="conflict",
        )
    opinions = [
        ObjectionOpinion.objects.create(objection=objection, reviewer=reviewer, routed_by=actor)
        for reviewer in reviewers
    ]
    before = objection.status
    objection.status = ObjectionStatus.ROUTED
    objection.save(update_fields=["status"])
    audit_log(
        AuditAction.OBJECTION_ROUTED,
        actor=actor,
        obj=objection,
        before={"status": before},
        after={"status": objection.status, "reviewers": [reviewer.pk for reviewer in reviewers]},
    )
    for opinion in opinions:
        mail_queue(
            "objection_routed",
            to=opinion.reviewer.email,
            recipient_user=opinion.reviewer,
            context={"objection": objection, "survey": objection.result.application.survey},
            topic=f"review.objection:{objection.pk}",
            dedupe_key=f"objection:{objection.pk}:routed:{opinion.reviewer_id}",
        )
    return opinions


@transaction.atomic
def opinion_submit(opinion: ObjectionOpinion, *, reviewer, text: str) -> ObjectionOpinion:
    """A routed reviewer's opinion; it may be revised until the objection is decided."""
    opinion = ObjectionOpinion.objects.select_for_update().select_related("objection").get(pk=opinion.pk)
    if opinion.reviewer_id != reviewer.pk:
        raise DomainError(_("This opinion was asked of another reviewer."), code="reviewer")
    if opinion.objection.status == ObjectionStatus.DECIDED:
        raise DomainError(_("The objection has been decided; opinions can no longer change."), code="decided")
    if not text.strip():
        raise DomainError(_("Write your opinion."), code="empty")
    before = {"opinion": opinion.opinion, "submitted_at": opinion.submitted_at}
    opinion.opinion = text.strip()
    opinion.submitted_at = timezone.now()
    opinion.save(update_fields=["opinion", "submitted_at"])
    audit_log(
        AuditAction.OPINION_SUBMITTED,
        actor=reviewer,
        obj=opinion.objection,
        before={"submitted": before["submitted_at"] is not None},
        after={"opinion": opinion.pk, "submitted": True},
    )
    return opinion


@transaction.atomic
def objection_decide(objection: Objection, *, outcome: str, reason: str, actor) -> Objection:
    """Record the outcome and tell the applicant, once."""
    objection = (
        Objection.objects.select_for_update()
        .select_related("result__application__created_by", "result__application__survey")
        .get(pk=objection.pk)
    )
    if objection.status == ObjectionStatus.DECIDED:
        raise DomainError(_("This objection has already been decided."), code="decided")
    if outcome not in ObjectionOutcome.values:
        raise DomainError(_("Choose the outcome."), code="outcome")
    if not reason.strip():
        raise DomainError(_("Give the reasons for the outcome."), code="reason")
    before = objection.status
    objection.status = ObjectionStatus.DECIDED
    objection.outcome = outcome
    objection.outcome_reason = reason.strip()
    objection.decided_by = actor
    objection.decided_at = timezone.now()
    objection.save(update_fields=["status", "outcome", "outcome_reason", "decided_by", "decided_at"])
    audit_log(
        AuditAction.OBJECTION_DECIDED,
        actor=actor,
        obj=objection,
        before={"status": before},
        after={"status": objection.status, "outcome": outcome},
    )
    if outcome == ObjectionOutcome.UPHELD:  # an upheld objection is reviewed again: the follow-up starts here
        follow_up_move(objection, to=ObjectionFollowUp.RE_REVIEW, note=objection.outcome_reason, actor=actor)
    application = objection.result.application
    notify_applicant(
        application,
        "objection_decided",
        context={"objection": objection, "result": objection.result},
        key=f"objection:{objection.pk}:decided",
    )
    return objection


def follow_up_move(
    objection: Objection, *, to: str, note: str, actor, decision: str = "", resolution=None
) -> ObjectionStep:
    before = objection.follow_up
    if to not in FOLLOW_UP_TRANSITIONS[before]:
        raise DomainError(
            _("An objection whose follow-up is “%(current)s” cannot move to “%(target)s”.")
            % {"current": ObjectionFollowUp(before).label, "target": ObjectionFollowUp(to).label},
            code="follow_up",
        )
    objection.follow_up = to
    objection.save(update_fields=["follow_up"])
    step = ObjectionStep.objects.create(
        objection=objection, state=to, note=note, decision=decision, actor=actor, resolution=resolution
    )
    audit_log(
        AuditAction.OBJECTION_FOLLOW_UP,
        actor=actor,
        obj=objection,
        before={"follow_up": before},
        after={"follow_up": to, "decision": decision, "step": step.pk, "resolution": resolution and resolution.pk},
    )
    return step


@transaction.atomic
def objection_follow_up(objection: Objection, *, to: str, note: str, actor) -> Objection:
    """Refer an upheld objection's re-review to the national committee, once every expert asked has submitted or
    declined and at least one re-review is in. The step is recorded, audited and told to the applicant. (The
    committee's re-deliberation is recorded by ``review.services.rereview.objection_redeliberate``.)"""
    objection = (
        Objection.objects.select_for_update()
        .select_related("result__application__created_by", "result__application__survey")
        .get(pk=objection.pk)
    )
    if objection.outcome != ObjectionOutcome.UPHELD:
        raise DomainError(_("Only an upheld objection has a follow-up."), code="follow_up")
    if to == ObjectionFollowUp.CONCLUDED:
        raise DomainError(
            _("The follow-up ends with the national committee's resolution: record its re-deliberation."),
            code="resolution",
        )
    if not note.strip():
        raise DomainError(_("Write what was found or decided at this step."), code="note")
    if to == ObjectionFollowUp.RE_DELIBERATION and objection.follow_up == ObjectionFollowUp.RE_REVIEW:
        problem = re_review_problem(objection)
        if problem:
            raise DomainError(problem, code="re_review")
    step = follow_up_move(objection, to=to, note=note.strip(), actor=actor)
    notify_applicant(
        objection.result.application,
        "objection_follow_up",
        context={"objection": objection, "result": objection.result, "step": step},
        key=f"objection:{objection.pk}:follow_up:{to}",
    )
    return objection


def re_review_problem(objection: Objection) -> str:
    """Why the re-review cannot be referred to the national committee yet, or "" when it can."""
    re_reviews = list(objection.re_reviews.all())
    if not any(r.submitted_at for r in re_reviews):
        return str(_("No expert has submitted a re-review yet. Ask independent experts to re-review the candidate."))
    waiting = sum(1 for r in re_reviews if r.is_open)
    if waiting:
        return str(
            _("%(count)d re-review(s) are still open: wait for them to be submitted or declined.") % {"count": waiting}
        )
    return ""


# -- what a routed reviewer reads ---------------------------------------------------------------------------------


@dataclass
class BlindObjection:
    title: str
    ground: str
    body: str
    outcome: str
    reason: str
    notice_number: str
    submitted_at: datetime


def blind_objection(objection: Objection) -> BlindObjection:
    """The objection as a reviewer sees it: without the applicant organisation or people."""
    result = objection.result
    application = result.application
    group = application_group(application)
    applications = (
        Application.objects.filter(pk__in=[a.pk for a in group.applications])
        .select_related("organization", "association", "created_by", "updated_by")
        .prefetch_related("organization__associations")
    )
    names = applicant_names(applications)
    if group.root is not None:
        title = blind_title(Candidate.objects.get(pk=group.root))
    else:
        title = application.title
    return BlindObjection(
        title=redact(title, names),
        ground=objection.get_ground_display(),
        body=redact(objection.body, names),
        outcome=result.outcome_display,
        reason=redact(result.reason, names),
        notice_number=result.notice.number,
        submitted_at=objection.submitted_at,
    )
