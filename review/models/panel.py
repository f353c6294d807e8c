from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import Organization
from portal.models.choices import ChoiceLabels
from review.enums import AggregationRule
from surveys.models import Survey


class ReviewerProfile(models.Model):
    """An outside expert in the reviewer pool."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviewer_profile")
    organization_name = models.CharField(_("organisation"), max_length=200)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The registered organisation the expert works for, when there is one."),
    )
    expertise = models.CharField(_("expertise"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("reviewer")
        verbose_name_plural = _("reviewer pool")

    def __str__(self):
        return f"{self.user.name} ({self.organization_name})"


class ReviewerConflict(models.Model):
    """An organisation a reviewer declared a standing conflict with (former employer, family, …)."""

    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="declared_conflicts")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["reviewer", "organization"], name="conflict_once")]


class ReviewPlan(ChoiceLabels, models.Model):
    """How a call is reviewed: reviewers per candidate, the aggregation rule and the flags."""

    survey = models.OneToOneField(Survey, on_delete=models.CASCADE, related_name="review_plan")
    reviewers_per_candidate = models.PositiveSmallIntegerField(_("reviewers per candidate"), default=5)
    aggregation = models.CharField(
        _("aggregation"), max_length=16, choices=AggregationRule.choices, default=AggregationRule.TRIMMED_MEAN
    )
    trim_min_reviews = models.PositiveSmallIntegerField(
        _("trim from this many reviews"),
        default=5,
        help_text=_("The trimmed mean drops the highest and lowest only with at least this many reviews."),
    )
    disagreement_spread = models.DecimalField(
        _("disagreement threshold (points)"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("2.00"),
        help_text=_("A candidate is flagged when its reviewers' totals differ by more than this."),
    )
    due_on = models.DateField(_("reviews due"), null=True, blank=True)

    class Meta:
        verbose_name = _("review plan")


class Panel(models.Model):
    """The reviewers of one field of a call."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="panels")
    field_code = models.CharField(_("field"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    #: The evaluation layer this panel serves (1 unless the call evaluates in layers).
    layer = models.PositiveSmallIntegerField(_("layer"), default=1, db_default=1)

    class Meta:
        verbose_name = _("panel")
        verbose_name_plural = _("panels")
        constraints = [
            models.UniqueConstraint(fields=["survey", "layer", "field_code"], name="one_panel_per_field_and_layer"),
        ]
        ordering = ["layer", "field_code"]

    def __str__(self):
        return self.name


class PanelMember(models.Model):
    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="members")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="panel_memberships")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["panel", "reviewer"], name="panel_member_once")]
