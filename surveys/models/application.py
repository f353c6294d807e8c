from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.enums import ArtefactStatus
from portal.files import random_name
from portal.models import Organization
from portal.models.choices import ChoiceLabels
from surveys.enums import ApplicationStatus, Channel, ProvenanceKind

from .survey import Question, Survey


class Application(ChoiceLabels, models.Model):
    """One candidate technology (or complex) an organisation proposes in answer to a call."""

    # survey, organization, association, status and field are indexed together with what they are
    # looked up by (Meta.indexes), not alone: every index of this table is weighed for each of its joins
    # when PostgreSQL plans a list's query, and that weighing cost more than running the query.
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="applications", db_index=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="applications", db_index=False
    )
    status = models.CharField(
        _("status"),
        max_length=24,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.DIRECT)
    association = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="collected_applications",
        verbose_name=_("through association"),
        db_index=False,
    )
    candidate = models.ForeignKey(
        "Candidate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("candidate"),
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    correction_due = models.DateField(_("correction due"), null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    field_code = models.CharField(_("field"), max_length=20, blank=True)
    missing_count = models.PositiveSmallIntegerField(_("missing items"), default=0)
    title = models.CharField(_("technology name"), max_length=200, blank=True)
    answers = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    revision = models.PositiveIntegerField(
        default=0, help_text="Raised by every save; a save that started from an older one is refused."
    )
    receipt_number = models.CharField(_("receipt number"), max_length=32, unique=True, null=True, blank=True)
    version_count = models.PositiveIntegerField(_("versions"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("last submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["survey", "status"]),
            models.Index(fields=["organization", "survey"]),
            models.Index(fields=["survey", "field_code"], name="application_survey_field"),
            # The intake list's default order, and the latest change of a call's applications (its summary's key).
            models.Index(fields=["survey", "-submitted_at", "id"], name="application_received_order"),
            models.Index(fields=["survey", "updated_at"], name="application_survey_changed"),
            # An association's collection list, newest first.
            models.Index(fields=["association", "survey", "-submitted_at", "-id"], name="application_association_list"),
        ]

    def __str__(self):
        return self.receipt_number or self.title or f"#{self.pk}"

    @property
    def display_title(self) -> str:
        return self.title or _("(untitled draft)")


class ApplicationVersion(ChoiceLabels, models.Model):
    """A submitted version: every answer and each attachment's SHA-256, never changed again.

    On PostgreSQL a trigger refuses any UPDATE of the snapshot and any DELETE; only the PDF
    reference may be filled in once, after the version is written, and the PDF's status changed.
    """

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    answers = models.JSONField(encoder=DjangoJSONEncoder)
    attachments = models.JSONField(default=list, encoder=DjangoJSONEncoder)
    title = models.CharField(max_length=200)
    receipt_number = models.CharField(max_length=32)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()
    pdf = models.FileField(upload_to=random_name("surveys/receipts"), blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    # The PDF's own state, outside the immutable snapshot: queued (again) at pdf_requested_at.
    pdf_status = models.CharField(
        max_length=8, choices=ArtefactStatus.choices, default=ArtefactStatus.PENDING, db_default=ArtefactStatus.PENDING
    )
    pdf_requested_at = models.DateTimeField(default=timezone.now, db_default=Now())
    pdf_attempts = models.PositiveSmallIntegerField(default=0, db_default=0)

    class Meta:
        verbose_name = _("submitted version")
        verbose_name_plural = _("submitted versions")
        ordering = ["application", "number"]
        constraints = [models.UniqueConstraint(fields=["application", "number"], name="version_number_once")]

    def __str__(self):
        return f"{self.receipt_number} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Submitted versions are immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Submitted versions are immutable.")


class Attachment(models.Model):
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="attachments")
    question = models.ForeignKey(
        Question,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Set when the file answers one of the call's file questions.",
    )
    file = models.FileField(upload_to=random_name("surveys/attachments"))
    original_name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("type"), max_length=8)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    blind_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="blind_versions",
        help_text="Set on the blind version of another attachment, for calls that ask for one.",
    )
    partner_row = models.PositiveSmallIntegerField(
        _("partner institution"),
        null=True,
        blank=True,
        help_text="Set on the agreement of a partner institution: its row in the proposal's partner list, from 1.",
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


class BlindCopy(ChoiceLabels, models.Model):
    """What reviewers and committees receive of an attachment: the same content without its document
    properties (PDF info and XMP, OOXML and HWPX properties, image metadata). Made once per content (SHA-256)
    and stored; the text is kept for the intake scan for names and numbers."""

    class Status(models.TextChoices):
        READY = "ready", _("Blind copy ready")
        UNREADABLE = "unreadable", _("The file could not be read")
        UNSUPPORTED = "unsupported", _("This file type cannot be made blind")

    sha256 = models.CharField(max_length=64, unique=True)
    kind = models.CharField(_("type"), max_length=8)
    status = models.CharField(max_length=12, choices=Status.choices)
    file = models.FileField(upload_to=random_name("surveys/blind"), blank=True)
    text = models.TextField(blank=True, help_text="The document's text, for the scan for names and numbers.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("blind copy")
        verbose_name_plural = _("blind copies")

    def __str__(self):
        return f"{self.sha256[:12]} ({self.status})"


class DeadlineExtension(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="extensions")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    deadline = models.DateTimeField(_("new deadline"))
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "organization"], name="one_extension_per_organisation")
        ]

    def __str__(self):
        return f"{self.organization} → {self.deadline}"


class ReceiptCounter(models.Model):
    """The last receipt number handed out per call and year."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "year"], name="receipt_counter_once")]


class ApplicationEvent(ChoiceLabels, models.Model):
    """Provenance: who drafted, submitted, endorsed, forwarded, accepted or returned it, and when."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("step"), max_length=24, choices=ProvenanceKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.TextField(_("note"), blank=True)
    version_number = models.PositiveIntegerField(null=True, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("provenance step")
        verbose_name_plural = _("provenance")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.application} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class AssociationDeadline(models.Model):
    """An association's own collection deadline, before the ministry's."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="association_deadlines")
    association = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    deadline = models.DateTimeField(_("internal deadline"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "association"], name="one_internal_deadline")]


class ForwardBatch(models.Model):
    """Applications an association forwarded to the ministry together, with a cover letter."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="forward_batches")
    association = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    cover_letter = models.TextField(_("cover letter"))
    forwarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    applications = models.ManyToManyField(Application, related_name="forward_batches")

    class Meta:
        verbose_name = _("forwarding")
        verbose_name_plural = _("forwardings")
        ordering = ["-created_at"]


class Candidate(models.Model):
    """A candidate technology under review: one or more merged applications about the same thing."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="candidates")
    number = models.CharField(_("candidate number"), max_length=32, unique=True)
    title = models.CharField(_("technology name"), max_length=200)
    field_code = models.CharField(_("field"), max_length=20, blank=True)
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("candidate technology")
        verbose_name_plural = _("candidate technologies")
        ordering = ["number"]
        # A field's candidates (rankings, committee pages).
        indexes = [models.Index(fields=["survey", "field_code", "number"], name="candidate_field_order")]

    def __str__(self):
        return f"{self.number} {self.title}"
