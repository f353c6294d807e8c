"""States of a call, their allowed transitions, question types and audit action codes."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SurveyKind(models.TextChoices):
    TECHNOLOGY = "technology", _("Technology designation demand survey")
    COMPLEX = "complex", _("Specialised complex designation")
    INTERNATIONAL_RND = "intl_rnd", _("Candidate technologies for international R&D")


class SurveyStage(models.TextChoices):
    """Every stage any kind of call may pass through. Which ones a call has, in which order, is its
    kind's pipeline (``surveys.pipelines``)."""

    DRAFT = "draft", _("Draft")
    DISTRIBUTION = "distribution", _("Distribution")
    COLLECTION = "collection", _("Collection")
    TECHNICAL_REVIEW = "technical_review", _("Technical review")
    ADVISORY_REVIEW = "advisory_review", _("Expert advisory panel")
    SUBCOMMITTEE = "subcommittee", _("Specialised-complex subcommittee")
    EXPERT_EVALUATION = "expert_evaluation", _("Anonymous expert evaluation")
    PANEL_EVALUATION = "panel_evaluation", _("Independent panel verification")
    SELECTION = "selection", _("Selection within quotas")
    HEARING = "hearing", _("Hearing")
    NATIONAL_COMMITTEE = "national_committee", _("National committee")
    NOTICE = "notice", _("Notice")
    CLOSED = "closed", pgettext_lazy("call stage", "Closed")


class QuestionType(models.TextChoices):
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    NUMBER = "number", _("Number")
    CHOICE = "choice", _("Choice")
    DATE = "date", _("Date")
    FILE = "file", _("File")


class AuditAction:
    SURVEY_CREATED = "surveys.survey.created"
    SURVEY_UPDATED = "surveys.survey.updated"
    SURVEY_STAGE_CHANGED = "surveys.survey.stage_changed"
    RECIPIENTS_ADDED = "surveys.recipients.added"
    RECIPIENTS_IMPORTED = "surveys.recipients.imported"
    INVITATION_SENT = "surveys.invitation.sent"
    INVITATION_RESENT = "surveys.invitation.resent"
    INVITATION_DECLINED = "surveys.invitation.declined"
    INQUIRY_ASKED = "surveys.inquiry.asked"
    INQUIRY_ANSWERED = "surveys.inquiry.answered"
    CRITERIA_CHANGED = "surveys.survey.criteria_changed"
    QUESTIONS_CHANGED = "surveys.survey.questions_changed"
    GUIDANCE_ADDED = "surveys.guidance.added"
    GUIDANCE_DELETED = "surveys.guidance.deleted"
    BRIEFING_SAVED = "surveys.briefing.saved"
    CANDIDATE_LIST_IMPORTED = "surveys.candidate_list.imported"
    CATEGORIES_CHANGED = "surveys.survey.categories_changed"
    BRIEFING_SIGNED_UP = "surveys.briefing.signed_up"
    BRIEFING_SIGNUP_CANCELLED = "surveys.briefing.signup_cancelled"


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ASSOCIATION_REVIEW = "association_review", _("With the association")
    RETURNED_BY_ASSOCIATION = "association_returned", _("Returned by the association")
    ENDORSED = "endorsed", _("Endorsed by the association")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for correction")
    ACCEPTED = "accepted", _("Accepted for technical review")
    DUPLICATE = "duplicate", _("Duplicate")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Channel(models.TextChoices):
    DIRECT = "direct", _("Direct to MOTIE")
    ASSOCIATION = "association", _("Through an industry association")
    MINISTRY = "ministry", _("Ministry channel")


class AssociationChannel(models.TextChoices):
    NONE = "none", _("Companies submit directly")
    OPTIONAL = "optional", _("Companies may submit through their association")
    REQUIRED = "required", _("Companies submit through their association")


S = ApplicationStatus

#: Allowed status moves. Each move is made by ``application_transition`` only.
APPLICATION_TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED, S.ASSOCIATION_REVIEW},
    S.ASSOCIATION_REVIEW: {S.ASSOCIATION_REVIEW, S.RETURNED_BY_ASSOCIATION, S.ENDORSED, S.WITHDRAWN},
    S.RETURNED_BY_ASSOCIATION: {S.ASSOCIATION_REVIEW, S.WITHDRAWN},
    S.ENDORSED: {S.SUBMITTED, S.RETURNED_BY_ASSOCIATION, S.ASSOCIATION_REVIEW, S.WITHDRAWN},
    S.SUBMITTED: {S.SUBMITTED, S.WITHDRAWN, S.ACCEPTED, S.RETURNED, S.DUPLICATE},
    S.RETURNED: {S.SUBMITTED, S.WITHDRAWN},
    S.ACCEPTED: {S.RETURNED},
    S.DUPLICATE: {S.SUBMITTED},
    S.WITHDRAWN: {S.SUBMITTED, S.ASSOCIATION_REVIEW},
}

#: Statuses in which the applicant may still change the application (before its deadline).
EDITABLE_STATUSES = {S.DRAFT, S.ASSOCIATION_REVIEW, S.RETURNED_BY_ASSOCIATION, S.ENDORSED, S.SUBMITTED, S.RETURNED}

#: Statuses that count as received by the ministry (the intake list).
RECEIVED_STATUSES = {S.SUBMITTED, S.RETURNED, S.ACCEPTED, S.DUPLICATE}


class ProvenanceKind(models.TextChoices):
    DRAFTED = "drafted", _("Drafted")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED_BY_ASSOCIATION = "association_returned", _("Returned by the association")
    ENDORSED = "endorsed", _("Endorsed")
    FORWARDED = "forwarded", _("Forwarded to MOTIE")
    RETURNED = "returned", _("Returned for correction")
    ACCEPTED = "accepted", _("Accepted for technical review")
    DUPLICATE = "duplicate", _("Marked as duplicate")
    MERGED = "merged", _("Merged into a candidate")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    RESTORED = "restored", _("Withdrawal undone")


class ApplicationAction:
    CREATED = "surveys.application.created"
    DRAFT_SAVED = "surveys.application.draft_saved"
    SUBMITTED = "surveys.application.submitted"
    AMENDED = "surveys.application.amended"
    WITHDRAWN = "surveys.application.withdrawn"
    RESTORED = "surveys.application.restored"
    ATTACHMENT_ADDED = "surveys.attachment.added"
    ATTACHMENT_REMOVED = "surveys.attachment.removed"
    EXTENSION_GRANTED = "surveys.extension.granted"
    PDF_RENDERED = "surveys.version.pdf_rendered"
    TRANSITION = "surveys.application.status_changed"
    ENDORSED = "surveys.application.endorsed"
    FORWARDED = "surveys.application.forwarded"
    RETURNED = "surveys.application.returned"
    ACCEPTED = "surveys.application.accepted"
    DUPLICATE = "surveys.application.duplicate"
    MERGED = "surveys.candidate.merged"
    ASSOCIATION_DEADLINE = "surveys.association.deadline_set"
