"""Site visits (현장 실사) of the expert advisory panel of a specialised-complex call."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.files import random_name
from surveys.models import Candidate


class SiteVisit(models.Model):
    """A visit of the panel to the site of a development plan: when, who was there, what they found."""

    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="site_visits")
    visited_on = models.DateField(_("date of the visit"))
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="site_visits", verbose_name=_("panel members present")
    )
    findings = models.TextField(_("findings"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("site visit")
        verbose_name_plural = _("site visits")
        ordering = ["-visited_on", "-pk"]


class SiteVisitPhoto(models.Model):
    visit = models.ForeignKey(SiteVisit, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to=random_name("review/site-visits"))
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["pk"]
