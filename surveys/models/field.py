from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.models import Organization


class Field(models.Model):
    """A technology field (로봇, 이차전지, …) or, with a parent, one of its sub-fields."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("field"),
    )
    organizations = models.ManyToManyField(
        Organization, related_name="fields", blank=True, verbose_name=_("organisations active in it")
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        ordering = ["order", "code"]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        if get_language() == "en" and self.name_en:
            return self.name_en
        return self.name
