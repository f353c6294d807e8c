"""The ministry admin's screens for the complexes of a draft notice of a specialised-complex call."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.exceptions import DomainError
from portal.permissions import permission_or_404
from review.complex_forms import ComplexAmendForm, ComplexItemForm
from review.enums import ComplexAction, EntryStatus
from review.models import ComplexNoticeItem, DesignatedComplex, Notice
from review.services import complex_notices as service

publish = permission_or_404("review.publish_notice")


def _item(pk: int) -> ComplexNoticeItem:
    """A complex item of a draft notice; a published notice's items have no edit URLs."""
    item = get_object_or_404(ComplexNoticeItem.objects.select_related("notice__survey", "entry"), pk=pk)
    if item.notice.is_published:
        raise Http404
    return item


@publish
def complex_item(request, pk: int):
    item = _item(pk)
    if item.action != ComplexAction.DESIGNATE:
        raise Http404
    initial = {name: getattr(item, name) for name in service.ITEM_FIELDS}
    form = ComplexItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            service.complex_item_update(item, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.code if error.code in form.fields else None, error.message)
        else:
            messages.success(request, _("“%(title)s” was saved.") % {"title": form.cleaned_data["name"]})
            return redirect("review:notice_edit", pk=item.notice_id)
    return render(
        request,
        "review/notices/complex_item_edit.html",
        {
            "item": item,
            "notice": item.notice,
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@publish
def complex_item_remove(request, pk: int):
    item = _item(pk)
    service.complex_item_remove(item, actor=request.user)
    messages.success(request, _("“%(title)s” was removed from the draft.") % {"title": item.name})
    return redirect("review:notice_edit", pk=item.notice_id)


@publish
def complex_amend(request, pk: int):
    """Add a change to a designated complex: a change of area, its conditions met, or a revocation."""
    notice = get_object_or_404(Notice.objects.select_related("survey"), pk=pk)
    if notice.is_published or not notice.lists_complexes:
        raise Http404
    entries = (
        DesignatedComplex.objects.filter(status=EntryStatus.ACTIVE)
        .exclude(notice_items__notice=notice)
        .order_by("number")
    )
    form = ComplexAmendForm(request.POST or None, entries=entries)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            service.complex_item_amend(
                notice,
                entry=data["entry"],
                action=data["action"],
                area_m2=data["area_m2"],
                note=data["reason"],
                actor=request.user,
            )
        except DomainError as error:
            form.add_error(error.code if error.code in form.fields else None, error.message)
        else:
            messages.success(request, _("The change to %(number)s was added.") % {"number": data["entry"].number})
            return redirect("review:notice_edit", pk=notice.pk)
    return render(
        request,
        "review/notices/complex_amend.html",
        {"notice": notice, "form": form, "entries": entries},
        status=400 if request.method == "POST" else 200,
    )
