from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models.choices import ChoiceLabels


class DocumentKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt of a submitted version")
    NOTICE = "notice", _("Designation notice")
    BOOK = "book", _("Committee book")


class SignatureStatus(models.TextChoices):
    SIGNED = "signed", _("Signed")
    PENDING = "pending", _("Not yet signed")


class SignedDocument(ChoiceLabels, models.Model):
    """The signature state of one issued PDF (a receipt, a notice, a committee book).

    ``source_name`` is the PDF as first stored on the record itself. When signing failed then,
    that file is unsigned and the beat retries; the signed copy goes to ``file`` (the record's
    own file may be immutable) and is what downloads serve from then on. ``sha256`` is always
    the SHA-256 of the PDF the portal serves now.
    """

    kind = models.CharField(_("kind"), max_length=10, choices=DocumentKind.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    reference = models.CharField(_("reference"), max_length=64, db_index=True)
    label = models.CharField(_("label"), max_length=100, blank=True)
    source_name = models.CharField(max_length=300)
    source_sha256 = models.CharField(max_length=64, db_index=True)
    file = models.FileField(_("signed file"), upload_to="signed/%Y/%m/", max_length=300, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=SignatureStatus.choices)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)

    class Meta:
        verbose_name = _("signed document")
        verbose_name_plural = _("signed documents")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="portal_signeddocument_one_per_record"),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.reference} {self.label}".strip()

    @property
    def is_signed(self) -> bool:
        return self.status == SignatureStatus.SIGNED
