from django.conf import settings
from django.core import signing
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.enums import MailStatus
from portal.models import Organization, OutboundMail
from portal.models.choices import ChoiceLabels

from .survey import Survey


class Recipient(ChoiceLabels, models.Model):
    """An addressee of a call's invitation; its delivery state is that of its latest mail."""

    class Source(models.TextChoices):
        SELECTION = "selection", _("Chosen by type and field")
        IMPORT = "import", _("Imported")
        MANUAL = "manual", _("Added by hand")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="recipients")
    organization = models.ForeignKey(Organization, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    organization_name = models.CharField(_("organisation"), max_length=200)
    name = models.CharField(_("person"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"))
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    mail = models.ForeignKey(OutboundMail, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    invitations_sent = models.PositiveSmallIntegerField(_("invitations"), default=0)
    declined_at = models.DateTimeField(_("declined"), null=True, blank=True)
    declined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        ordering = ["organization_name", "email"]
        constraints = [models.UniqueConstraint(fields=["survey", "email"], name="recipient_once_per_call")]

    def __str__(self):
        return f"{self.organization_name} <{self.email}>"

    DECLINE_SALT = "surveys.invitation.decline"

    @property
    def decline_token(self) -> str:
        """The signed token of the decline link in the invitation and reminder mails."""
        return signing.Signer(salt=self.DECLINE_SALT).sign(str(self.pk))

    @classmethod
    def from_decline_token(cls, token: str) -> "Recipient | None":
        try:
            pk = signing.Signer(salt=cls.DECLINE_SALT).unsign(token)
        except signing.BadSignature:
            return None
        return (
            cls.objects.select_related("survey").filter(pk=int(pk)).first() if pk.isascii() and pk.isdigit() else None
        )

    @property
    def delivery_status(self) -> str:
        return self.mail.status if self.mail_id else "not_sent"

    @property
    def delivery_label(self):
        if not self.mail_id:
            return _("Not sent")
        return MailStatus(self.mail.status).label
