import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message in a person's in-app inbox: a copy of a mail the portal sent them.

    Written by ``mail_queue()`` in the same transaction as the mail, so the inbox holds exactly
    what the person was told, also when a reminder's mail was turned off in their preferences.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    mail = models.OneToOneField(
        "portal.OutboundMail", on_delete=models.SET_NULL, null=True, blank=True, related_name="notification"
    )
    kind = models.CharField(_("kind"), max_length=100)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_user_recent"),
            models.Index(fields=["user"], condition=models.Q(read_at__isnull=True), name="notification_user_unread"),
        ]

    def __str__(self):
        return self.subject

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class UserSettings(models.Model):
    """A person's own settings: which reminder mails they receive and their calendar feed's secret token."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="portal_settings"
    )
    muted_mail = models.JSONField(
        _("reminders not sent by mail"),
        default=list,
        blank=True,
        help_text=_("Mail kinds (templates) this person receives only in the inbox."),
    )
    calendar_token = models.CharField(max_length=64, null=True, blank=True, unique=True)
    calendar_token_created_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("user settings")
        verbose_name_plural = _("user settings")

    def __str__(self):
        return str(self.user)
