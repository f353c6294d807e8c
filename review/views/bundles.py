"""ZIP bundles: the ministry's filtered intake download and a reviewer's blind set, with their progress.

A bundle is only ever found for the person who asked for it while they may still read what it holds; anyone
else, and anyone after it expired, gets a 404.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.downloads import attachment_response
from portal.enums import Role
from portal.exceptions import DomainError
from portal.permissions import permission_or_404
from review.enums import RenderStatus
from review.services import bundles as service
from surveys.models import Survey

signed_in = permission_or_404("portal.signed_in")


@require_POST
@permission_or_404("surveys.run_intake")
def intake_bundle(request, pk: int):
    survey = get_object_or_404(Survey, pk=pk)
    bundle = service.intake_bundle_request(survey, filters=request.POST, actor=request.user)
    messages.success(request, _("The ZIP is being prepared; this page shows its progress."))
    return redirect("review:bundle", pk=bundle.pk)


@require_POST
@signed_in
def blind_bundle(request, pk: int):
    survey = get_object_or_404(Survey, pk=pk)
    if not (request.user.has_role(Role.REVIEWER) and service.readable_assignments(request.user, survey).exists()):
        raise Http404
    try:
        bundle = service.blind_bundle_request(survey, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("dashboard", role=Role.REVIEWER.value)
    messages.success(request, _("The ZIP is being prepared; this page shows its progress."))
    return redirect("review:bundle", pk=bundle.pk)


def _bundle(request, pk: int):
    bundle = service.bundle_for(request.user, pk)
    if bundle is None:
        raise Http404
    return bundle


@signed_in
def bundle_detail(request, pk: int):
    return render(request, "review/bundle/detail.html", {"bundle": _bundle(request, pk)})


@signed_in
def bundle_status(request, pk: int):
    """The progress fragment the page polls while the ZIP is built."""
    return render(request, "review/bundle/_status.html", {"bundle": _bundle(request, pk)})


@signed_in
def bundle_download(request, pk: int):
    bundle = _bundle(request, pk)
    if bundle.status != RenderStatus.DONE or not bundle.file:
        raise Http404
    service.bundle_downloaded(bundle, request.user)
    return attachment_response(bundle.file, service.bundle_filename(bundle))
