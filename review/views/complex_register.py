"""The public register of designated specialised complexes, and the ministry's changes to an entry."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from portal.exceptions import DomainError
from portal.filters import search_terms
from portal.permissions import permission_or_404
from review.complex_forms import ComplexChangeForm
from review.enums import EntryStatus
from review.models import DesignatedComplex
from review.selectors import designated_complexes
from review.services import complex_notices as service
from surveys.selectors import field_names

PAGE_SIZE = 25


def complex_register(request):
    """Designated complexes: search by name or location, filter by field, province and status, paginated."""
    filters = search_terms(request, ("q", "field", "province", "status"))
    entries = designated_complexes(**filters)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    codes = list(DesignatedComplex.objects.order_by("field_code").values_list("field_code", flat=True).distinct())
    names = field_names(codes)
    return render(
        request,
        "review/register/complexes.html",
        {
            "page": page,
            "filters": filters,
            "rows": service.complex_rows(page),
            "fields": [(code, names.get(code, code)) for code in codes],
            "provinces": service.province_choices(),
            "statuses": EntryStatus.choices,
        },
    )


def _entry(number: str) -> DesignatedComplex:
    return get_object_or_404(DesignatedComplex.objects.select_related("notice"), number=number)


def _entry_page(request, entry, *, form=None, status=200):
    events = list(entry.events.select_related("notice", "actor"))
    return render(
        request,
        "review/register/complex.html",
        {
            "entry": entry,
            "row": service.complex_rows([entry])[0],
            "location": service.location_of(entry),
            "events": list(zip(events, service.complex_rows(event.snapshot for event in events))),
            "form": form,
        },
        status=status,
    )


def complex_entry(request, number: str):
    entry = _entry(number)
    form = (
        ComplexChangeForm()
        if request.user.has_perm("review.manage_register") and entry.status == EntryStatus.ACTIVE
        else None
    )
    return _entry_page(request, entry, form=form)


@permission_or_404("review.manage_register")
def complex_entry_change(request, number: str):
    """The ministry's direct change to a designated complex, with its reason (audited, added to the history)."""
    entry = _entry(number)
    form = ComplexChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            service.complex_entry_amend(
                entry, action=data["action"], area_m2=data["area_m2"], reason=data["reason"], actor=request.user
            )
        except DomainError as error:
            form.add_error(error.code if error.code in form.fields else None, error.message)
        else:
            messages.success(
                request, _("%(number)s was changed; the change is in its history.") % {"number": entry.number}
            )
            return redirect("review:complex_register_entry", number=entry.number)
    return _entry_page(request, entry, form=form, status=400 if request.method == "POST" else 200)
