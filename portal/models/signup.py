from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.enums import OrganizationType, SignupRequestStatus
from portal.models.choices import ChoiceLabels

from .identity import Organization, business_number_validator


class SignupRequest(ChoiceLabels, models.Model):
    """An organisation asks to join the portal; a ministry admin approves or rejects it."""

    organization_name = models.CharField(_("organisation name"), max_length=200)
    organization_type = models.CharField(_("organisation type"), max_length=32, choices=OrganizationType.choices)
    business_number = models.CharField(
        _("business registration number"),
        max_length=12,
        blank=True,
        validators=[business_number_validator],
        help_text=_("000-00-00000. Required for companies."),
    )
    association = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"type": OrganizationType.ASSOCIATION},
        verbose_name=_("industry association"),
        help_text=_("The association your company belongs to, if any."),
    )
    contact_name = models.CharField(_("contact person"), max_length=100)
    contact_email = models.EmailField(_("contact e-mail"))
    contact_phone = models.CharField(_("contact phone"), max_length=30)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=SignupRequestStatus.choices,
        default=SignupRequestStatus.PENDING,
        db_index=True,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    organization = models.ForeignKey(Organization, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sign-up request")
        verbose_name_plural = _("sign-up requests")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.organization_name} ({self.contact_email})"
