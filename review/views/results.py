"""Results and objections: the applicant lodges, the ministry admin routes and decides, reviewers give opinions."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from portal.enums import Role
from portal.exceptions import DomainError
from portal.permissions import permission_or_404
from review.enums import ObjectionFollowUp, ObjectionStatus
from review.forms import (
    ObjectionDecisionForm,
    ObjectionFollowUpForm,
    ObjectionForm,
    ObjectionOpinionForm,
    ObjectionRouteForm,
    RedeliberationForm,
    ReReviewAssignForm,
)
from review.models import Objection, ObjectionOpinion, Result
from review.selectors import evaluation_summary, survey_objections
from review.services import rereview
from review.services import results as service
from review.services.national import decision_choices
from surveys.models import Application, Survey

handle = permission_or_404("review.handle_objections")


def _application(request, pk: int, **_kwargs) -> Application:
    return get_object_or_404(Application.objects.select_related("survey", "organization"), pk=pk)


#: An application of one of the user's organisations (the organisation's filers); anything else is a 404.
edit_application = permission_or_404("surveys.edit_application", _application)
signed_in = permission_or_404("portal.signed_in")


def _result_of(application: Application) -> Result:
    """The application's result; none yet is a 404."""
    result = Result.objects.filter(application=application).select_related("notice").first()
    if result is None:
        raise Http404
    result.application = application
    return result


@edit_application
def objection_lodge(request, pk: int, obj: Application):
    result = _result_of(obj)
    form = ObjectionForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                service.objection_lodge(result, actor=request.user, **form.cleaned_data)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Your objection was received. You will be told the outcome by e-mail."))
                return redirect("surveys:application_detail", pk=pk)
    objections = list(result.objections.prefetch_related("steps__resolution__meeting").order_by("-submitted_at"))
    return render(
        request,
        "review/results/objection_form.html",
        {
            "result": result,
            "application": result.application,
            "form": form,
            "objections": objections,
            "window_open": service.objection_window_open(result),
            "has_open": any(o.status != ObjectionStatus.DECIDED for o in objections),
        },
        status=400 if request.method == "POST" else 200,
    )


@edit_application
def evaluation(request, pk: int, obj: Application):
    """The applicant's evaluation summary: only once the results are published, only to the application's
    organisation (anything else is a 404)."""
    result = _result_of(obj)
    return render(
        request,
        "review/results/evaluation.html",
        {
            "result": result,
            "application": result.application,
            "summary": evaluation_summary(result.application),
        },
    )


@handle
def objection_list(request, pk: int):
    survey = get_object_or_404(Survey, pk=pk)
    return render(
        request,
        "review/results/objection_list.html",
        {
            "survey": survey,
            "objections": list(survey_objections(survey)),
        },
    )


def _route(request, objection, form) -> bool:
    if not form.is_valid():
        return False
    try:
        service.objection_route(objection, reviewers=list(form.cleaned_data["reviewers"]), actor=request.user)
    except DomainError as error:
        form.add_error("reviewers", error.message)
        return False
    messages.success(request, _("The objection was sent to the chosen reviewers for their opinion."))
    return True


def _decide(request, objection, form) -> bool:
    if not form.is_valid():
        return False
    try:
        service.objection_decide(objection, actor=request.user, **form.cleaned_data)
    except DomainError as error:
        form.add_error(None, error.message)
        return False
    messages.success(request, _("The outcome was recorded and the applicant told."))
    return True


def _re_review_assign(request, objection, form) -> bool:
    if not form.is_valid():
        return False
    try:
        rereview.re_review_assign(
            objection,
            reviewers=list(form.cleaned_data["reviewers"]),
            due_on=form.cleaned_data["due_on"],
            actor=request.user,
        )
    except DomainError as error:
        form.add_error("reviewers", error.message)
        return False
    messages.success(request, _("The chosen experts were asked to re-review the candidate."))
    return True


def _follow_up(request, objection, form) -> bool:
    if not form.is_valid():
        return False
    try:
        service.objection_follow_up(
            objection, to=ObjectionFollowUp.RE_DELIBERATION, note=form.cleaned_data["note"], actor=request.user
        )
    except DomainError as error:
        form.add_error(None, error.message)
        return False
    messages.success(request, _("The step was recorded and the applicant told."))
    return True


def _redeliberate(request, objection, form) -> bool:
    if not form.is_valid():
        return False
    try:
        rereview.objection_redeliberate(objection, actor=request.user, **form.service_data())
    except DomainError as error:
        form.add_error(None, error.message)
        return False
    messages.success(request, _("The national committee's re-deliberation was recorded and the applicant told."))
    return True


def _objection_forms(request, objection, action) -> dict:
    """The forms the objection's state offers, by action, bound to the POST for the action posted."""

    def bound(name):
        return request.POST if action == name else None

    if objection.status != ObjectionStatus.DECIDED:
        eligible = service.objection_reviewers(objection)
        return {
            "route": ObjectionRouteForm(bound("route"), reviewers=eligible),
            "decide": ObjectionDecisionForm(bound("decide")),
        }
    if objection.follow_up == ObjectionFollowUp.RE_REVIEW:
        experts = rereview.re_reviewers(objection)
        return {
            "re_review": ReReviewAssignForm(bound("re_review"), reviewers=experts),
            "follow_up": ObjectionFollowUpForm(bound("follow_up")),
        }
    if objection.follow_up == ObjectionFollowUp.RE_DELIBERATION:
        survey = objection.result.application.survey
        form = RedeliberationForm(
            bound("redeliberate"),
            meetings=list(rereview.redeliberation_meetings(objection)),
            choices=decision_choices(survey),
        )
        return {"redeliberate": form}
    return {}


OBJECTION_ACTIONS = {
    "route": _route,
    "decide": _decide,
    "re_review": _re_review_assign,
    "follow_up": _follow_up,
    "redeliberate": _redeliberate,
}


@handle
def objection_manage(request, pk: int):
    objection = get_object_or_404(
        Objection.objects.select_related(
            "result__application__survey",
            "result__application__organization",
            "result__notice",
            "submitted_by",
            "decided_by",
        ),
        pk=pk,
    )
    action = request.POST.get("action") if request.method == "POST" else None
    forms = _objection_forms(request, objection, action)
    if action in forms and OBJECTION_ACTIONS[action](request, objection, forms[action]):
        return redirect("review:objection_manage", pk=objection.pk)
    decided = objection.status == ObjectionStatus.DECIDED
    chooser = forms.get("route") or forms.get("re_review")
    experts = list(chooser.fields["reviewers"].queryset) if chooser else []
    re_reviews = objection.re_reviews.select_related("reviewer__reviewer_profile")
    context = {
        "objection": objection,
        "result": objection.result,
        "application": objection.result.application,
        "opinions": objection.opinions.select_related("reviewer__reviewer_profile").order_by("routed_at", "pk"),
        "forms": forms,
        "experts": experts,
        "decided": decided,
        "panel": service.objection_panel(objection) if chooser and not experts else None,
        "re_reviews": re_reviews,
        "summary": rereview.re_review_summary(objection) if objection.follow_up else None,
        "re_review_problem": service.re_review_problem(objection) if "follow_up" in forms else "",
    }
    return render(
        request, "review/results/objection_detail.html", context, status=400 if request.method == "POST" else 200
    )


@signed_in
def objection_opinion(request, pk: int):
    if not request.user.has_role(Role.REVIEWER):
        raise Http404
    opinion = get_object_or_404(
        ObjectionOpinion.objects.select_related("objection__result__application", "objection__result__notice"),
        objection_id=pk,
        reviewer=request.user,
    )
    objection = opinion.objection
    form = ObjectionOpinionForm(request.POST or None, initial={"opinion": opinion.opinion})
    if request.method == "POST" and form.is_valid():
        try:
            service.opinion_submit(opinion, reviewer=request.user, text=form.cleaned_data["opinion"])
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your opinion was saved. You can change it until the objection is decided."))
            return redirect("dashboard", role=Role.REVIEWER.value)
    return render(
        request,
        "review/results/opinion.html",
        {
            "opinion": opinion,
            "objection": objection,
            "blind": service.blind_objection(objection),
            "form": form,
            "decided": objection.status == ObjectionStatus.DECIDED,
        },
        status=400 if request.method == "POST" else 200,
    )
