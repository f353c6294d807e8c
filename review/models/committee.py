"""Stage 3 after scoring: the field subcommittees, the technical coordination committee and the hearing."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.files import random_name
from portal.models.choices import ChoiceLabels
from review.enums import HearingChange, RenderStatus, Stance, SubcommitteeRecommendation
from surveys.models import Candidate, Survey


class SubcommitteeMeeting(models.Model):
    """The subcommittee (분과위원회) of one field of a call, with its minutes."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="subcommittee_meetings")
    field_code = models.CharField(_("field"), max_length=20)
    held_on = models.DateField(_("meeting date"), null=True, blank=True)
    attendees = models.TextField(_("attendees"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("subcommittee meeting")
        constraints = [models.UniqueConstraint(fields=["survey", "field_code"], name="one_subcommittee_per_field")]


class SubcommitteeDecision(ChoiceLabels, models.Model):
    """The subcommittee's recommendation for one candidate."""

    candidate = models.OneToOneField(Candidate, on_delete=models.PROTECT, related_name="subcommittee_decision")
    meeting = models.ForeignKey(SubcommitteeMeeting, on_delete=models.PROTECT, related_name="decisions")
    recommendation = models.CharField(_("recommendation"), max_length=16, choices=SubcommitteeRecommendation.choices)
    rationale = models.TextField(_("rationale"))
    conditions = models.TextField(
        _("conditions"), blank=True, help_text=_("The conditions of a designation with conditions.")
    )
    aggregate = models.DecimalField(
        _("aggregate at the meeting"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("subcommittee recommendation")


class CommitteeConfirmation(models.Model):
    """The technical coordination committee's (기술조정위원회) confirmation of a call's candidate list."""

    survey = models.OneToOneField(Survey, on_delete=models.PROTECT, related_name="committee_confirmation")
    held_on = models.DateField(_("meeting date"))
    minutes = models.TextField(_("minutes"))
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("committee confirmation")


class ConfirmedCandidate(models.Model):
    """A candidate on the confirmed list; the hearing may take it off again (``removed_by``)."""

    confirmation = models.ForeignKey(CommitteeConfirmation, on_delete=models.CASCADE, related_name="entries")
    candidate = models.OneToOneField(Candidate, on_delete=models.PROTECT, related_name="confirmed")
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        "HearingComment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The hearing comment that led to the removal."),
    )

    class Meta:
        ordering = ["candidate__field_code", "candidate__number"]


class HearingComment(ChoiceLabels, models.Model):
    """A comment for, against or neutral on a confirmed candidate, and the ministry's public answer."""

    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="hearing_comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="hearing_comments")
    stance = models.CharField(_("stance"), max_length=8, choices=Stance.choices)
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(_("ministry's answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    change = models.CharField(
        _("change caused"), max_length=8, choices=HearingChange.choices, default=HearingChange.NONE
    )
    change_summary = models.TextField(_("what changed"), blank=True)

    class Meta:
        verbose_name = _("hearing comment")
        verbose_name_plural = _("hearing comments")
        ordering = ["created_at"]
        indexes = [models.Index(fields=["candidate", "created_at"])]


class CommitteeBook(ChoiceLabels, models.Model):
    """The committee book (심의자료) PDF of one field, rendered by Celery with its progress recorded."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="committee_books")
    field_code = models.CharField(_("field"), max_length=20)
    status = models.CharField(max_length=8, choices=RenderStatus.choices, default=RenderStatus.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=random_name("review/books"), blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # When it was last handed to Celery, and how many renderings started: the beat queues a book
    # still queued or running ARTEFACT_REQUEUE_MINUTES after queued_at again.
    queued_at = models.DateTimeField(default=timezone.now, db_default=Now())
    attempts = models.PositiveSmallIntegerField(default=0, db_default=0)

    class Meta:
        ordering = ["-requested_at"]

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0
