"""An upheld objection's re-review, as the independent expert asked for it does it: blind, on the call's scale."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from portal.exceptions import DomainError
from portal.permissions import permission_or_404
from review.forms import ReReviewDeclineForm, ReReviewForm
from review.models import ReReview
from review.services import rereview as service
from review.services import reviewing
from review.services.blind import blind_proposals
from review.services.results import blind_objection
from review.views.reviewer import blind_attachment_response, review_initial
from surveys.models import AccessAction
from surveys.services.access import access_record_all


def _own_re_review(request, pk: int, **_kwargs) -> ReReview:
    return get_object_or_404(ReReview.objects.select_related("objection__result__application__survey"), pk=pk)


def _act(request, re_review, form, decline_form) -> bool:
    """Save, submit or decline; False (with the errors on the forms) when refused."""
    action = request.POST.get("action")
    try:
        if action == "decline":
            if not decline_form.is_valid():
                return False
            service.re_review_decline(re_review, reviewer=request.user, reason=decline_form.cleaned_data["reason"])
            messages.info(request, _("You declined the re-review; the ministry will ask another expert."))
            return True
        if not form.is_valid():
            return False
        submit = action == "submit"
        service.re_review_save(re_review, reviewer=request.user, submit=submit, **form.service_data())
    except DomainError as error:
        (decline_form if action == "decline" else form).add_error(None, error.message)
        return False
    messages.success(request, _("Your re-review was submitted.") if submit else _("Your draft re-review was saved."))
    return True


@permission_or_404("review.re_review", _own_re_review)
def re_review_detail(request, pk: int, obj: ReReview):
    re_review, objection = obj, obj.objection
    survey = objection.result.application.survey
    pledged = reviewing.has_pledged(survey, request.user)
    candidate = service.objection_candidate(objection)
    form = ReReviewForm(
        request.POST if request.POST.get("action") in ("save", "submit") else None,
        survey=survey,
        initial=review_initial(re_review),
    )
    decline_form = ReReviewDeclineForm(request.POST if request.POST.get("action") == "decline" else None)
    if request.method == "POST" and pledged and _act(request, re_review, form, decline_form):
        return redirect("review:re_review", pk=re_review.pk)
    if request.method == "GET" and pledged and candidate is not None:
        access_record_all(
            request.user, candidate.applications.only("pk"), AccessAction.REVIEW_VIEW, detail=candidate.number
        )
    context = {
        "re_review": re_review,
        "objection": objection,
        "survey": survey,
        "pledged": pledged,
        "blind": blind_objection(objection),
        "proposals": blind_proposals(candidate) if pledged and candidate is not None else [],
        "form": form,
        "decline_form": decline_form,
        "criteria": {str(c.number): c for c in survey.criteria.all()},
    }
    return render(request, "review/results/re_review.html", context, status=400 if request.method == "POST" else 200)


@permission_or_404("review.re_review", _own_re_review)
def re_review_attachment(request, pk: int, attachment_id: int, obj: ReReview):
    """A blind copy of one of the candidate's attachments, for the expert who signed the call's pledge."""
    objection = obj.objection
    candidate = service.objection_candidate(objection)
    if candidate is None or not reviewing.has_pledged(objection.result.application.survey, request.user):
        raise Http404
    return blind_attachment_response(request, candidate, attachment_id)
