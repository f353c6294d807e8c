"""The international R&D selection: the secretary's proposal per category, the selection committee's meetings and
decisions, and the public list of selected candidates per category."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.exceptions import DomainError
from portal.filters import search_terms
from portal.forms import id_from
from portal.permissions import permission_or_404
from review.enums import NoticeStatus
from review.models import SelectionItem, SelectionMeeting, SelectionProposal
from review.selection_forms import DecisionForm, ProposalForm, SelectionMeetingForm
from review.services import selection as service
from review.views.national import close_meeting
from surveys.models import Category, Survey

deliberate = permission_or_404("review.deliberate")
PAGE_SIZE = 50


def _rnd_survey(pk: int) -> Survey:
    survey = get_object_or_404(Survey, pk=pk)
    if not survey.pipeline.has_categories:
        raise Http404
    return survey


def _status(request) -> int:
    return 400 if request.method == "POST" else 200


@deliberate
def selection_overview(request, pk: int):
    """The categories with their counts and closures, the committee's meetings, and a form for a new meeting."""
    survey = _rnd_survey(pk)
    form = SelectionMeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = service.meeting_create(survey, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.code if error.code in form.fields else None, error.message)
        else:
            messages.success(request, _("The selection committee meeting was recorded."))
            return redirect("review:selection_meeting", pk=meeting.pk)
    return render(
        request,
        "review/selection/overview.html",
        {
            "survey": survey,
            "states": service.category_states(survey),
            "form": form,
            "meetings": survey.selection_meetings.all(),
            "open": survey.in_gate("recommending"),
            "layer": service.final_layer(survey),
            "all_closed": service.all_closed(survey),
        },
        status=_status(request),
    )


@deliberate
def selection_proposal(request, pk: int):
    """The secretary's proposal for one category, in the final layer's order, within the category's quota."""
    category = get_object_or_404(Category.objects.select_related("survey"), pk=pk)
    if not category.survey.pipeline.has_categories:
        raise Http404
    rows = service.category_rows(category)
    form = ProposalForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        try:
            service.proposal_save(category, choices=form.choices(), actor=request.user)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The proposal for “%(category)s” was saved.") % {"category": category.name})
            return redirect("review:selection_proposal", pk=category.pk)
    return render(
        request,
        "review/selection/proposal.html",
        {
            "category": category,
            "survey": category.survey,
            "form": form,
            "proposed": sum(1 for row in rows if row.proposed),
            "open": category.survey.in_gate("recommending"),
            "closed": hasattr(category, "closure"),
        },
        status=_status(request),
    )


def _meeting(pk: int) -> SelectionMeeting:
    return get_object_or_404(SelectionMeeting.objects.select_related("survey", "closed_by"), pk=pk)


def _meeting_page(request, meeting, *, forms=None, status=200):
    states = service.category_states(meeting.survey)
    forms = forms or {}
    sections = []
    for state in states:
        rows = service.category_rows(state.category)
        sections.append((state, [(row, forms.get(row.proposal.pk) if row.proposal else None) for row in rows]))
    return render(
        request,
        "review/selection/meeting.html",
        {
            "meeting": meeting,
            "survey": meeting.survey,
            "sections": sections,
            "blank": DecisionForm(),
            "open": meeting.closed_at is None and meeting.survey.in_gate("recommending"),
        },
        status=status,
    )


@deliberate
def selection_meeting(request, pk: int):
    return _meeting_page(request, _meeting(pk))


@require_POST
@deliberate
def selection_decide(request, pk: int, proposal_pk: int):
    """The committee's decision on one proposal; a refused decision comes back with what was typed."""
    meeting = _meeting(pk)
    proposal = get_object_or_404(
        SelectionProposal.objects.select_related("category"), pk=proposal_pk, category__survey=meeting.survey
    )
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            service.decision_record(proposal, meeting=meeting, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error("reason" if error.code == "reason" else None, error.message)
        else:
            messages.success(request, _("The decision was recorded."))
            return redirect(
                reverse("review:selection_meeting", kwargs={"pk": meeting.pk}) + f"#category-{proposal.category_id}"
            )
    return _meeting_page(request, meeting, forms={proposal.pk: form}, status=400)


@require_POST
@deliberate
def selection_category_close(request, pk: int, category_pk: int):
    meeting = _meeting(pk)
    category = get_object_or_404(Category, pk=category_pk, survey=meeting.survey)
    try:
        closure = service.category_close(category, meeting=meeting, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return _meeting_page(request, meeting, status=400)
    messages.success(
        request,
        _("“%(category)s” was closed with %(selected)d selected of a quota of %(quota)d.")
        % {"category": category.name, "selected": closure.selected, "quota": closure.quota},
    )
    return redirect("review:selection_meeting", pk=meeting.pk)


@require_POST
@deliberate
def selection_meeting_close(request, pk: int):
    done = _("The meeting was closed; its decisions can no longer change.")
    return close_meeting(request, _meeting(pk), service.meeting_close, _meeting_page, done, "review:selection_meeting")


# -- the public list ------------------------------------------------------------------------------------------------


def rnd_selected(request):
    """Selected international R&D candidates of published announcements, per category; search and category filter."""
    filters = search_terms(request, ("q", "category"))
    items = (
        SelectionItem.objects.filter(notice__status=NoticeStatus.PUBLISHED)
        .select_related("category", "notice")
        .order_by("-notice__published_at", "category__order", "category__pk", "order", "pk")
    )
    if filters["q"]:
        items = items.filter(Q(title__icontains=filters["q"]) | Q(notice__number__icontains=filters["q"]))
    category_id = id_from(filters["category"])
    if category_id is not None:
        items = items.filter(category_id=category_id)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    categories = (
        Category.objects.filter(
            pk__in=SelectionItem.objects.filter(notice__status=NoticeStatus.PUBLISHED).values("category_id")
        )
        .select_related("survey")
        .order_by("survey", "order")
    )
    return render(
        request,
        "review/register/selected.html",
        {
            "page": page,
            "filters": filters,
            "rows": service.selection_rows(page),
            "categories": categories,
            "category_id": category_id,
        },
    )
