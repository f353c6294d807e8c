"""Recipients, invitations and answers to questions, for the ministry admin."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.exceptions import DomainError
from portal.permissions import permission_or_404
from surveys.forms import AnswerForm, RecipientImportForm, RecipientSelectionForm
from surveys.models import Inquiry, Recipient, Survey
from surveys.services.distribution import (
    invitation_decline,
    invitation_resend,
    invitations_send,
    recipients_add_by_selection,
    recipients_import,
)
from surveys.services.inquiries import inquiry_answer

manage = permission_or_404("surveys.manage_survey")


def _render_recipients(request, survey, selection_form=None, import_form=None, import_result=None, status=200):
    recipients = survey.recipients.select_related("mail").order_by("organization_name", "email")
    status_filter = request.GET.get("status", "")
    if status_filter == "not_sent":
        recipients = recipients.filter(mail__isnull=True)
    elif status_filter:
        recipients = recipients.filter(mail__status=status_filter)
    page = Paginator(recipients, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "surveys/manage/recipients.html",
        {
            "survey": survey,
            "page": page,
            "status_filter": status_filter,
            "selection_form": selection_form or RecipientSelectionForm(),
            "import_form": import_form or RecipientImportForm(),
            "import_result": import_result,
            "not_sent": survey.recipients.filter(mail__isnull=True).count(),
        },
        status=status,
    )


@manage
def recipients(request, pk: int):
    survey = get_object_or_404(Survey, pk=pk)
    if request.method == "POST":
        form = RecipientSelectionForm(request.POST)
        if form.is_valid():
            added = recipients_add_by_selection(
                survey, types=form.cleaned_data["types"], fields=list(form.cleaned_data["fields"]), actor=request.user
            )
            messages.success(request, _("%(n)d recipients were added.") % {"n": added})
            return redirect("surveys:manage_recipients", pk=pk)
        return _render_recipients(request, survey, selection_form=form, status=400)
    return _render_recipients(request, survey)


@require_POST
@manage
def recipients_upload(request, pk: int):
    survey = get_object_or_404(Survey, pk=pk)
    form = RecipientImportForm(request.POST, request.FILES)
    result = None
    if form.is_valid():
        try:
            result = recipients_import(survey, upload=form.cleaned_data["file"], actor=request.user)
        except ValidationError as error:
            form.add_error("file", error)
    if result is None:
        return _render_recipients(request, survey, import_form=form, status=400)
    messages.success(
        request,
        _("%(added)d added, %(skipped)d already on the list, %(errors)d rows with errors.")
        % {"added": result.added, "skipped": result.skipped, "errors": len(result.errors)},
    )
    return _render_recipients(request, survey, import_result=result)


@require_POST
@manage
def invitations(request, pk: int):
    survey = get_object_or_404(Survey, pk=pk)
    try:
        count = invitations_send(survey, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(n)d invitations were queued for sending.") % {"n": count})
    return redirect("surveys:manage_recipients", pk=pk)


@require_POST
@manage
def invitation_resend_view(request, pk: int, recipient_pk: int):
    recipient = get_object_or_404(Recipient, pk=recipient_pk, survey_id=pk)
    try:
        invitation_resend(recipient, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The invitation to %(email)s was sent again.") % {"email": recipient.email})
    return redirect("surveys:manage_recipients", pk=pk)


@manage
def inquiries(request, pk: int):
    survey = get_object_or_404(Survey, pk=pk)
    items = survey.inquiries.select_related("asked_by", "organization", "answered_by").order_by(
        "answered_at", "-created_at"
    )
    return render(
        request, "surveys/manage/inquiries.html", {"survey": survey, "inquiries": items, "form": AnswerForm()}
    )


@manage
def inquiry_answer_view(request, pk: int, inquiry_pk: int):
    survey = get_object_or_404(Survey, pk=pk)
    inquiry = get_object_or_404(
        Inquiry.objects.select_related("asked_by", "organization"), pk=inquiry_pk, survey=survey
    )
    form = AnswerForm(request.POST or None, initial={"answer": inquiry.answer, "publish": inquiry.is_published})
    if request.method == "POST" and form.is_valid():
        try:
            inquiry_answer(
                inquiry, answer=form.cleaned_data["answer"], publish=form.cleaned_data["publish"], actor=request.user
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The answer was saved and mailed to the asker."))
            return redirect("surveys:manage_inquiries", pk=pk)
    return render(
        request,
        "surveys/manage/form_page.html",
        {
            "survey": survey,
            "inquiry": inquiry,
            "form": form,
            "page_title": _("Answer a question"),
        },
    )


def invitation_decline_view(request, token: str):
    """The decline link of an invitation mail (no sign-in needed: the signed link is the permission),
    also the target of the decline button on the organisation's dashboard."""
    recipient = Recipient.from_decline_token(token)
    if recipient is None or not recipient.survey.is_public:
        raise Http404
    if request.method == "POST":
        invitation_decline(recipient, actor=request.user, via="dashboard" if request.POST.get("next") else "link")
        messages.success(
            request,
            _("The invitation was declined. No further reminders about this call will be sent to your organisation."),
        )
        next_url = request.POST.get("next", "")
        if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
            return redirect(next_url)
        return redirect("surveys:invitation_decline", token=token)
    recipient.refresh_from_db(fields=["declined_at"])
    return render(
        request, "surveys/invitation/decline.html", {"recipient": recipient, "survey": recipient.survey, "token": token}
    )
