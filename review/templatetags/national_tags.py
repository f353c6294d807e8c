"""Links into the national committee's screens from pages other views render."""

from django import template

from surveys.models import Survey

register = template.Library()


@register.inclusion_tag("review/national/_dashboard_calls.html")
def national_committee_calls():
    """Calls before or after the national committee, with a link to their meetings — one query."""
    surveys = Survey.objects.in_gate("national_list").order_by("-deadline", "-pk")
    return {"national_surveys": list(surveys)}
