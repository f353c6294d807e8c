"""Public pages: published notices, their PDF, and the register of designated technologies."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from portal.downloads import attachment_response
from portal.filters import search_terms
from review.enums import EntryStatus, NoticeStatus
from review.models import Notice, RegisterEntry
from review.services.notices import public_search, public_text
from surveys.selectors import field_names

PAGE_SIZE = 25


def _published(pk: int) -> Notice:
    return get_object_or_404(Notice, pk=pk, status=NoticeStatus.PUBLISHED)


def notice_public(request, pk: int):
    notice = _published(pk)
    items = list(notice.items.select_related("entry"))
    names = field_names(item.field_code for item in items)
    return render(request, "review/register/notice.html", {
        "notice": notice,
        "rows": [(item, public_text(item), names.get(item.field_code, item.field_code)) for item in items],
    })


def notice_pdf(request, pk: int):
    notice = _published(pk)
    return attachment_response(notice.pdf, f"{notice.number}.pdf")


def register(request):
    """The register: search in what is public, filter by field and status, paginated."""
    filters = search_terms(request, ("q", "field", "status"))
    entries = RegisterEntry.objects.select_related("notice")
    entries = public_search(entries, filters["q"])
    if filters["field"]:
        entries = entries.filter(field_code=filters["field"])
    if filters["status"] in EntryStatus.values:
        entries = entries.filter(status=filters["status"])
    page = Paginator(entries.order_by("field_code", "number"), PAGE_SIZE).get_page(request.GET.get("page"))
    codes = list(RegisterEntry.objects.order_by("field_code").values_list("field_code", flat=True).distinct())
    names = field_names(codes)
    return render(request, "review/register/list.html", {
        "page": page, "filters": filters, "statuses": EntryStatus.choices,
        "fields": [(code, names.get(code, code)) for code in codes],
        "rows": [(entry, public_text(entry), names.get(entry.field_code, entry.field_code)) for entry in page],
    })


def register_entry(request, pk: int):
    entry = get_object_or_404(RegisterEntry.objects.select_related("notice"), pk=pk)
    events = list(entry.events.select_related("notice"))
    return render(request, "review/register/entry.html", {
        "entry": entry, "text": public_text(entry),
        "field_name": field_names([entry.field_code]).get(entry.field_code, entry.field_code),
        "events": [(event, public_text(event.snapshot)) for event in events],
    })
