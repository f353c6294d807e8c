"""Who looked at which application's content, when and from where (열람 기록)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models.choices import ChoiceLabels


class AccessAction(models.TextChoices):
    VIEW = "view", _("Viewed the application")
    EDIT_VIEW = "edit_view", _("Opened the application form")
    VERSION_VIEW = "version_view", _("Viewed a submitted version")
    VERSION_PDF = "version_pdf", _("Downloaded a version PDF")
    RECORD_PDF = "record_pdf", _("Downloaded the application record")
    DRAFT_PDF = "draft_pdf", _("Downloaded the draft as PDF")
    BUNDLE = "bundle", _("Downloaded in a ZIP bundle")
    ATTACHMENT = "attachment", _("Downloaded an attachment")
    DIFF = "diff", _("Compared versions")
    INTAKE_VIEW = "intake_view", _("Viewed at intake")
    ASSOCIATION_VIEW = "association_view", _("Viewed by the association")
    REVIEW_VIEW = "review_view", _("Viewed for review (redacted)")
    REVIEW_PDF = "review_pdf", _("Downloaded the reviewer PDF")
    REVIEW_ATTACHMENT = "review_attachment", _("Downloaded an attachment for review")


class AccessEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Access events are append-only.")


class AccessEvent(ChoiceLabels, models.Model):
    """One view or download of an application's content. Append-only; kept for ``ACCESS_LOG_RETENTION_DAYS``."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("account")
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    application = models.ForeignKey(
        "surveys.Application", on_delete=models.PROTECT, related_name="+", verbose_name=_("application")
    )
    action = models.CharField(_("action"), max_length=20, choices=AccessAction.choices)
    detail = models.CharField(_("detail"), max_length=200, blank=True)

    objects = AccessEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("access event")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["application", "at"]), models.Index(fields=["user", "at"])]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Access events are append-only.")
        super().save(*args, **kwargs)
