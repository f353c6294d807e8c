"""The reviewer's screens: pledge, declaration, blind reading, scoring, others' reviews."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from portal.downloads import attachment_response, file_response
from portal.exceptions import DomainError
from portal.permissions import permission_or_404
from review.enums import AssignmentStatus
from review.forms import DeclarationForm, PledgeForm, ReviewForm
from review.models import Assignment, ReReview, Review
from review.services import reviewing
from review.services.blind import blind_proposals, blind_title
from surveys.models import AccessAction, Attachment, BlindCopy, Survey
from surveys.selectors import field_names
from surveys.services.access import access_record, access_record_all
from surveys.services.blind_copies import blind_copy_for


def _assignment(request, pk: int, **_kwargs) -> Assignment:
    return get_object_or_404(Assignment.objects.select_related("candidate__survey"), pk=pk)


signed_in = permission_or_404("portal.signed_in")
#: The reviewer's own assignment (while they hold the reviewer role).
work_on_assignment = permission_or_404("review.work_on_assignment", _assignment)


def _record(request, assignment: Assignment, action: str) -> None:
    """Log the reviewer's access to every application behind the candidate."""
    access_record_all(
        request.user, assignment.candidate.applications.only("pk"), action, detail=assignment.candidate.number
    )


@signed_in
def pledge(request, pk: int):
    survey = get_object_or_404(Survey, pk=pk)
    asked = Assignment.objects.filter(candidate__survey=survey, reviewer=request.user).exists()
    re_reviewing = ReReview.objects.filter(objection__result__application__survey=survey, reviewer=request.user)
    if not asked and not re_reviewing.exists():
        raise Http404
    form = PledgeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reviewing.pledge_sign(survey, reviewer=request.user, signed_name=form.cleaned_data["signed_name"])
        except DomainError as error:
            form.add_error("signed_name", error.message)
        else:
            messages.success(request, _("Pledge signed. Declare your conflicts of interest for each candidate."))
            return redirect("dashboard", role="reviewer")
    return render(
        request,
        "review/reviewer/pledge.html",
        {
            "survey": survey,
            "form": form,
            "text": reviewing.PLEDGE_TEXT,
            "signed": reviewing.has_pledged(survey, request.user),
        },
        status=400 if request.method == "POST" else 200,
    )


@work_on_assignment
def assignment_detail(request, pk: int, obj: Assignment):
    assignment = obj
    survey = assignment.candidate.survey
    pledged = reviewing.has_pledged(survey, request.user)
    context = {
        "assignment": assignment,
        "candidate": assignment.candidate,
        "survey": survey,
        "pledged": pledged,
        "field_name": field_names([assignment.candidate.field_code]).get(
            assignment.candidate.field_code, assignment.candidate.field_code
        ),
    }
    if not pledged or assignment.status == AssignmentStatus.ASSIGNED:
        return _declaration(request, assignment, context)
    if assignment.status not in (AssignmentStatus.ACCEPTED, AssignmentStatus.SUBMITTED):
        raise Http404
    if assignment.layer > 1:  # a later layer's panel member judges; they do not score
        return redirect("review:layer_judgement", pk=assignment.pk)
    if request.method == "GET":
        _record(request, assignment, AccessAction.REVIEW_VIEW)
    review = Review.objects.filter(assignment=assignment).first()
    form = ReviewForm(request.POST or None, survey=survey, initial=review_initial(review))
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and assignment.status == AssignmentStatus.ACCEPTED and form.is_valid():
        submit = request.POST.get("action") == "submit"
        try:
            reviewing.review_save(assignment, reviewer=request.user, submit=submit, **form.service_data())
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your review was submitted.") if submit else _("Your draft review was saved."))
            return redirect("review:assignment", pk=assignment.pk)
    others = []
    if assignment.status == AssignmentStatus.SUBMITTED:
        others = (
            Review.objects.filter(
                assignment__candidate=assignment.candidate,
                assignment__status=AssignmentStatus.SUBMITTED,
                assignment__layer=1,
            )
            .exclude(assignment=assignment)
            .select_related("assignment")
            .order_by("assignment__pseudonym")
        )
    context.update(site_visits="site_visits" in assignment.candidate.survey.pipeline.gates)
    context.update(
        proposals=blind_proposals(assignment.candidate),
        title=blind_title(assignment.candidate),
        form=form,
        review=review,
        others=others,
        criteria={str(c.number): c for c in survey.criteria.all()},
    )
    return render(request, "review/reviewer/assignment.html", context, status=status)


def review_initial(review) -> dict:
    """The review form as the reviewer left it (scores as typed, without trailing zeros)."""
    if review is None:
        return {}
    initial = {f"score_{number}": f"{float(score):g}" for number, score in review.scores.items()}
    initial.update({f"justification_{number}": text for number, text in review.justifications.items()})
    initial.update(recommendation=getattr(review, "recommendation", ""), comment=review.comment)
    return initial


def _declaration(request, assignment, context):
    """Before the application opens: the reviewer declares no conflict, a conflict, or declines."""
    form = DeclarationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        choice, note = form.cleaned_data["choice"], form.cleaned_data["note"]
        try:
            if choice == "decline":
                reviewing.decline(assignment, reviewer=request.user, reason=note)
            else:
                reviewing.declare(assignment, reviewer=request.user, has_conflict=choice == "conflict", note=note)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            if choice == "none":
                messages.success(request, _("Thank you. The application is now open to you."))
                return redirect("review:assignment", pk=assignment.pk)
            messages.info(request, _("The assignment has ended and another reviewer will be asked."))
            return redirect("dashboard", role="reviewer")
    context["declaration_form"] = form
    return render(request, "review/reviewer/locked.html", context, status=400 if request.method == "POST" else 200)


@work_on_assignment
def attachment(request, pk: int, attachment_id: int, obj: Assignment):
    """The blind copy of an attachment under a neutral name (the applicant's file name may identify them)."""
    assignment = obj
    if assignment.status not in (AssignmentStatus.ACCEPTED, AssignmentStatus.SUBMITTED):
        raise Http404
    return blind_attachment_response(request, assignment.candidate, attachment_id)


def blind_attachment_response(request, candidate, attachment_id: int):
    """The blind copy of one of the candidate's attachments, with the access recorded; a 404 for anything else."""
    allowed = {a["id"]: (p.label, a) for p in blind_proposals(candidate) for a in p.attachments}
    if attachment_id not in allowed:
        raise Http404
    label, info = allowed[attachment_id]
    if info["withheld"]:
        raise Http404
    source = get_object_or_404(Attachment, pk=info["source_id"])
    copy = blind_copy_for(source)  # never the file as uploaded: its document properties may name the applicant
    if copy.status != BlindCopy.Status.READY:
        raise Http404
    access_record(request.user, source.application, AccessAction.REVIEW_ATTACHMENT, detail=candidate.number)
    return attachment_response(copy.file, f"{candidate.number}-{label}-{info['index']}.{info['kind'] or 'bin'}")


@work_on_assignment
def review_pdf(request, pk: int, obj: Assignment):
    """The reviewer's own rendering of the redacted application."""
    from review.services.blind import blind_pdf

    assignment = obj
    if assignment.status not in (AssignmentStatus.ACCEPTED, AssignmentStatus.SUBMITTED):
        raise Http404
    _record(request, assignment, AccessAction.REVIEW_PDF)
    data = blind_pdf(assignment)
    return file_response(data, f"{assignment.candidate.number}.pdf")
