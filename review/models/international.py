"""The international R&D call's multi-layer anonymous evaluation, its selection within quotas and its
selection announcement.

Layers are data on the call (``EvaluationLayer``): layer 1 is anonymous expert scoring (the ordinary
``Assignment``/``Review`` with ``Assignment.layer == 1``); layers 2 and 3 are independent anonymous panels
whose members (``Assignment.layer == n``) record a ``PanelJudgement``. ``Assignment`` is unique per
candidate and reviewer, so no expert sits in two layers for the same candidate. When a layer is closed,
its result per candidate is kept in ``LayerOutcome``; the next layer reads that, never who gave it.

The secretary proposes a selection per category (``SelectionProposal``); the selection committee decides
it at a minuted ``SelectionMeeting`` and closes each category (``CategoryClosure``) within its quota. The
selection announcement is a ``Notice`` whose items are ``SelectionItem`` rows.
"""

from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models.choices import ChoiceLabels
from review.enums import EssentialRule, LayerKind, SelectionDecision
from review.models.national import ClosableMeeting, Notice
from surveys.models import Candidate, Category, Survey

#: A call has two or three layers.
MAX_LAYERS = 3


class EvaluationLayer(ChoiceLabels, models.Model):
    """One layer of a call's evaluation and its rules."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="evaluation_layers")
    number = models.PositiveSmallIntegerField(_("layer"))
    kind = models.CharField(_("kind"), max_length=10, choices=LayerKind.choices)
    name = models.CharField(_("name"), max_length=100)
    reviewers_per_candidate = models.PositiveSmallIntegerField(_("members per candidate"), default=3)
    essential_rule = models.CharField(
        _("international cooperation is essential when"),
        max_length=10,
        choices=EssentialRule.choices,
        default=EssentialRule.MAJORITY,
    )
    max_adjustment = models.PositiveSmallIntegerField(
        _("largest ranking adjustment (places)"),
        default=3,
        help_text=_("A panel member may move a candidate up or down by at most this many places, with a reason."),
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("evaluation layer")
        verbose_name_plural = _("evaluation layers")
        ordering = ["survey", "number"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "number"], name="evaluation_layer_once"),
            models.CheckConstraint(
                condition=models.Q(number__gte=1, number__lte=MAX_LAYERS), name="evaluation_layer_number_range"
            ),
            # Layer 1 scores; the layers after it are panels.
            models.CheckConstraint(
                condition=models.Q(number=1, kind=LayerKind.SCORING) | models.Q(number__gt=1, kind=LayerKind.PANEL),
                name="evaluation_layer_kind_by_number",
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def is_panel(self) -> bool:
        return self.kind == LayerKind.PANEL


class PanelJudgement(models.Model):
    """A panel member's judgement of one candidate: is international cooperation essential, and should the
    candidate move in the ranking?"""

    assignment = models.OneToOneField("review.Assignment", on_delete=models.PROTECT, related_name="judgement")
    essential = models.BooleanField(_("international cooperation is essential"), null=True)
    essential_reason = models.TextField(_("reasons"), blank=True)
    adjustment = models.SmallIntegerField(
        _("ranking adjustment"),
        default=0,
        help_text=_("Places up (positive) or down (negative); 0 leaves the ranking as layer 1 gave it."),
    )
    adjustment_reason = models.TextField(_("reason for the adjustment"), blank=True)
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("panel judgement")
        verbose_name_plural = _("panel judgements")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(adjustment=0) | ~models.Q(adjustment_reason=""),
                name="panel_adjustment_has_reason",
            ),
        ]


class LayerOutcome(models.Model):
    """What a closed layer concluded about one candidate; later layers and the selection read this."""

    layer = models.ForeignKey(EvaluationLayer, on_delete=models.CASCADE, related_name="outcomes")
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="layer_outcomes")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    #: Layer 1: the aggregate score; panel layers carry it forward.
    score = models.DecimalField(_("aggregate"), max_digits=6, decimal_places=2, null=True)
    #: The place within the category after this layer (1 is first).
    rank = models.PositiveIntegerField(_("rank"), null=True)
    essential = models.BooleanField(_("international cooperation is essential"), null=True)
    essential_yes = models.PositiveSmallIntegerField(default=0)
    essential_no = models.PositiveSmallIntegerField(default=0)
    adjustment = models.DecimalField(_("mean adjustment"), max_digits=5, decimal_places=2, default=Decimal("0"))
    members = models.PositiveSmallIntegerField(_("members who judged"), default=0)
    basis = models.CharField(max_length=120, blank=True)
    #: Anonymous comments and reasons ({"comments": [...], "reasons": [...]}), in a fixed shuffled order.
    detail = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("layer outcome")
        ordering = ["layer", "category", "rank"]
        constraints = [models.UniqueConstraint(fields=["layer", "candidate"], name="layer_outcome_once")]


class SelectionMeeting(ClosableMeeting):
    """A meeting of the selection committee, with its minutes."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="selection_meetings")
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    chair = models.CharField(_("chair"), max_length=100)
    members_present = models.PositiveSmallIntegerField(_("members present"))
    minutes = models.TextField(_("minutes"))

    class Meta:
        verbose_name = _("selection committee meeting")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.survey} · {self.held_on}"


class SelectionProposal(ChoiceLabels, models.Model):
    """The secretary's proposal for one candidate, and the selection committee's decision on it."""

    candidate = models.OneToOneField(Candidate, on_delete=models.PROTECT, related_name="selection")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="proposals")
    rank = models.PositiveIntegerField(_("proposed rank"))
    proposed = models.BooleanField(_("proposed for selection"), default=False)
    note = models.TextField(_("secretary's note"), blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now=True)
    decision = models.CharField(_("decision"), max_length=16, choices=SelectionDecision.choices, blank=True)
    reason = models.TextField(_("reasons"), blank=True)
    meeting = models.ForeignKey(
        SelectionMeeting, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("selection proposal")
        ordering = ["category", "rank", "pk"]


class CategoryClosure(models.Model):
    """A category whose selection the committee closed, within its quota."""

    category = models.OneToOneField(Category, on_delete=models.PROTECT, related_name="closure")
    meeting = models.ForeignKey(SelectionMeeting, on_delete=models.PROTECT, related_name="closures")
    selected = models.PositiveIntegerField(_("selected"))
    quota = models.PositiveIntegerField(_("quota"))
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("closed category")
        constraints = [
            models.CheckConstraint(condition=models.Q(selected__lte=models.F("quota")), name="closure_within_quota"),
        ]


class SelectionItem(models.Model):
    """One selected technology in a selection announcement, as printed and as listed in public."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="selection_items")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    order = models.PositiveIntegerField(_("order"))
    title = models.CharField(_("technology"), max_length=200)
    field_code = models.CharField(_("field"), max_length=20, blank=True)
    #: ISO 3166 codes of the partner institutions' countries, in the proposal's order.
    partner_countries = models.JSONField(_("partner countries"), default=list, blank=True)
    first_year_budget = models.DecimalField(
        _("first-year budget (KRW 100 million)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    horizon_years = models.PositiveSmallIntegerField(_("horizon (years)"))

    class Meta:
        verbose_name = _("selected technology")
        ordering = ["category", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["notice", "candidate"], name="selection_item_once")]

    def __str__(self):
        return self.title
