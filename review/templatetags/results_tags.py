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
    """The re-deliberation that concluded an objection to the result, for the result card (see the selector)."""
    from review.selectors import result_redeliberation

    return result_redeliberation(result) if result else None
