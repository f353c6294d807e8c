from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()

#: URL names of the public notice page, the first that exists wins.
NOTICE_PAGES = ("review:notice_public", "review:notice")


@register.filter
def objection_open(result) -> bool:
    """Whether the applicant may still object to the result."""
    from review.services.results import objection_window_open

    return bool(result) and objection_window_open(result)


@register.simple_tag
def notice_url(notice) -> str:
    """The public page of a published notice, when the portal has one."""
    for name in NOTICE_PAGES:
        try:
            return reverse(name, kwargs={"pk": notice.pk})
        except NoReverseMatch:
            continue
    return ""


@register.simple_tag
def redeliberation(result):
    """The national committee's re-deliberation that concluded an upheld objection to the result, if any: the
    result card says the decision changed since the notice."""
    from review.enums import ObjectionFollowUp
    from review.models import ObjectionStep

    if not result:
        return None
    return (
        ObjectionStep.objects.filter(objection__result=result, state=ObjectionFollowUp.CONCLUDED)
        .select_related("resolution__meeting")
        .order_by("-at", "-pk")
        .first()
    )
