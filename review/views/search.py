"""The staff search page: ministry admins and committee secretaries; anyone else gets a 404."""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from portal.filters import search_terms
from portal.permissions import permission_or_404
from review.search import MIN_LENGTH, result_link, staff_search

TITLES = {
    "calls": _("Calls"),
    "applications": _("Applications"),
    "candidates": _("Candidates"),
    "notices": _("Notices"),
    "register": _("Register entries"),
}


@permission_or_404("review.staff_search")
def search(request):
    query = search_terms(request, ["q"])["q"]
    sections = staff_search(request.user, query)
    for section in sections:
        section.title = TITLES[section.key]
        for item in section.items:
            item.link = result_link(section.key, item, request.user)
    return render(
        request,
        "review/search.html",
        {
            "q": query,
            "sections": sections,
            "too_short": bool(query) and len(query) < MIN_LENGTH,
            "found": sum(len(s.items) for s in sections),
        },
    )
