from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models.choices import ChoiceLabels
from review.enums import AssignmentStatus, Recommendation
from surveys.models import Candidate, Survey


class Pledge(models.Model):
    """A reviewer's confidentiality pledge (보안서약서) for one call."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="pledges")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pledges")
    text = models.TextField()
    signed_name = models.CharField(_("name as signed"), max_length=100)
    signed_at = models.DateTimeField(auto_now_add=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "reviewer"], name="pledge_once")]


class Assignment(ChoiceLabels, models.Model):
    """A reviewer asked to review one candidate."""

    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="assignments")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments")
    status = models.CharField(
        _("status"), max_length=16, choices=AssignmentStatus.choices, default=AssignmentStatus.ASSIGNED, db_index=True
    )
    pseudonym = models.CharField(_("pseudonym"), max_length=20)
    #: The evaluation layer (1 unless the call evaluates in layers, as an international R&D call does).
    #: One assignment per candidate and reviewer: nobody sits in two layers for the same candidate.
    layer = models.PositiveSmallIntegerField(_("layer"), default=1, db_default=1)
    declared_at = models.DateTimeField(_("conflict declaration"), null=True, blank=True)
    declaration_note = models.TextField(_("declaration"), blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["candidate", "pseudonym"]
        constraints = [models.UniqueConstraint(fields=["candidate", "reviewer"], name="assignment_once")]
        indexes = [models.Index(fields=["reviewer", "status"])]

    def __str__(self):
        return f"{self.candidate.number} · {self.label}"

    @property
    def label(self) -> str:
        """How reviewers appear to each other: “평가위원 A”."""
        return _("Reviewer %(letter)s") % {"letter": self.pseudonym}


class Review(ChoiceLabels, models.Model):
    """One reviewer's scores (raw, never changed after submission) for one candidate."""

    assignment = models.OneToOneField(Assignment, on_delete=models.PROTECT, related_name="review")
    scores = models.JSONField(default=dict, encoder=DjangoJSONEncoder, help_text="criterion number → score")
    justifications = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    recommendation = models.CharField(
        _("overall recommendation"), max_length=16, choices=Recommendation.choices, blank=True
    )
    comment = models.TextField(_("overall comment"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")


class CandidateScore(models.Model):
    """A candidate's aggregate as of its last submitted review, kept so rankings sort and page in the database.

    The call, field, number and whether the candidate still stands on its own (not merged) are copied
    from the candidate, so a field's ranking is read from this table's index alone. ``basis`` names the
    review plan and criterion weights the figures were computed under; ``review.services.scores`` keeps
    the rows in step.
    """

    candidate = models.OneToOneField(Candidate, on_delete=models.CASCADE, primary_key=True, related_name="score")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+", db_index=False)
    field_code = models.CharField(_("field"), max_length=20, blank=True)
    number = models.CharField(_("candidate number"), max_length=32)
    active = models.BooleanField(default=True, help_text="False once the candidate was merged into another")
    value = models.DecimalField(_("aggregate"), max_digits=6, decimal_places=2, null=True)
    reviews = models.PositiveSmallIntegerField(_("submitted reviews"), default=0)
    spread = models.DecimalField(_("spread"), max_digits=6, decimal_places=2, null=True)
    flagged = models.BooleanField(_("disagreement"), default=False)
    per_criterion = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    basis = models.CharField(max_length=64)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("stored aggregate")
        verbose_name_plural = _("stored aggregates")
        indexes = [
            # A field's rows, read in ranking order (SQLite has no NULLS LAST in an index: the field's
            # rows are found by the index and the unreviewed moved last by the sort).
            models.Index(fields=["survey", "field_code", "active", "-value", "number"], name="score_ranking"),
        ]

    def __str__(self):
        return f"{self.number}: {self.value}"


class ExclusionRequest(models.Model):
    """An expert the applicant asked not to be reviewed by (matched by e-mail or name)."""

    application = models.ForeignKey("surveys.Application", on_delete=models.CASCADE, related_name="exclusion_requests")
    email = models.EmailField(_("e-mail"), blank=True)
    name = models.CharField(_("name"), max_length=100, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
