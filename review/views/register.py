"""Public pages: published notices, their PDF, and the register of designated technologies."""

import hashlib

from django.core.cache import cache
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import translation

from portal.downloads import attachment_response
from portal.filters import search_terms
from portal.services.documents import served_file
from review.enums import EntryStatus, NoticeStatus
from review.models import Notice, RegisterEntry
from review.selectors import public_register_entries, public_register_state
from review.services.complex_notices import complex_rows
from review.services.notices import public_text
from review.services.selection import selection_rows
from surveys.selectors import field_names

PAGE_SIZE = 25


def _published(pk: int) -> Notice:
    return get_object_or_404(Notice.objects.select_related("survey"), pk=pk, status=NoticeStatus.PUBLISHED)


def notice_public(request, pk: int):
    notice = _published(pk)
    if notice.lists_selection:
        return render(
            request,
            "review/register/selection_notice.html",
            {
                "notice": notice,
                "rows": selection_rows(notice.selection_items.select_related("category", "notice")),
            },
        )
    if notice.lists_complexes:
        return render(
            request,
            "review/register/complex_notice.html",
            {
                "notice": notice,
                "rows": complex_rows(notice.complex_items.select_related("entry")),
            },
        )
    items = list(notice.items.select_related("entry"))
    names = field_names(item.field_code for item in items)
    return render(
        request,
        "review/register/notice.html",
        {
            "notice": notice,
            "rows": [(item, public_text(item), names.get(item.field_code, item.field_code)) for item in items],
        },
    )


def notice_pdf(request, pk: int):
    notice = _published(pk)
    return attachment_response(served_file(notice, notice.pdf), f"{notice.number}.pdf")


REGISTER_SECONDS = 600


def register(request):
    """The register: search in what is public, filter by field and status, paginated.

    The list is the same for every visitor, so its rendering is cached per query and language until any
    entry changes (the key holds the number of entries and the latest change)."""
    filters = search_terms(request, ("q", "field", "status"))
    count, changed_at = public_register_state()
    changed = changed_at.isoformat() if changed_at else "-"
    query = "&".join(sorted(request.GET.urlencode().split("&")))  # the pagination links repeat it
    key = (
        "review:register:"
        + hashlib.sha256(f"{translation.get_language()}|{count}|{changed}|{query}".encode()).hexdigest()
    )
    listing = cache.get(key)
    if listing is None:
        listing = render_to_string("review/register/_listing.html", _listing(request, filters), request=request)
        cache.set(key, listing, REGISTER_SECONDS)
    return render(request, "review/register/list.html", {"listing": listing})


def _listing(request, filters) -> dict:
    page = Paginator(public_register_entries(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    codes = list(RegisterEntry.objects.order_by("field_code").values_list("field_code", flat=True).distinct())
    names = field_names(codes)
    return {
        "page": page,
        "filters": filters,
        "statuses": EntryStatus.choices,
        "fields": [(code, names.get(code, code)) for code in codes],
        "rows": [(entry, public_text(entry), names.get(entry.field_code, entry.field_code)) for entry in page],
    }


def register_entry(request, pk: int):
    entry = get_object_or_404(RegisterEntry.objects.select_related("notice"), pk=pk)
    events = list(entry.events.select_related("notice"))
    return render(
        request,
        "review/register/entry.html",
        {
            "entry": entry,
            "text": public_text(entry),
            "field_name": field_names([entry.field_code]).get(entry.field_code, entry.field_code),
            "events": [(event, public_text(event.snapshot)) for event in events],
        },
    )
