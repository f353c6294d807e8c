"""The association's collection screens for one call."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.exceptions import DomainError
from portal.permissions import permission_or_404
from surveys import selectors
from surveys.enums import ApplicationStatus
from surveys.forms import EndorseForm, ForwardForm, InternalDeadlineForm, ReturnForm
from surveys.models import AccessAction, Application, AssociationDeadline, Survey
from surveys.services import collection as service
from surveys.services.access import access_record
from surveys.services.applications import labelled_answers

signed_in = permission_or_404("portal.signed_in")


def _submission(request, pk: int, **_kwargs) -> Application:
    return get_object_or_404(Application.objects.select_related("survey", "organization", "association"), pk=pk)


def _association(request, survey=None):
    associations = list(selectors.staff_associations(request.user))
    chosen = request.GET.get("association") or request.POST.get("association")
    association = next((a for a in associations if str(a.pk) == str(chosen)), None) if chosen else None
    association = association or (associations[0] if associations else None)
    if association is None:
        raise Http404
    return association, associations


def _back(survey, association):
    url = reverse("surveys:collection_dashboard", kwargs={"pk": survey.pk})
    return redirect(f"{url}?association={association.pk}")


def _dashboard(request, survey, association, associations, forward_form=None, deadline_form=None, status=200):
    submissions = selectors.association_submissions(survey, association)
    status_filter = request.GET.get("status", "")
    if status_filter in ApplicationStatus.values:
        submissions = submissions.filter(status=status_filter)
    page = Paginator(submissions, 50).get_page(request.GET.get("page"))
    endorsed = selectors.association_submissions(survey, association).filter(status=ApplicationStatus.ENDORSED)
    internal = AssociationDeadline.objects.filter(survey=survey, association=association).first()
    return render(
        request,
        "surveys/collection/dashboard.html",
        {
            "survey": survey,
            "association": association,
            "associations": associations,
            "page": page,
            "status_filter": status_filter,
            "statuses": ApplicationStatus.choices,
            "forward_form": forward_form or ForwardForm(queryset=endorsed),
            "deadline_form": deadline_form or InternalDeadlineForm(),
            "internal_deadline": internal,
        },
        status=status,
    )


@signed_in
def dashboard(request, pk: int):
    survey = get_object_or_404(Survey.objects.public(), pk=pk)
    association, associations = _association(request)
    return _dashboard(request, survey, association, associations)


@require_POST
@signed_in
def forward(request, pk: int):
    survey = get_object_or_404(Survey.objects.public(), pk=pk)
    association, associations = _association(request)
    endorsed = selectors.association_submissions(survey, association).filter(status=ApplicationStatus.ENDORSED)
    form = ForwardForm(request.POST, queryset=endorsed)
    if form.is_valid():
        try:
            batch = service.association_forward(
                list(form.cleaned_data["applications"]),
                association=association,
                survey=survey,
                actor=request.user,
                cover_letter=form.cleaned_data["cover_letter"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("%(n)d applications were forwarded to MOTIE.") % {"n": batch.applications.count()}
            )
            return _back(survey, association)
    return _dashboard(request, survey, association, associations, forward_form=form, status=400)


@require_POST
@signed_in
def internal_deadline(request, pk: int):
    survey = get_object_or_404(Survey.objects.public(), pk=pk)
    association, associations = _association(request)
    form = InternalDeadlineForm(request.POST)
    if form.is_valid():
        try:
            service.association_deadline_set(
                survey, association=association, deadline=form.cleaned_data["deadline"], actor=request.user
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your collection deadline was saved; member companies see it."))
            return _back(survey, association)
    return _dashboard(request, survey, association, associations, deadline_form=form, status=400)


@permission_or_404("surveys.check_submission", _submission)
def application_check(request, pk: int, obj: Application):
    """One member submission: its latest version, provenance, and the association's decisions."""
    application = obj
    access_record(request.user, application, AccessAction.ASSOCIATION_VIEW)
    association = application.association
    return_form = ReturnForm(request.POST if request.POST.get("decision") == "return" else None)
    endorse_form = EndorseForm(request.POST if request.POST.get("decision") == "endorse" else None)
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("decision") == "return" and return_form.is_valid():
                service.association_return(
                    application,
                    association=association,
                    actor=request.user,
                    comment=return_form.cleaned_data["comment"],
                    correction_due=return_form.cleaned_data["correction_due"],
                )
                messages.success(request, _("The application was returned to the company with your comments."))
                return redirect("surveys:collection_application", pk=application.pk)
            if request.POST.get("decision") == "endorse" and endorse_form.is_valid():
                service.association_endorse(
                    application,
                    association=association,
                    actor=request.user,
                    opinion=endorse_form.cleaned_data["opinion"],
                )
                messages.success(request, _("Endorsed. Forward it to MOTIE from the collection dashboard."))
                return redirect("surveys:collection_application", pk=application.pk)
        except DomainError as error:
            messages.error(request, error.message)
        status = 400
    latest = application.versions.order_by("-number").first()
    return render(
        request,
        "surveys/collection/application.html",
        {
            "application": application,
            "latest": latest,
            "answers": labelled_answers(application.survey, latest.answers) if latest else [],
            "events": application.events.select_related("actor", "organization"),
            "return_form": return_form,
            "endorse_form": endorse_form,
            "may_decide": application.status in (ApplicationStatus.ASSOCIATION_REVIEW, ApplicationStatus.ENDORSED),
        },
        status=status,
    )
