from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.files import random_name
from portal.models.choices import ChoiceLabels
from review.enums import BundleKind, RenderStatus
from surveys.models import Survey


class Bundle(ChoiceLabels, models.Model):
    """A ZIP of a call's applications built by Celery with its progress recorded, kept for a week.

    ``intake``: the ministry's download of the received applications as filtered on the intake list (each one's
    latest version PDF and attachments, a folder per field and receipt number). ``blind``: a reviewer's own
    assignments as the blind copies the reviewer pages show. Only the person who asked opens it.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="bundles")
    kind = models.CharField(_("kind"), max_length=8, choices=BundleKind.choices)
    filters = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=8, choices=RenderStatus.choices, default=RenderStatus.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=random_name("review/bundles"), blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    application_ids = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("download bundle")
        verbose_name_plural = _("download bundles")
        ordering = ["-requested_at"]

    def __str__(self):
        return f"{self.survey} — {self.get_kind_display()} #{self.pk}"

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0
