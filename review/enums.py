"""Review vocabulary: assignment and review states, recommendations, aggregation rules, audit codes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AssignmentStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    ACCEPTED = "accepted", _("Pledge and declaration done")
    SUBMITTED = "submitted", _("Review submitted")
    DECLINED = "declined", _("Declined")
    CONFLICTED = "conflicted", _("Ended: conflict of interest")


#: Assignments that still count toward a candidate's reviewers.
ACTIVE_ASSIGNMENTS = [AssignmentStatus.ASSIGNED, AssignmentStatus.ACCEPTED, AssignmentStatus.SUBMITTED]

ASSIGNMENT_TRANSITIONS = {
    AssignmentStatus.ASSIGNED: {AssignmentStatus.ACCEPTED, AssignmentStatus.DECLINED, AssignmentStatus.CONFLICTED},
    AssignmentStatus.ACCEPTED: {AssignmentStatus.SUBMITTED, AssignmentStatus.CONFLICTED},
    AssignmentStatus.SUBMITTED: set(),
    AssignmentStatus.DECLINED: set(),
    AssignmentStatus.CONFLICTED: set(),
}


class Recommendation(models.TextChoices):
    RECOMMEND = "recommend", _("Recommend designation")
    CONDITIONAL = "conditional", _("Recommend with reservations")
    NOT_RECOMMEND = "not_recommend", _("Do not recommend")


class AggregationRule(models.TextChoices):
    MEAN = "mean", _("Mean")
    MEDIAN = "median", _("Median")
    TRIMMED_MEAN = "trimmed_mean", _("Trimmed mean (highest and lowest dropped)")


class AuditAction:
    PANEL_MEMBER_ADDED = "review.panel.member_added"
    REVIEWERS_IMPORTED = "review.reviewers.imported"
    ASSIGNED = "review.assignment.created"
    REPLACED = "review.assignment.replaced"
    PLEDGE_SIGNED = "review.pledge.signed"
    DECLARED = "review.assignment.declared"
    DECLINED = "review.assignment.declined"
    CONFLICTED = "review.assignment.conflicted"
    REVIEW_SAVED = "review.review.saved"
    REVIEW_SUBMITTED = "review.review.submitted"
    PLAN_CHANGED = "review.plan.changed"
