"""Stages 4 and 5: the national committee's resolutions, the ministerial notice, the register, results and
objections."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.enums import ArtefactStatus
from portal.files import random_name
from portal.models.choices import ChoiceLabels
from review.enums import (
    Decision,
    EntryStatus,
    NoticeAction,
    NoticeStatus,
    ObjectionFollowUp,
    ObjectionGround,
    ObjectionOutcome,
    ObjectionStatus,
    Outcome,
)
from surveys.models import Application, Candidate, Survey


class ClosableMeeting(models.Model):
    """A committee meeting, who set it up and when it was closed: once closed, its decisions are final."""

    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class NationalMeeting(ClosableMeeting):
    """A meeting of the National High-Tech Strategic Industry Committee (국가첨단전략산업위원회)."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="national_meetings")
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("meeting date"))
    attendees = models.TextField(_("attendees"), blank=True)
    chair = models.CharField(
        _("chair"),
        max_length=100,
        blank=True,
        help_text=_("For the specialised-complex committee: the Prime Minister."),
    )
    members_total = models.PositiveSmallIntegerField(_("members in office"), null=True, blank=True)
    members_present = models.PositiveSmallIntegerField(_("members present"), null=True, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)

    class Meta:
        verbose_name = _("national committee meeting")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return self.title


class Resolution(ChoiceLabels, models.Model):
    """The committee's decision on one candidate. Immutable once its meeting is closed (ORM and a PostgreSQL
    trigger); a correction is a new resolution that names the one it corrects."""

    meeting = models.ForeignKey(NationalMeeting, on_delete=models.PROTECT, related_name="resolutions")
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="resolutions")
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices)
    votes_for = models.PositiveSmallIntegerField(_("votes for"), null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField(_("votes against"), null=True, blank=True)
    votes_abstain = models.PositiveSmallIntegerField(_("abstentions"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    conditions = models.TextField(
        _("conditions"), blank=True, help_text=_("The conditions of a designation with conditions.")
    )
    corrects = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="correction",
        verbose_name=_("corrects"),
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("resolution")
        ordering = ["candidate__number", "recorded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "candidate"],
                condition=Q(corrects__isnull=True),
                name="one_resolution_per_candidate_per_meeting",
            ),
        ]

    def _refuse_when_closed(self):
        if self.pk and NationalMeeting.objects.filter(pk=self.meeting_id, closed_at__isnull=False).exists():
            raise ValidationError(
                _("The meeting is closed; its resolutions cannot change. Record a correction instead.")
            )

    def save(self, *args, **kwargs):
        self._refuse_when_closed()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_when_closed()
        return super().delete(*args, **kwargs)


class Notice(ChoiceLabels, models.Model):
    """A ministerial notice (고시): drafted, then published once."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="notices")
    number = models.CharField(
        _("notice number"), max_length=60, unique=True, help_text=_("For example 산업통상자원부 고시 제2026-17호")
    )
    title = models.CharField(_("title"), max_length=200)
    preamble = models.TextField(_("preamble"), blank=True)
    effective_on = models.DateField(_("effective date"))
    status = models.CharField(_("status"), max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pdf = models.FileField(upload_to=random_name("review/notices"), blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    # The PDF is asked for when the notice is published: blank before, then pending until it is ready.
    pdf_status = models.CharField(max_length=8, choices=ArtefactStatus.choices, blank=True, default="", db_default="")
    pdf_requested_at = models.DateTimeField(null=True, blank=True)
    pdf_attempts = models.PositiveSmallIntegerField(default=0, db_default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ministerial notice")
        ordering = ["-published_at", "-pk"]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def is_published(self) -> bool:
        return self.status == NoticeStatus.PUBLISHED

    @property
    def outcome_key(self) -> str:
        """What the notice lists: "technology", "complex" or "rnd" (the call's pipeline says)."""
        return self.survey.pipeline.outcome.key

    @property
    def lists_complexes(self) -> bool:
        """A notice of a specialised-complex call lists complexes (``complex_items``), never technologies."""
        return self.outcome_key == "complex"

    @property
    def lists_selection(self) -> bool:
        """A selection announcement of an international R&D call lists selected candidates (``selection_items``);
        it designates nothing."""
        return self.outcome_key == "rnd"


class RegisterRecord(models.Model):
    """What every entry of a public register keeps: its number, status, and the candidate and notice behind it."""

    number = models.CharField(_("register number"), max_length=32, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.ACTIVE)
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    notice = models.ForeignKey(
        Notice, on_delete=models.PROTECT, related_name="+", help_text="The notice behind the entry's current text."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class RegisterEntry(ChoiceLabels, RegisterRecord):
    """A designated technology in the public register; its history is in ``events``."""

    title = models.CharField(_("technology"), max_length=200)
    field_code = models.CharField(_("field"), max_length=20, db_index=True)
    scope = models.TextField(_("scope"), blank=True)
    specification = models.TextField(_("specification"), blank=True)
    sensitive = models.JSONField(_("security-sensitive parts"), default=list, blank=True)

    class Meta:
        verbose_name = _("designated technology")
        verbose_name_plural = _("register of designated technologies")
        ordering = ["field_code", "number"]

    def __str__(self):
        return f"{self.number} {self.title}"


class NoticeItem(ChoiceLabels, models.Model):
    """One technology in a notice: designated anew, or an amendment or revocation of a register entry."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(default=0)
    action = models.CharField(_("action"), max_length=10, choices=NoticeAction.choices, default=NoticeAction.DESIGNATE)
    candidate = models.ForeignKey(
        Candidate, on_delete=models.PROTECT, null=True, blank=True, related_name="notice_items"
    )
    entry = models.ForeignKey(
        RegisterEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="notice_items"
    )
    title = models.CharField(_("technology"), max_length=200)
    field_code = models.CharField(_("field"), max_length=20)
    scope = models.TextField(_("scope"), blank=True)
    specification = models.TextField(_("specification"), blank=True)
    sensitive = models.JSONField(
        _("security-sensitive parts"),
        default=list,
        blank=True,
        help_text=_("These parts are redacted on every public page and in the public PDF."),
    )

    class Meta:
        ordering = ["order", "pk"]


class RegisterEvent(ChoiceLabels, models.Model):
    """One step in a register entry's history: designated, amended or revoked by a notice."""

    entry = models.ForeignKey(RegisterEntry, on_delete=models.PROTECT, related_name="events")
    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="register_events")
    action = models.CharField(max_length=10, choices=NoticeAction.choices)
    snapshot = models.JSONField(encoder=DjangoJSONEncoder)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]


class Result(ChoiceLabels, models.Model):
    """The outcome an applicant is told when the notice is published."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="result")
    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="results")
    outcome = models.CharField(_("result"), max_length=16, choices=Outcome.choices)
    reason = models.TextField(_("reason"), blank=True)
    published_at = models.DateTimeField()
    objection_until = models.DateTimeField(_("objections until"))

    class Meta:
        verbose_name = _("result")

    @property
    def outcome_label(self) -> str:
        """The outcome in the words of the call's pipeline: a designation is a "designated specialised complex"
        for a complex call."""
        if self.outcome == Outcome.DESIGNATED:
            return str(self.application.survey.pipeline.outcome.label)
        if self.outcome == Outcome.NOT_SELECTED and self.application.survey.pipeline.outcome.key == "rnd":
            return str(_("Not selected"))
        return self.get_outcome_display()

    @property
    def outcome_display(self) -> str:
        """The outcome as the applicant's pages show it: "selected" or "not selected" for an international R&D call
        (never "not selected for the committee"), the outcome's own word otherwise."""
        if self.application.survey.pipeline.outcome.key == "rnd":
            return self.outcome_label
        return self.get_outcome_display()


class Objection(ChoiceLabels, models.Model):
    """An applicant's objection (이의신청) on procedure or facts, routed to reviewers who did not review it."""

    result = models.ForeignKey(Result, on_delete=models.PROTECT, related_name="objections")
    ground = models.CharField(_("ground"), max_length=10, choices=ObjectionGround.choices)
    body = models.TextField(_("objection"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.SUBMITTED
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=ObjectionOutcome.choices, blank=True)
    outcome_reason = models.TextField(_("reasons for the outcome"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    follow_up = models.CharField(
        _("follow-up"), max_length=16, choices=ObjectionFollowUp.choices, blank=True, default=ObjectionFollowUp.NONE
    )

    class Meta:
        verbose_name = _("objection")
        ordering = ["-submitted_at"]


class ObjectionStep(ChoiceLabels, models.Model):
    """One recorded step of an upheld objection's follow-up: the re-review begun, its findings referred to the
    national committee, the committee's re-deliberation and its decision."""

    objection = models.ForeignKey(Objection, on_delete=models.PROTECT, related_name="steps")
    state = models.CharField(_("follow-up"), max_length=16, choices=ObjectionFollowUp.choices)
    note = models.TextField(_("note"), blank=True)
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices, blank=True)
    #: The national committee's resolution that re-deliberated the candidate (the concluding step).
    resolution = models.ForeignKey(
        Resolution, on_delete=models.PROTECT, null=True, blank=True, related_name="objection_steps"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("objection follow-up step")
        ordering = ["at", "pk"]
        constraints = [models.UniqueConstraint(fields=["objection", "state"], name="objection_step_once")]


class ReReview(models.Model):
    """An upheld objection's re-review (재검토) of the candidate by an expert who did not review it before: scores
    and justifications per criterion on the call's scale, kept apart from the original reviews, which never change.
    """

    objection = models.ForeignKey(Objection, on_delete=models.PROTECT, related_name="re_reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="re_reviews")
    due_on = models.DateField(_("due"), null=True, blank=True)
    scores = models.JSONField(default=dict, encoder=DjangoJSONEncoder, help_text="criterion number → score")
    justifications = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    comment = models.TextField(_("overall comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    #: A re-reviewer who finds a conflict of interest, or cannot do it, declines with a reason.
    declined_at = models.DateTimeField(_("declined"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("re-review")
        verbose_name_plural = _("re-reviews")
        ordering = ["assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["objection", "reviewer"], name="re_review_once"),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True) | Q(declined_at__isnull=True), name="re_review_one_ending"
            ),
        ]

    @property
    def is_open(self) -> bool:
        return self.submitted_at is None and self.declined_at is None


class ObjectionOpinion(models.Model):
    """A reviewer's opinion on an objection."""

    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="opinions")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="objection_opinions")
    opinion = models.TextField(_("opinion"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    routed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    routed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["objection", "reviewer"], name="opinion_once")]
