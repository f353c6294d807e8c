from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.dates import kst as kst_display

register = template.Library()


@register.filter
def time_left(deadline, now=None):
    """The time left before a deadline, in words: “3일 4시간 12분”."""
    now = now or timezone.now()
    seconds = int((deadline - now).total_seconds())
    if seconds <= 0:
        return _("Closed")
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = []
    if days:
        parts.append(_("%(n)d days") % {"n": days})
    if days or hours:
        parts.append(_("%(n)d hours") % {"n": hours})
    parts.append(_("%(n)d minutes") % {"n": minutes})
    return " ".join(parts)


@register.filter
def kst(value, fmt="Y-m-d (D) H:i"):
    """A date-time in Korea time, with the zone named."""
    return kst_display(value, fmt)


@register.filter
def in_gate(survey, name: str) -> bool:
    """Whether the call's gate ``name`` (``surveys.pipelines``) is open:
    ``{% if survey|in_gate:"hearing_public" %}``."""
    return survey is not None and survey.in_gate(name)
