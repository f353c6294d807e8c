from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.enums import MailStatus
from portal.models.choices import ChoiceLabels


class OutboundMail(ChoiceLabels, models.Model):
    """One e-mail to one recipient, rendered when queued and sent by a Celery task.

    The row is written in the same transaction as the change that caused it, so a mail is
    never lost to a broker outage: stale queued rows are sent again by the beat schedule.
    """

    template = models.CharField(_("template"), max_length=100)
    to = models.EmailField(_("recipient"))
    language = models.CharField(_("language"), max_length=8, default="ko")
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=MailStatus.choices, default=MailStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    topic = models.CharField(
        _("topic"),
        max_length=120,
        blank=True,
        db_index=True,
        help_text=_("What the mail is about, e.g. surveys.invitation:12, to find it again."),
    )
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("outbound mail")
        verbose_name_plural = _("outbound mail")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.to}: {self.subject}"
