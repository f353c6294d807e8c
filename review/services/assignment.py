"""Who reviews which candidate: balanced, never with a conflict of interest."""

import string
import unicodedata
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from portal.enums import Role
from portal.exceptions import DomainError
from portal.models import User
from portal.selectors import people_with_role
from portal.services.audit import audit_log
from portal.services.mail import mail_queue
from review.enums import ACTIVE_ASSIGNMENTS, AuditAction
from review.models import Assignment, ExclusionRequest, Panel, ReviewerConflict, ReviewPlan
from surveys.models import Application, Candidate, Survey


def normal_name(name: str) -> str:
    name = unicodedata.normalize("NFKC", name)  # ㈜ → (주), full-width letters and brackets → plain
    return "".join(name.split()).replace("(주)", "").replace("주식회사", "").lower()


@dataclass
class ConflictFacts:
    """What a candidate's reviewers must be free of."""

    organization_ids: set[int] = field(default_factory=set)
    organization_names: set[str] = field(default_factory=set)
    excluded_emails: set[str] = field(default_factory=set)
    excluded_names: set[str] = field(default_factory=set)


def applications_conflict_facts(applications) -> ConflictFacts:
    """Submitters of the applications, their associations, and the experts they asked to exclude."""
    facts = ConflictFacts()
    for application in applications:
        organizations = [application.organization, *application.organization.associations.all()]
        if application.association:
            organizations.append(application.association)
        for organization in organizations:
            facts.organization_ids.add(organization.pk)
            facts.organization_names.add(normal_name(organization.name))
    for request in ExclusionRequest.objects.filter(application__in=[a.pk for a in applications]):
        if request.email:
            facts.excluded_emails.add(request.email.lower())
        if request.name:
            facts.excluded_names.add(normal_name(request.name))
    return facts


def conflict_facts(candidate: Candidate) -> ConflictFacts:
    """What every application under the candidate makes a conflict."""
    return applications_conflict_facts(
        list(Application.objects.filter(candidate=candidate).select_related("organization", "association"))
    )


def profile_conflict(reviewer: User, facts: ConflictFacts) -> str | None:
    """The conflicts read off the reviewer's profile and the applicants' exclusions, without a query."""
    profile = getattr(reviewer, "reviewer_profile", None)
    if profile is not None:
        if profile.organization_id and profile.organization_id in facts.organization_ids:
            return _("works for a submitting organisation or its association")
        if profile.organization_name and normal_name(profile.organization_name) in facts.organization_names:
            return _("works for a submitting organisation or its association")
    if reviewer.email.lower() in facts.excluded_emails or normal_name(reviewer.name) in facts.excluded_names:
        return _("the applicant asked to exclude this reviewer")
    return None


def conflict_reason(reviewer: User, facts: ConflictFacts, declared: set[int] | None = None) -> str | None:
    """Why this reviewer may not review the candidate, or None."""
    reason = profile_conflict(reviewer, facts)
    if reason is not None:
        return reason
    if reviewer.memberships.filter(organization_id__in=facts.organization_ids, is_active=True).exists():
        return _("belongs to a submitting organisation or its association")
    if declared is None:
        declared = set(ReviewerConflict.objects.filter(reviewer=reviewer).values_list("organization_id", flat=True))
    if declared & facts.organization_ids:
        return _("declared a conflict with a submitting organisation")
    return None


def review_plan(survey: Survey) -> ReviewPlan:
    plan, _created = ReviewPlan.objects.get_or_create(survey=survey)
    return plan


def _pseudonym(candidate: Candidate) -> str:
    """The next free letter among the candidate's reviewers (A, B, …; then numbers)."""
    used = set(Assignment.objects.filter(candidate=candidate).values_list("pseudonym", flat=True))
    for letter in string.ascii_uppercase:
        if letter not in used:
            return letter
    return str(len(used) + 1)


def _panel_reviewers(candidate: Candidate):
    panel = Panel.objects.filter(survey_id=candidate.survey_id, field_code=candidate.field_code).first()
    if panel is None:
        return User.objects.none()
    return people_with_role(Role.REVIEWER).filter(panel_memberships__panel=panel)


def _create(candidate: Candidate, reviewer: User, *, actor, due_on) -> Assignment:
    assignment = Assignment.objects.create(
        candidate=candidate, reviewer=reviewer, pseudonym=_pseudonym(candidate), assigned_by=actor, due_on=due_on
    )
    audit_log(AuditAction.ASSIGNED, actor=actor, obj=assignment,
              after={"candidate": candidate.number, "reviewer": reviewer.pk})
    mail_queue(
        "review_assigned", to=reviewer.email, recipient_user=reviewer,
        context={"assignment": assignment, "candidate": candidate},
        topic=f"review.assignment:{assignment.pk}",
    )
    return assignment


def _fill(candidate: Candidate, *, plan: ReviewPlan, actor) -> int:
    """Add reviewers to one candidate up to the plan's number, least loaded first."""
    active = Assignment.objects.filter(candidate=candidate, status__in=ACTIVE_ASSIGNMENTS).count()
    missing = plan.reviewers_per_candidate - active
    if missing <= 0:
        return 0
    facts = conflict_facts(candidate)
    already = Assignment.objects.filter(candidate=candidate).values("reviewer_id")
    pool = (
        _panel_reviewers(candidate).exclude(pk__in=already)
        .select_related("reviewer_profile")
        .annotate(load=Count("assignments", filter=Q(assignments__status__in=ACTIVE_ASSIGNMENTS)))
        .order_by("load", "pk")
    )
    declared = {}
    for conflict in ReviewerConflict.objects.filter(reviewer__in=pool):
        declared.setdefault(conflict.reviewer_id, set()).add(conflict.organization_id)
    added = 0
    for reviewer in pool:
        if added == missing:
            break
        if conflict_reason(reviewer, facts, declared.get(reviewer.pk, set())):
            continue
        _create(candidate, reviewer, actor=actor, due_on=plan.due_on)
        added += 1
    return added


@dataclass
class AssignmentResult:
    created: int = 0
    short: list[tuple[str, int]] = field(default_factory=list)


@transaction.atomic
def assign_automatically(survey: Survey, *, actor) -> AssignmentResult:
    """Give every open candidate its reviewers; report the candidates a panel cannot cover."""
    plan = review_plan(survey)
    Survey.objects.select_for_update().get(pk=survey.pk)
    result = AssignmentResult()
    for candidate in Candidate.objects.filter(survey=survey, merged_into__isnull=True).order_by("number"):
        result.created += _fill(candidate, plan=plan, actor=actor)
        active = Assignment.objects.filter(candidate=candidate, status__in=ACTIVE_ASSIGNMENTS).count()
        if active < plan.reviewers_per_candidate:
            result.short.append((candidate.number, plan.reviewers_per_candidate - active))
    return result


@transaction.atomic
def assign_by_hand(candidate: Candidate, reviewer: User, *, actor) -> Assignment:
    if not reviewer.has_role(Role.REVIEWER):
        raise DomainError(_("Only people with the reviewer role can be assigned."))
    reason = conflict_reason(reviewer, conflict_facts(candidate))
    if reason:
        raise DomainError(_("This reviewer cannot review this candidate: %(reason)s.") % {"reason": reason},
                          code="conflict")
    if Assignment.objects.filter(candidate=candidate, reviewer=reviewer).exists():
        raise DomainError(_("This reviewer is already assigned to this candidate."))
    return _create(candidate, reviewer, actor=actor, due_on=review_plan(candidate.survey).due_on)


def replace(assignment: Assignment, *, actor) -> int:
    """After a decline or a conflict: fill the place and tell the ministry admins."""
    plan = review_plan(assignment.candidate.survey)
    added = _fill(assignment.candidate, plan=plan, actor=actor)
    audit_log(AuditAction.REPLACED, actor=actor, obj=assignment, after={"replacements": added})
    for admin in people_with_role(Role.ADMIN):
        mail_queue(
            "review_replaced", to=admin.email, recipient_user=admin,
            context={"assignment": assignment, "candidate": assignment.candidate, "added": added},
            topic=f"review.assignment:{assignment.pk}",
        )
    return added
