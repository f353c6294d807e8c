from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import Organization

from .survey import Survey


class InquiryQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True).exclude(answer="")


class Inquiry(models.Model):
    """A question an organisation asks about a call; answered ones become the call's FAQ."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="inquiries")
    organization = models.ForeignKey(Organization, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    question = models.TextField(_("question"), max_length=4000)
    answer = models.TextField(_("answer"), blank=True, max_length=8000)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    is_published = models.BooleanField(
        _("publish in the FAQ"),
        default=True,
        help_text=_("Published answers appear on the call page without the asker's name."),
    )
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)

    objects = InquiryQuerySet.as_manager()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["-created_at"]

    def __str__(self):
        return self.question[:60]
