"""The outcome of a specialised-complex call: the items of its designation notice and the register of complexes."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models.choices import ChoiceLabels
from review.enums import ComplexAction
from review.models.national import Notice, RegisterRecord
from surveys.models import Candidate

AREA = {"max_digits": 14, "decimal_places": 2}


class ComplexText(models.Model):
    """What a notice prints about a complex and what the register keeps of it."""

    name = models.CharField(_("name of the complex"), max_length=200)
    field_code = models.CharField(_("field"), max_length=20, db_index=True)
    province = models.CharField(_("metropolitan city or province"), max_length=4, db_index=True)
    city = models.CharField(_("city, county or district"), max_length=100, blank=True)
    location = models.CharField(_("address of the site"), max_length=300, blank=True)
    area_m2 = models.DecimalField(_("area (m²)"), **AREA)
    #: Rows of {"company", "investment" (KRW 100 million), "year", "jobs"}, as the plan gave them.
    anchor_companies = models.JSONField(_("anchor companies"), default=list, blank=True, encoder=DjangoJSONEncoder)
    conditions = models.TextField(_("conditions of designation"), blank=True)

    class Meta:
        abstract = True


class DesignatedComplex(ChoiceLabels, ComplexText, RegisterRecord):
    """A designated specialised complex in the public register; its history is in ``events``."""

    conditions_met_at = models.DateTimeField(_("conditions met"), null=True, blank=True)

    class Meta:
        verbose_name = _("designated specialised complex")
        verbose_name_plural = _("register of designated specialised complexes")
        ordering = ["number"]

    def __str__(self):
        return f"{self.number} {self.name}"


class ComplexNoticeItem(ChoiceLabels, ComplexText):
    """One complex in a notice of a complex call: designated anew, or a change to a designated complex."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="complex_items")
    order = models.PositiveSmallIntegerField(default=0)
    action = models.CharField(
        _("action"), max_length=16, choices=ComplexAction.choices, default=ComplexAction.DESIGNATE
    )
    candidate = models.ForeignKey(
        Candidate, on_delete=models.PROTECT, null=True, blank=True, related_name="complex_notice_items"
    )
    entry = models.ForeignKey(
        DesignatedComplex, on_delete=models.PROTECT, null=True, blank=True, related_name="notice_items"
    )
    note = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["order", "pk"]


class ComplexEvent(ChoiceLabels, models.Model):
    """One step in a designated complex's history, by a notice or by the ministry directly. Never changed."""

    entry = models.ForeignKey(DesignatedComplex, on_delete=models.PROTECT, related_name="events")
    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, null=True, blank=True, related_name="complex_events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=16, choices=ComplexAction.choices)
    snapshot = models.JSONField(encoder=DjangoJSONEncoder)
    note = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValueError("A complex's history is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A complex's history is append-only.")
