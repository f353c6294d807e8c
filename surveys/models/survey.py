import uuid
from datetime import time

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.enums import OrganizationType
from portal.files import random_name
from portal.models.choices import ChoiceLabels
from surveys.enums import AssociationChannel, QuestionType, SurveyKind, SurveyStage
from surveys.pipelines import gate_q, pipeline_of, survey_in_gate

from .field import Field

DEFAULT_DEADLINE_TIME = time(18, 0)


def default_score_anchors() -> list[str]:
    return ["매우 미흡", "미흡", "보통", "우수", "매우 우수"]


class SurveyQuerySet(models.QuerySet):
    def public(self):
        return self.in_gate("public")

    def in_gate(self, name: str):
        """Calls whose gate ``name`` (``surveys.pipelines``) is open now."""
        return self.filter(gate_q(name))


def _bilingual(ko: str, en: str) -> str:
    return en if get_language() == "en" and en else ko


class Survey(ChoiceLabels, models.Model):
    """A call (공고): what MOTIE asks for, from whom, by when, and how it will be judged."""

    kind = models.CharField(_("kind"), max_length=20, choices=SurveyKind.choices, default=SurveyKind.TECHNOLOGY)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=200, blank=True)
    description = models.TextField(_("description"))
    description_en = models.TextField(_("English description"), blank=True)
    legal_basis = models.CharField(
        _("legal basis"),
        max_length=300,
        blank=True,
        default="국가첨단전략산업법 제11조, 같은 법 시행령 제14조",
    )
    code = models.CharField(
        _("receipt code"),
        max_length=10,
        help_text=_("Letters used in receipt numbers, e.g. ROB gives 2026-ROB-0001."),
    )
    fields = models.ManyToManyField(Field, related_name="surveys", verbose_name=_("fields"))
    eligible_types = models.JSONField(
        _("eligible organisation types"),
        default=list,
        help_text=_("Organisation types that may apply."),
    )
    stage = models.CharField(
        _("stage"), max_length=24, choices=SurveyStage.choices, default=SurveyStage.DRAFT, db_index=True
    )
    opens_at = models.DateTimeField(_("opening"))
    deadline = models.DateTimeField(_("deadline"), help_text=_("Korea time; 18:00 unless the call says otherwise."))
    review_starts_on = models.DateField(_("technical review from"), null=True, blank=True)
    hearing_starts_on = models.DateField(_("hearing from"), null=True, blank=True)
    hearing_ends_on = models.DateField(_("hearing until"), null=True, blank=True)
    committee_on = models.DateField(_("national committee"), null=True, blank=True)
    notice_on = models.DateField(_("notice"), null=True, blank=True)
    with_hearing = models.BooleanField(
        _("public hearing"),
        default=False,
        help_text=_("Specialised-complex calls hold a hearing on the candidate list only when the call asks for one."),
    )
    contact = models.CharField(_("contact for questions"), max_length=200, blank=True)
    association_channel = models.CharField(
        _("association channel"),
        max_length=16,
        choices=AssociationChannel.choices,
        default=AssociationChannel.OPTIONAL,
    )
    score_min = models.PositiveSmallIntegerField(_("lowest score"), default=1)
    score_max = models.PositiveSmallIntegerField(_("highest score"), default=5)
    half_points = models.BooleanField(_("half points allowed"), default=False)
    blind_version_required = models.BooleanField(
        _("blind version of each attachment required"),
        default=False,
        help_text=_(
            "Applicants upload, for each attachment, a version without their names, numbers and contact "
            "details; reviewers receive only that version."
        ),
    )
    score_anchors = models.JSONField(
        _("score descriptions"),
        default=default_score_anchors,
        blank=True,
        help_text=_("What each score means, from the lowest to the highest, one per line."),
    )
    objection_days = models.PositiveSmallIntegerField(
        _("objection window (days)"),
        default=14,
        help_text=_("Applicants may object to their result for this many days after the notice is published."),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    #: Replaced whenever what the application form is built from changes (its fields, criteria, questions):
    #: built form classes are kept per stamp, so a stale one is never looked up again.
    form_stamp = models.UUIDField(default=uuid.uuid4, editable=False)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-deadline", "-pk"]

    def __str__(self):
        return self.title

    @property
    def display_title(self) -> str:
        return _bilingual(self.title, self.title_en)

    @property
    def display_description(self) -> str:
        return _bilingual(self.description, self.description_en)

    @property
    def pipeline(self):
        return pipeline_of(self)

    def in_gate(self, name: str) -> bool:
        return survey_in_gate(self, name)

    @property
    def stage_label(self) -> str:
        return str(self.pipeline.label(self.stage))

    @property
    def is_public(self) -> bool:
        return self.in_gate("public")

    @property
    def is_open(self) -> bool:
        now = timezone.now()
        return self.in_gate("collection") and self.opens_at <= now < self.deadline

    def eligible_type_labels(self) -> list[str]:
        return [OrganizationType(t).label for t in self.eligible_types if t in OrganizationType.values]


class Criterion(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="criteria")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("criterion"), max_length=200)
    title_en = models.CharField(_("English"), max_length=200, blank=True)
    description = models.TextField(_("guidance for applicants and reviewers"), blank=True)
    weight = models.DecimalField(_("weight"), max_digits=4, decimal_places=2, default=1)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["survey", "number"], name="criterion_number_once")]

    def __str__(self):
        return f"{self.number}. {self.display_title}"

    @property
    def display_title(self) -> str:
        return _bilingual(self.title, self.title_en)


class Question(ChoiceLabels, models.Model):
    """An extra question the ministry adds to a call's form."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    type = models.CharField(_("type"), max_length=16, choices=QuestionType.choices)
    label = models.CharField(_("question"), max_length=300)
    label_en = models.CharField(_("English"), max_length=300, blank=True)
    help_text = models.CharField(_("help text"), max_length=500, blank=True)
    required = models.BooleanField(_("required"), default=False)
    choices = models.JSONField(_("choices"), default=list, blank=True, help_text=_("One per line."))

    class Meta:
        verbose_name = _("extra question")
        verbose_name_plural = _("extra questions")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.display_label

    @property
    def display_label(self) -> str:
        return _bilingual(self.label, self.label_en)

    @property
    def field_name(self) -> str:
        return f"q_{self.pk}"


class GuidanceFile(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="guidance_files")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=random_name("surveys/guidance"))
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("guidance file")
        verbose_name_plural = _("guidance files")
        ordering = ["pk"]

    def __str__(self):
        return self.title


class Briefing(models.Model):
    """A briefing session (설명회) announced on the call page."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="briefings")
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=300)
    description = models.TextField(_("details"), blank=True)
    materials = models.FileField(_("materials"), upload_to=random_name("surveys/briefings"), blank=True)
    materials_name = models.CharField(max_length=255, blank=True)
    seats = models.PositiveIntegerField(
        _("seats"),
        null=True,
        blank=True,
        help_text=_("Leave empty when sign-up is not needed or not limited."),
    )
    signup_open = models.BooleanField(_("sign-up open"), default=False)

    class Meta:
        verbose_name = _("briefing session")
        verbose_name_plural = _("briefing sessions")
        ordering = ["starts_at"]

    def __str__(self):
        return f"{self.survey} — {self.starts_at:%Y-%m-%d}"


class Category(models.Model):
    """A category of an international R&D call, with its horizon and how many candidates it may select."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="categories")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("category"), max_length=100)
    name_en = models.CharField(_("English"), max_length=100, blank=True)
    horizon_years = models.PositiveSmallIntegerField(_("horizon (years)"))
    quota = models.PositiveIntegerField(_("quota"))

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["survey", "name"], name="category_name_once")]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return _bilingual(self.name, self.name_en)


class ListedTechnology(models.Model):
    """A technology on the candidate list the ministry publishes for applicants to choose from."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="listed_technologies")
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("technology"), max_length=200)
    field_code = models.CharField(_("field"), max_length=20)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="listed_technologies")

    class Meta:
        verbose_name = _("listed technology")
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["survey", "number"], name="listed_technology_number_once")]

    def __str__(self):
        return f"{self.number}. {self.title}"


class BriefingSignup(models.Model):
    """A seat at a briefing session, taken by a member of an organisation."""

    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="signups")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="briefing_signups")
    organization = models.ForeignKey(
        "portal.Organization", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    attendees = models.PositiveSmallIntegerField(_("people attending"), default=1)
    question = models.TextField(_("question for the session"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("briefing sign-up")
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["briefing", "user"], name="briefing_signup_once")]
