"""Review vocabulary: assignment and review states, recommendations, aggregation rules, audit codes."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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
    SITE_VISIT_RECORDED = "review.site_visit.recorded"
    BUNDLE_REQUESTED = "review.bundle.requested"
    BUNDLE_BUILT = "review.bundle.built"
    BUNDLE_DOWNLOADED = "review.bundle.downloaded"
    BUNDLE_EXPIRED = "review.bundle.expired"
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
    EXCLUSION_ADDED = "review.exclusion.added"
    EXCLUSION_REMOVED = "review.exclusion.removed"
    SUBCOMMITTEE_MEETING_SAVED = "review.subcommittee.meeting_saved"
    SUBCOMMITTEE_DECIDED = "review.subcommittee.decided"
    COMMITTEE_CONFIRMED = "review.committee.confirmed"
    BOOK_REQUESTED = "review.committee.book_requested"
    BOOK_RENDERED = "review.committee.book_rendered"
    HEARING_COMMENTED = "review.hearing.commented"
    HEARING_ANSWERED = "review.hearing.answered"
    HEARING_ANSWER_EDITED = "review.hearing.answer_edited"
    HEARING_CANDIDATE_AMENDED = "review.hearing.candidate_amended"
    NATIONAL_MEETING_CREATED = "review.national_meeting.created"
    NATIONAL_MEETING_UPDATED = "review.national_meeting.updated"
    NATIONAL_MEETING_CLOSED = "review.national_meeting.closed"
    RESOLUTION_RECORDED = "review.resolution.recorded"
    RESOLUTION_CORRECTED = "review.resolution.corrected"
    NOTICE_DRAFTED = "review.notice.drafted"
    NOTICE_UPDATED = "review.notice.updated"
    NOTICE_ITEM_ADDED = "review.notice.item_added"
    NOTICE_ITEM_UPDATED = "review.notice.item_updated"
    NOTICE_ITEM_REMOVED = "review.notice.item_removed"
    NOTICE_PUBLISHED = "review.notice.published"
    NOTICE_PDF_RENDERED = "review.notice.pdf_rendered"
    NOTICE_PDF_REQUEUED = "review.notice.pdf_requeued"
    COMPLEX_DESIGNATED = "review.complex.designated"
    COMPLEX_AREA_CHANGED = "review.complex.area_changed"
    COMPLEX_CONDITIONS_MET = "review.complex.conditions_met"
    COMPLEX_REVOKED = "review.complex.revoked"
    RESULT_PUBLISHED = "review.result.published"
    OBJECTION_LODGED = "review.objection.lodged"
    OBJECTION_ROUTED = "review.objection.routed"
    OPINION_SUBMITTED = "review.objection.opinion_submitted"
    OBJECTION_DECIDED = "review.objection.decided"
    OBJECTION_FOLLOW_UP = "review.objection.follow_up"
    RE_REVIEW_ASSIGNED = "review.re_review.assigned"
    RE_REVIEW_SAVED = "review.re_review.saved"
    RE_REVIEW_SUBMITTED = "review.re_review.submitted"
    RE_REVIEW_DECLINED = "review.re_review.declined"
    REDELIBERATION_RECORDED = "review.objection.redeliberated"
    LAYERS_CHANGED = "review.layers.changed"
    LAYER_CLOSED = "review.layer.closed"
    JUDGEMENT_SAVED = "review.judgement.saved"
    JUDGEMENT_SUBMITTED = "review.judgement.submitted"
    SELECTION_PROPOSED = "review.selection.proposed"
    SELECTION_MEETING_CREATED = "review.selection.meeting_created"
    SELECTION_DECIDED = "review.selection.decided"
    SELECTION_CATEGORY_CLOSED = "review.selection.category_closed"
    SELECTION_MEETING_CLOSED = "review.selection.meeting_closed"


class SubcommitteeRecommendation(models.TextChoices):
    RECOMMEND = "recommend", _("Recommend")
    NOT_RECOMMEND = "not_recommend", _("Do not recommend")
    HOLD = "hold", _("Hold")
    # The specialised-complex subcommittee's evaluation of a development plan.
    DESIGNATE = "designate", _("Designate")
    DESIGNATE_WITH_CONDITIONS = "designate_cond", _("Designate with conditions")
    NOT_DESIGNATE = "not_designate", _("Do not designate")


#: The recommendations a subcommittee of each kind of call may make; the first ones carry a candidate forward.
RECOMMENDATIONS_BY_KIND = {
    "technology": (
        SubcommitteeRecommendation.RECOMMEND,
        SubcommitteeRecommendation.NOT_RECOMMEND,
        SubcommitteeRecommendation.HOLD,
    ),
    "complex": (
        SubcommitteeRecommendation.DESIGNATE,
        SubcommitteeRecommendation.DESIGNATE_WITH_CONDITIONS,
        SubcommitteeRecommendation.NOT_DESIGNATE,
    ),
}
#: Recommendations that put a candidate on the list for the next committee.
FORWARD_RECOMMENDATIONS = {
    SubcommitteeRecommendation.RECOMMEND,
    SubcommitteeRecommendation.DESIGNATE,
    SubcommitteeRecommendation.DESIGNATE_WITH_CONDITIONS,
}


class Stance(models.TextChoices):
    FOR = "for", _("For")
    AGAINST = "against", _("Against")
    NEUTRAL = "neutral", _("Neutral")


class HearingChange(models.TextChoices):
    NONE = "none", _("No change")
    AMENDED = "amended", _("Candidate amended")
    REMOVED = "removed", _("Removed from the candidate list")


class RankingShow(models.TextChoices):
    """Which candidates a field's ranking page shows."""

    ALL = "all", _("All candidates")
    UNDECIDED = "undecided", _("Without a recommendation")
    FLAGGED = "flagged", _("Disagreement")


class BundleKind(models.TextChoices):
    INTAKE = "intake", _("Received applications")
    BLIND = "blind", _("Blind copies for review")


class RenderStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to render")
    RUNNING = "running", _("Rendering")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Rendering failed")


class Decision(models.TextChoices):
    DESIGNATE = "designate", _("Designate")
    DESIGNATE_WITH_CONDITIONS = "designate_cond", _("Designate with conditions")
    REJECT = "reject", _("Do not designate")
    DEFER = "defer", _("Defer")


#: The resolutions the national committee may pass on each kind of call.
DECISIONS_BY_KIND = {
    "technology": (Decision.DESIGNATE, Decision.REJECT, Decision.DEFER),
    "complex": (Decision.DESIGNATE, Decision.DESIGNATE_WITH_CONDITIONS, Decision.REJECT, Decision.DEFER),
}
#: Resolutions that lead to a designation in the notice.
DESIGNATING_DECISIONS = {Decision.DESIGNATE, Decision.DESIGNATE_WITH_CONDITIONS}


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class NoticeAction(models.TextChoices):
    DESIGNATE = "designate", _("Designation")
    AMEND = "amend", _("Amendment")
    REVOKE = "revoke", _("Revocation")


class EntryStatus(models.TextChoices):
    ACTIVE = "active", _("Designated")
    REVOKED = "revoked", _("Designation revoked")


#: The parts of a notice item that may be marked security-sensitive and are then redacted in public.
SENSITIVE_PARTS = ("scope", "specification")


class Outcome(models.TextChoices):
    DESIGNATED = "designated", _("Designated")
    REJECTED = "rejected", _("Not designated")
    DEFERRED = "deferred", _("Deferred")
    NOT_SELECTED = "not_selected", _("Not selected for the committee")
    #: An international R&D call selects candidates; it designates nothing.
    SELECTED = "selected", _("Selected")


class ObjectionGround(models.TextChoices):
    PROCEDURE = "procedure", _("Procedure")
    FACT = "fact", _("Facts")


class ObjectionStatus(models.TextChoices):
    # States, not the dates of the columns that share their English words ("Received", "Decided").
    SUBMITTED = "submitted", pgettext_lazy("objection status", "Received")
    ROUTED = "routed", pgettext_lazy("objection status", "With reviewers")
    DECIDED = "decided", pgettext_lazy("objection status", "Decided")


class ObjectionFollowUp(models.TextChoices):
    """Where an upheld objection leads: the candidate is reviewed again, then re-deliberated by the national
    committee, whose decision closes it."""

    NONE = "", pgettext_lazy("objection follow-up", "None")
    RE_REVIEW = "re_review", _("Re-review under way")
    RE_DELIBERATION = "re_deliberation", _("Referred to the national committee for re-deliberation")
    CONCLUDED = "concluded", _("Re-deliberated by the national committee")


#: The follow-up's allowed moves. An upheld decision starts the re-review; nothing else writes the field.
FOLLOW_UP_TRANSITIONS = {
    ObjectionFollowUp.NONE: {ObjectionFollowUp.RE_REVIEW},
    ObjectionFollowUp.RE_REVIEW: {ObjectionFollowUp.RE_DELIBERATION},
    ObjectionFollowUp.RE_DELIBERATION: {ObjectionFollowUp.CONCLUDED},
    ObjectionFollowUp.CONCLUDED: set(),
}


class ObjectionOutcome(models.TextChoices):
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")


class ComplexAction(models.TextChoices):
    """What a complex notice item does, and what a step in a designated complex's history records."""

    DESIGNATE = "designate", _("Designation")
    CHANGE_AREA = "change_area", _("Change of area")
    CONDITIONS_MET = "conditions_met", _("Conditions met")
    REVOKE = "revoke", _("Revocation")


#: The actions that change an existing designated complex (by an amendment item or directly by the ministry).
COMPLEX_AMENDMENTS = (ComplexAction.CHANGE_AREA, ComplexAction.CONDITIONS_MET, ComplexAction.REVOKE)
#: The audit code of each action on a designated complex.
COMPLEX_AUDIT = {
    ComplexAction.DESIGNATE: AuditAction.COMPLEX_DESIGNATED,
    ComplexAction.CHANGE_AREA: AuditAction.COMPLEX_AREA_CHANGED,
    ComplexAction.CONDITIONS_MET: AuditAction.COMPLEX_CONDITIONS_MET,
    ComplexAction.REVOKE: AuditAction.COMPLEX_REVOKED,
}


class LayerKind(models.TextChoices):
    #: Experts score the candidate against the call's criteria, with a justification per criterion.
    SCORING = "scoring", _("Anonymous expert scoring")
    #: An independent panel judges whether international cooperation is essential and may adjust the ranking.
    PANEL = "panel", _("Independent anonymous panel")


class EssentialRule(models.TextChoices):
    MAJORITY = "majority", _("A majority of the panel")
    UNANIMOUS = "unanimous", _("The whole panel")


class SelectionDecision(models.TextChoices):
    SELECTED = "selected", _("Selected")
    RESERVE = "reserve", _("Reserve")
    NOT_SELECTED = "not_selected", _("Not selected")
