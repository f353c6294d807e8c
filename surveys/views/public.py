"""The public calls pages, guidance downloads and questions from organisations."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.downloads import attachment_response, file_response
from portal.exceptions import DomainError
from portal.permissions import permission_or_404
from surveys import selectors
from surveys.forms import InquiryForm
from surveys.models import Briefing, BriefingSignup, GuidanceFile, Survey
from surveys.services import briefings
from surveys.services.inquiries import inquiry_ask


def call_list(request):
    surveys = selectors.public_surveys()
    return render(request, "surveys/call/list.html", {"surveys": surveys, "now": timezone.now()})


def call_detail(request, pk: int):
    survey = selectors.survey_for_public(pk)
    if survey is None:
        raise Http404
    my_questions = []
    filing = []
    if request.user.is_authenticated:
        my_questions = survey.inquiries.filter(asked_by=request.user).order_by("-created_at")
        if survey.is_open:
            filing = list(selectors.filing_organizations(request.user, survey))
    association_choices = sorted(
        {a for organization in filing for a in organization.associations.all()}, key=lambda a: a.name
    )
    may_ask = request.user.has_perm("surveys.ask_question", survey)
    signed_up = {}
    if may_ask:
        signed_up = dict(
            BriefingSignup.objects.filter(briefing__survey=survey, user=request.user).values_list(
                "briefing_id", "attendees"
            )
        )
    briefing_rows = [
        (briefing, briefings.seats_left(briefing), signed_up.get(briefing.pk)) for briefing in survey.briefings.all()
    ]
    return render(
        request,
        "surveys/call/detail.html",
        {
            "survey": survey,
            "briefing_rows": briefing_rows,
            "now": timezone.now(),
            "inquiry_form": InquiryForm(),
            "may_ask": may_ask,
            "my_questions": my_questions,
            "filing_organizations": filing,
            "association_choices": association_choices,
        },
    )


def call_form_pdf(request, pk: int):
    """The call's blank application form with every question, criterion and limit, for drafting offline."""
    from surveys.printable import blank_form_pdf

    survey = selectors.survey_for_public(pk)
    if survey is None:
        raise Http404
    return file_response(blank_form_pdf(survey), f"call-{survey.pk}-form.pdf")


def _visible_survey(request, pk: int) -> Survey:
    survey = get_object_or_404(Survey, pk=pk)
    if not request.user.has_perm("surveys.view_survey", survey):
        raise Http404
    return survey


def _survey(request, pk: int, **_kwargs) -> Survey:
    return get_object_or_404(Survey, pk=pk)


#: Questions and briefing sign-ups: an organisation that files, on a public call (so one it may see).
may_ask_question = permission_or_404("surveys.ask_question", _survey)


def guidance_download(request, pk: int, file_pk: int):
    survey = _visible_survey(request, pk)
    guidance = get_object_or_404(GuidanceFile, pk=file_pk, survey=survey)
    return attachment_response(guidance.file, guidance.original_name)


def briefing_materials(request, pk: int, briefing_pk: int):
    survey = _visible_survey(request, pk)
    briefing = get_object_or_404(Briefing, pk=briefing_pk, survey=survey)
    return attachment_response(briefing.materials, briefing.materials_name or "materials")


@require_POST
@may_ask_question
def ask_question(request, pk: int, obj: Survey):
    survey = obj
    form = InquiryForm(request.POST)
    if form.is_valid():
        membership = (
            request.user.memberships.filter(is_active=True, organization__isnull=False)
            .select_related("organization")
            .first()
        )
        try:
            inquiry_ask(
                survey,
                question=form.cleaned_data["question"],
                actor=request.user,
                organization=membership.organization if membership else None,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _(
                    "Your question was sent. The answer will be mailed to you "
                    "and, if it helps others, published in the FAQ."
                ),
            )
            return redirect("surveys:call_detail", pk=survey.pk)
    survey = selectors.survey_for_public(pk)
    return render(
        request,
        "surveys/call/detail.html",
        {
            "survey": survey,
            "now": timezone.now(),
            "inquiry_form": form,
            "may_ask": True,
            "my_questions": survey.inquiries.filter(asked_by=request.user),
        },
        status=400,
    )


@require_POST
@may_ask_question
def briefing_signup(request, pk: int, briefing_pk: int, obj: Survey):
    """Take (or give back) seats at a briefing session for one's organisation."""
    survey = obj
    briefing = get_object_or_404(Briefing, pk=briefing_pk, survey=survey)
    if request.POST.get("action") == "cancel":
        briefings.briefing_signup_cancel(briefing, user=request.user)
        messages.success(request, _("Your sign-up was cancelled."))
        return redirect(f"{reverse('surveys:call_detail', kwargs={'pk': survey.pk})}#briefing-{briefing.pk}")
    membership = (
        request.user.memberships.filter(is_active=True, organization__isnull=False)
        .select_related("organization")
        .first()
    )
    try:
        attendees = int(request.POST.get("attendees", "1"))
    except ValueError:
        attendees = 0
    try:
        briefings.briefing_signup(
            briefing,
            user=request.user,
            organization=membership.organization if membership else None,
            attendees=attendees,
            question=request.POST.get("question", ""),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("You are signed up for the briefing session."))
    return redirect(f"{reverse('surveys:call_detail', kwargs={'pk': survey.pk})}#briefing-{briefing.pk}")
