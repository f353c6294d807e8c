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


def _pseudonym(candidate: Candidate, layer: int = 1) -> str:
    """The next free letter among the candidate's reviewers (A, B, …; then numbers); a later layer's members
    carry the layer's number (2-A, 2-B, …), so no one reads them as the first layer's experts."""
    prefix = f"{layer}-" if layer > 1 else ""
    used = set(Assignment.objects.filter(candidate=candidate).values_list("pseudonym", flat=True))
    for letter in string.ascii_uppercase:
        if prefix + letter not in used:
            return prefix + letter
    return f"{prefix}{len(used) + 1}"


def _panel_reviewers(candidate: Candidate, layer: int = 1):
    panel = Panel.objects.filter(survey_id=candidate.survey_id, field_code=candidate.field_code, layer=layer).first()
    if panel is None:
        return User.objects.none()
    return people_with_role(Role.REVIEWER).filter(panel_memberships__panel=panel)


def _create(candidate: Candidate, reviewer: User, *, actor, due_on, layer: int = 1) -> Assignment:
    assignment = Assignment.objects.create(
        candidate=candidate,
        reviewer=reviewer,
        pseudonym=_pseudonym(candidate, layer),
        assigned_by=actor,
        due_on=due_on,
        layer=layer,
    )
    audit_log(
        AuditAction.ASSIGNED,
        actor=actor,
        obj=assignment,
        after={"candidate": candidate.number, "reviewer": reviewer.pk, "layer": layer},
    )
    mail_queue(
        "review_assigned",
        to=reviewer.email,
        recipient_user=reviewer,
        context={"assignment": assignment, "candidate": candidate},
        topic=f"review.assignment:{assignment.pk}",
    )
    return assignment


@dataclass
class Quota:
    """How many members a candidate gets in a layer, and by when: the review plan's for layer 1, the layer's
    rules for a later layer."""

    layer: int
    per_candidate: int
    due_on: object = None


def layer_quota(survey: Survey, layer: int = 1) -> Quota:
    if layer == 1:
        plan = review_plan(survey)
        return Quota(1, plan.reviewers_per_candidate, plan.due_on)
    from review.models import EvaluationLayer

    rules = EvaluationLayer.objects.get(survey=survey, number=layer)
    return Quota(layer, rules.reviewers_per_candidate, rules.due_on)


def _active(candidate: Candidate, layer: int) -> int:
    return Assignment.objects.filter(candidate=candidate, layer=layer, status__in=ACTIVE_ASSIGNMENTS).count()


def _fill(candidate: Candidate, *, quota: Quota, actor) -> int:
    """Add reviewers to one candidate up to the layer's number, least loaded first; nobody who sits in
    another layer for the candidate."""
    missing = quota.per_candidate - _active(candidate, quota.layer)
    if missing <= 0:
        return 0
    facts = conflict_facts(candidate)
    already = Assignment.objects.filter(candidate=candidate).values("reviewer_id")
    pool = (
        _panel_reviewers(candidate, quota.layer)
        .exclude(pk__in=already)
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
        _create(candidate, reviewer, actor=actor, due_on=quota.due_on, layer=quota.layer)
        added += 1
    return added


@dataclass
class AssignmentResult:
    created: int = 0
    short: list[tuple[str, int]] = field(default_factory=list)


@transaction.atomic
def assign_automatically(survey: Survey, *, actor, layer: int = 1) -> AssignmentResult:
    """Give every open candidate its reviewers in ``layer``; report the candidates a panel cannot cover."""
    from review.services.layers import check_assignable

    Survey.objects.select_for_update().get(pk=survey.pk)
    check_assignable(survey, layer)
    quota = layer_quota(survey, layer)
    result = AssignmentResult()
    for candidate in Candidate.objects.filter(survey=survey, merged_into__isnull=True).order_by("number"):
        result.created += _fill(candidate, quota=quota, actor=actor)
        active = _active(candidate, layer)
        if active < quota.per_candidate:
            result.short.append((candidate.number, quota.per_candidate - active))
    return result


def _check_other_layer(candidate: Candidate, reviewer: User, layer: int) -> None:
    existing = Assignment.objects.filter(candidate=candidate, reviewer=reviewer).first()
    if existing is None:
        return
    if existing.layer != layer:
        raise DomainError(
            _(
                "This expert already evaluates this candidate in layer %(other)d; nobody sits in two layers for the "
                "same candidate."
            )
            % {"other": existing.layer},
            code="other_layer",
        )
    raise DomainError(_("This reviewer is already assigned to this candidate."))


@transaction.atomic
def assign_by_hand(candidate: Candidate, reviewer: User, *, actor, layer: int = 1) -> Assignment:
    from review.services.layers import check_assignable

    if not reviewer.has_role(Role.REVIEWER):
        raise DomainError(_("Only people with the reviewer role can be assigned."))
    check_assignable(candidate.survey, layer)
    _check_other_layer(candidate, reviewer, layer)
    reason = conflict_reason(reviewer, conflict_facts(candidate))
    if reason:
        raise DomainError(
            _("This reviewer cannot review this candidate: %(reason)s.") % {"reason": reason}, code="conflict"
        )
    quota = layer_quota(candidate.survey, layer)
    return _create(candidate, reviewer, actor=actor, due_on=quota.due_on, layer=layer)


def replace(assignment: Assignment, *, actor) -> int:
    """After a decline or a conflict: fill the place (in the same layer) and tell the ministry admins."""
    quota = layer_quota(assignment.candidate.survey, assignment.layer)
    added = _fill(assignment.candidate, quota=quota, actor=actor)
    audit_log(AuditAction.REPLACED, actor=actor, obj=assignment, after={"replacements": added})
    for admin in people_with_role(Role.ADMIN):
        mail_queue(
            "review_replaced",
            to=admin.email,
            recipient_user=admin,
            context={"assignment": assignment, "candidate": assignment.candidate, "added": added},
            topic=f"review.assignment:{assignment.pk}",
        )
    return added
