"""Links into the national committee's screens from pages other views render."""

from django import template
from django.utils.translation import gettext as _

from surveys.models import Survey

register = template.Library()


@register.inclusion_tag("review/national/_dashboard_calls.html")
def national_committee_calls():
    """Calls before or after the national committee, with a link to their meetings — one query."""
    surveys = Survey.objects.in_gate("national_list").order_by(
        "-deadline", "-pk")
    return {"national_surveys": list(surveys)}


@register.filter
def decision_label(value) -> str:
    """The resolution's decision in the portal's words (지정 / 미지정 / 보류)."""
    from review.forms import DECISION_LABELS

    return DECISION_LABELS.get(value, value)


@register.filter
def entry_status_label(value) -> str:
    from review.enums import EntryStatus

    return _("Designation revoked") if value == EntryStatus.REVOKED else _("Designated")
