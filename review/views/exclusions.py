"""The applicant's list of experts to exclude from reviewing their application."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.exceptions import DomainError
from portal.permissions import permission_or_404
from review.forms import ExclusionForm
from review.models import ExclusionRequest
from review.services import exclusions as service
from surveys.models import Application


def _application(request, pk: int, **_kwargs) -> Application:
    return get_object_or_404(Application.objects.select_related("survey", "organization"), pk=pk)


edit_application = permission_or_404("surveys.edit_application", _application)


@edit_application
def exclusion_list(request, pk: int, obj: Application):
    application = obj
    form = ExclusionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service.exclusion_add(application, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The expert was added to your exclusion list."))
            return redirect("review:exclusions", pk=application.pk)
    return render(
        request,
        "review/exclusions.html",
        {
            "application": application,
            "form": form,
            "exclusions": application.exclusion_requests.order_by("created_at"),
            "is_open": application.survey.in_gate("filing"),
            "limit": service.MAX_EXCLUSIONS,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@edit_application
def exclusion_remove(request, pk: int, exclusion_pk: int, obj: Application):
    application = obj
    exclusion = get_object_or_404(ExclusionRequest, pk=exclusion_pk, application=application)
    try:
        service.exclusion_remove(exclusion, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The expert was removed from your exclusion list."))
    return redirect("review:exclusions", pk=application.pk)
