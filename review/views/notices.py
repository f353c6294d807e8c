"""The ministry admin's screens for drafting and publishing a ministerial notice."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.exceptions import DomainError
from portal.forms import id_from
from portal.permissions import permission_or_404
from review.enums import EntryStatus, NoticeAction
from review.forms import NoticeAmendForm, NoticeForm, NoticeItemForm, NoticeRevokeForm
from review.models import Notice, NoticeItem, RegisterEntry
from review.services import complex_notices, selection
from review.services import notices as service
from surveys.models import Survey
from surveys.selectors import field_names

publish = permission_or_404("review.publish_notice")


@publish
def notice_list(request, pk: int):
    survey = get_object_or_404(Survey, pk=pk)
    form = NoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            notice = service.notice_draft(survey, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error("number" if error.code == "number" else None, error.message)
        else:
            if notice.lists_complexes:
                messages.success(
                    request,
                    _("The notice was drafted with %(n)d designated complexes.") % {"n": notice.complex_items.count()},
                )
            elif notice.lists_selection:
                messages.success(
                    request,
                    _("The selection announcement was drafted with %(n)d selected candidates.")
                    % {"n": notice.selection_items.count()},
                )
            else:
                messages.success(
                    request,
                    _("The notice was drafted with %(n)d designated technologies.") % {"n": notice.items.count()},
                )
            return redirect("review:notice_edit", pk=notice.pk)
    return render(
        request,
        "review/notices/notice_list.html",
        {
            "survey": survey,
            "form": form,
            "notices": survey.notices.all(),
            "designated": service.designated_candidates(survey),
            "can_draft": survey.in_gate("notice_drafting"),
        },
        status=400 if request.method == "POST" else 200,
    )


def _notice(pk: int) -> Notice:
    return get_object_or_404(Notice.objects.select_related("survey", "published_by"), pk=pk)


def _draft(pk: int) -> Notice:
    """A draft notice; a published one cannot be edited, so its edit URLs do not exist."""
    notice = _notice(pk)
    # a complex notice is changed through complex_amend; a selection announcement lists the committee's selection
    if notice.is_published or notice.lists_complexes or notice.lists_selection:
        raise Http404
    return notice


def _active_entries(notice: Notice):
    return (
        RegisterEntry.objects.filter(status=EntryStatus.ACTIVE)
        .exclude(notice_items__notice=notice)
        .order_by("field_code", "number")
    )


@publish
def notice_edit(request, pk: int):
    """The draft: its heading and its items; a published notice is shown read-only."""
    notice = _notice(pk)
    form = NoticeForm(request.POST or None, instance=notice)
    if request.method == "POST":
        if notice.is_published:
            raise Http404
        if form.is_valid():
            try:
                service.notice_update(notice, actor=request.user, **form.cleaned_data)
            except DomainError as error:
                form.add_error("number" if error.code == "number" else None, error.message)
            else:
                messages.success(request, _("The notice was saved."))
                return redirect("review:notice_edit", pk=notice.pk)
    return _notice_page(request, notice, form=form, status=400 if request.method == "POST" else 200)


def _notice_page(request, notice, *, form=None, status=200):
    """The draft notice's page: what it lists depends on the call (technologies, complexes or a selection)."""
    context = {"notice": notice, "survey": notice.survey, "form": form or NoticeForm(instance=notice)}
    if notice.lists_selection:
        template = "review/notices/selection_notice_edit.html"
        context["rows"] = selection.selection_rows(notice.selection_items.select_related("category", "notice"))
    elif notice.lists_complexes:
        template = "review/notices/complex_notice_edit.html"
        context["rows"] = complex_notices.complex_rows(notice.complex_items.select_related("entry", "candidate"))
    else:
        template = "review/notices/notice_edit.html"
        items = list(notice.items.select_related("entry", "candidate"))
        context["items"] = [(item, service.public_text(item)) for item in items]
        context["field_names"] = field_names(item.field_code for item in items)
    return render(request, template, context, status=status)


@publish
def notice_item(request, pk: int):
    item = get_object_or_404(NoticeItem.objects.select_related("notice__survey", "entry"), pk=pk)
    if item.notice.is_published or item.action == NoticeAction.REVOKE:
        raise Http404
    initial = {name: getattr(item, name) for name in service.ITEM_FIELDS}
    form = NoticeItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            service.notice_item_update(item, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("“%(title)s” was saved.") % {"title": form.cleaned_data["title"]})
            return redirect("review:notice_edit", pk=item.notice_id)
    return render(
        request,
        "review/notices/item_edit.html",
        {"item": item, "notice": item.notice, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@publish
def notice_item_remove(request, pk: int):
    item = get_object_or_404(NoticeItem.objects.select_related("notice"), pk=pk)
    if item.notice.is_published:
        raise Http404
    service.notice_item_remove(item, actor=request.user)
    messages.success(request, _("“%(title)s” was removed from the draft.") % {"title": item.title})
    return redirect("review:notice_edit", pk=item.notice_id)


@publish
def notice_amend(request, pk: int):
    """Add an amendment: choose an active register entry, then write its new text."""
    notice = _draft(pk)
    entries = _active_entries(notice)
    entry_id = id_from(request.GET.get("entry", ""))
    chosen = entries.filter(pk=entry_id).first() if entry_id is not None else None
    initial = {"entry": chosen, **{name: getattr(chosen, name) for name in service.ITEM_FIELDS}} if chosen else {}
    form = NoticeAmendForm(request.POST or None, entries=entries, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            service.notice_item_amend(notice, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("The amendment of %(number)s was added.") % {"number": form.cleaned_data["entry"].number}
            )
            return redirect("review:notice_edit", pk=notice.pk)
    return render(
        request,
        "review/notices/amend.html",
        {
            "notice": notice,
            "form": form,
            "entries": entries,
            "chosen": chosen,
        },
        status=400 if request.method == "POST" else 200,
    )


@publish
def notice_revoke(request, pk: int):
    notice = _draft(pk)
    form = NoticeRevokeForm(request.POST or None, entries=_active_entries(notice))
    if request.method == "POST" and form.is_valid():
        try:
            service.notice_item_revoke(notice, actor=request.user, entry=form.cleaned_data["entry"])
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("The revocation of %(number)s was added.") % {"number": form.cleaned_data["entry"].number}
            )
            return redirect("review:notice_edit", pk=notice.pk)
    return render(
        request,
        "review/notices/revoke.html",
        {"notice": notice, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@publish
def notice_publish(request, pk: int):
    notice = _notice(pk)
    try:
        service.notice_publish(notice, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return _notice_page(request, notice, status=400)
    messages.success(request, _("The notice was published and the register updated. The PDF is being prepared."))
    return redirect("review:notice_edit", pk=notice.pk)


@require_POST
@publish
def notice_pdf_retry(request, pk: int):
    notice = get_object_or_404(Notice, pk=pk)
    try:
        service.notice_pdf_retry(notice, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The PDF is being prepared again."))
    return redirect("review:notice_edit", pk=notice.pk)
