"""States of a call, their allowed transitions, question types and audit action codes."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SurveyKind(models.TextChoices):
    TECHNOLOGY = "technology", _("Technology designation demand survey")
    COMPLEX = "complex", _("Specialised complex designation")
    INTERNATIONAL_RND = "intl_rnd", _("Candidate technologies for international R&D")


class SurveyStage(models.TextChoices):
    DRAFT = "draft", _("Draft")
    DISTRIBUTION = "distribution", _("Distribution")
    COLLECTION = "collection", _("Collection")
    TECHNICAL_REVIEW = "technical_review", _("Technical review")
    HEARING = "hearing", _("Hearing")
    NATIONAL_COMMITTEE = "national_committee", _("National committee")
    NOTICE = "notice", _("Notice")
    CLOSED = "closed", pgettext_lazy("call stage", "Closed")


#: The order of the pipeline. A move to the next stage needs no reason; any other allowed
#: move (a skip forward, or one step back to correct a mistake) must say why.
STAGE_ORDER = list(SurveyStage)

#: Allowed moves: from → {to: reason required}.
STAGE_TRANSITIONS: dict[str, dict[str, bool]] = {
    SurveyStage.DRAFT: {SurveyStage.DISTRIBUTION: False, SurveyStage.COLLECTION: True},
    SurveyStage.DISTRIBUTION: {SurveyStage.COLLECTION: False, SurveyStage.DRAFT: True},
    SurveyStage.COLLECTION: {SurveyStage.TECHNICAL_REVIEW: False, SurveyStage.DISTRIBUTION: True},
    SurveyStage.TECHNICAL_REVIEW: {
        SurveyStage.HEARING: False,
        SurveyStage.NATIONAL_COMMITTEE: True,
        SurveyStage.COLLECTION: True,
    },
    SurveyStage.HEARING: {SurveyStage.NATIONAL_COMMITTEE: False, SurveyStage.TECHNICAL_REVIEW: True},
    SurveyStage.NATIONAL_COMMITTEE: {SurveyStage.NOTICE: False, SurveyStage.HEARING: True},
    SurveyStage.NOTICE: {SurveyStage.CLOSED: False},
    SurveyStage.CLOSED: {},
}

#: Stages in which the call is visible to the public.
PUBLIC_STAGES = [stage for stage in SurveyStage if stage != SurveyStage.DRAFT]


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
    INQUIRY_ASKED = "surveys.inquiry.asked"
    INQUIRY_ANSWERED = "surveys.inquiry.answered"
    GUIDANCE_ADDED = "surveys.guidance.added"
    BRIEFING_SAVED = "surveys.briefing.saved"


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


#: Allowed status moves of an application, each by one service.
APPLICATION_TRANSITIONS: dict[str, set[str]] = {
    ApplicationStatus.DRAFT: {ApplicationStatus.SUBMITTED},
    ApplicationStatus.SUBMITTED: {ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN},
    ApplicationStatus.WITHDRAWN: {ApplicationStatus.SUBMITTED},
}


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
