"""The committee secretary's screens: rankings, subcommittee records, the committee's confirmation, books."""

from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.downloads import attachment_response, file_response
from portal.exceptions import DomainError
from portal.filters import search_terms
from portal.forms import id_from
from portal.permissions import permission_or_404
from portal.services.documents import served_file
from review.enums import RankingShow, RenderStatus
from review.forms import CommitteeConfirmForm, SubcommitteeDecisionForm, SubcommitteeMeetingForm
from review.models import CandidateScore, CommitteeBook, CommitteeConfirmation, SubcommitteeMeeting
from review.selectors import committee as reads
from review.services import committee
from review.services import committee_book as books
from surveys.models import Candidate, Survey

deliberate = permission_or_404("review.deliberate")


def _field(survey: Survey, field_code: str):
    return get_object_or_404(survey.fields, code=field_code)


@deliberate
def index(request, pk: int):
    survey = get_object_or_404(Survey, pk=pk)
    return render(
        request,
        "review/committee/index.html",
        {
            "survey": survey,
            "summaries": reads.field_summaries(survey),
            "confirmation": CommitteeConfirmation.objects.filter(survey=survey).first(),
        },
    )


PAGE_SIZE = 50


@dataclass(frozen=True)
class DecisionEntry:
    """The one recommendation form a ranking page shows: its prefix, its values and, once refused, its errors.

    The template writes the inputs by hand with the names and ids ``SubcommitteeDecisionForm`` reads
    and Django would give them.
    """

    prefix: str
    recommendation: str = ""
    rationale: str = ""
    conditions: str = ""
    errors: dict = dataclass_field(default_factory=dict)
    non_field_errors: tuple = ()

    @classmethod
    def of(cls, candidate) -> "DecisionEntry":
        decision = getattr(candidate, "subcommittee_decision", None)
        if decision is None:
            return cls(_decision_prefix(candidate))
        return cls(_decision_prefix(candidate), decision.recommendation, decision.rationale, decision.conditions)

    @classmethod
    def from_form(cls, form: SubcommitteeDecisionForm) -> "DecisionEntry":
        return cls(
            form.prefix,
            form["recommendation"].value() or "",
            form["rationale"].value() or "",
            form["conditions"].value() or "",
            {name: list(errors) for name, errors in form.errors.items()},
            tuple(form.non_field_errors()),
        )


def _decision_prefix(candidate) -> str:
    return f"c{candidate.pk}"


def _without(request, name: str) -> str:
    """The page's query string without ``name``, ready to take one more parameter."""
    query = request.GET.copy()
    query.pop(name, None)
    return query.urlencode() + "&" if query else ""


def _entries(request, rows, posted, posted_form) -> list[DecisionEntry | None]:
    """Per row, its open form or None: the refused post's, else the one ``?decide=`` asks for."""
    if posted is not None:
        return [DecisionEntry.from_form(posted_form) if row.score.pk == posted.pk else None for row in rows]
    decide = id_from(request.GET.get("decide", ""))
    return [DecisionEntry.of(row.candidate) if row.score.pk == decide else None for row in rows]


def _posted_candidate(request, survey, field_code) -> CandidateScore | None:
    posted = id_from(request.POST.get("candidate", ""))
    if posted is None:
        return None
    return (
        CandidateScore.objects.filter(survey=survey, field_code=field_code, active=True, candidate_id=posted)
        .select_related("candidate__subcommittee_decision")
        .first()
    )


def _field_post(request, survey, field_code, which, meeting_form, posted, posted_form):
    """Save the subcommittee's meeting or one recommendation; a redirect when saved, else ``None`` (the forms
    carry the errors)."""
    if which == "meeting" and meeting_form.is_valid():
        try:
            committee.meeting_save(survey, field_code=field_code, actor=request.user, **meeting_form.cleaned_data)
        except DomainError as error:
            meeting_form.add_error(None, error.message)
        else:
            messages.success(request, _("The subcommittee meeting was saved."))
            return redirect(request.get_full_path())
    elif posted_form is not None and posted_form.is_valid():
        try:
            committee.decision_record(posted.candidate, actor=request.user, **posted_form.cleaned_data)
        except DomainError as error:
            posted_form.add_error(None, error.message)
        else:
            messages.success(request, _("The recommendation for %(number)s was saved.") % {"number": posted.number})
            rest = _without(request, "decide").rstrip("&")
            return redirect(f"{request.path}{'?' + rest if rest else ''}#candidate-{posted.pk}")
    elif which not in ("meeting", "decision") or (which == "decision" and posted is None):
        messages.error(request, _("The form could not be read; reload the page and try again."))
    return None


@deliberate
def field(request, pk: int, field_code: str):
    """The field's ranking, a page at a time, with the subcommittee's meeting and its recommendation per candidate."""
    survey = get_object_or_404(Survey, pk=pk)
    the_field = _field(survey, field_code)
    meeting = SubcommitteeMeeting.objects.filter(survey=survey, field_code=field_code).first()
    filters = search_terms(request, ["q"])
    show = request.GET.get("show", RankingShow.ALL)
    if show not in RankingShow.values:
        show = RankingShow.ALL
    ordered, rank_of, count = reads.standings(survey, field_code, show=show, query=filters["q"])
    paginator = Paginator(ordered, PAGE_SIZE)
    if count is not None:
        paginator.count = count  # known from the ranking's values: spares a COUNT query
    page = paginator.get_page(request.GET.get("page"))
    which = request.POST.get("form") if request.method == "POST" else None
    meeting_form = SubcommitteeMeetingForm(
        request.POST if which == "meeting" else None,
        initial={"held_on": meeting.held_on, "attendees": meeting.attendees, "minutes": meeting.minutes}
        if meeting
        else {},
    )
    posted = _posted_candidate(request, survey, field_code) if which == "decision" else None
    scores = list(page.object_list)
    if posted is not None and posted.pk not in {s.pk for s in scores}:
        scores.insert(0, posted)  # the ranking moved since the page was loaded: keep the form in view
    posted_form = None
    if posted is not None:
        posted_form = SubcommitteeDecisionForm(request.POST, prefix=_decision_prefix(posted.candidate))
    status = 200
    if request.method == "POST":
        status = 400
        done = _field_post(request, survey, field_code, which, meeting_form, posted, posted_form)
        if done is not None:
            return done
    rows = reads.standing_rows(scores, rank_of)
    return render(
        request,
        "review/committee/field.html",
        {
            "survey": survey,
            "field": the_field,
            "meeting": meeting,
            "meeting_form": meeting_form,
            "rows": list(zip(rows, _entries(request, rows, posted, posted_form))),
            "page": page,
            "filters": filters,
            "show": show,
            "decide_query": _without(request, "decide"),
            "decision_labels": SubcommitteeDecisionForm.base_fields,
            "recommendation_choices": committee.recommendation_choices(survey),
            "with_conditions": "designate_cond" in dict(committee.recommendation_choices(survey)),
            "show_choices": RankingShow.choices,
            "closed": committee.closed_reason(survey),
            "book": CommitteeBook.objects.filter(survey=survey, field_code=field_code).first(),
        },
        status=status,
    )


@deliberate
def confirm(request, pk: int):
    """The Technical Coordination Committee's confirmation of the recommended candidates."""
    survey = get_object_or_404(Survey, pk=pk)
    lists = reads.confirmation_lists(survey)
    form = CommitteeConfirmForm(
        request.POST or None,
        candidates=Candidate.objects.filter(pk__in=[c.pk for c in lists.recommended]).order_by("field_code", "number"),
        initial={"candidates": [c.pk for c in lists.recommended], "held_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            committee.committee_confirm(
                survey,
                candidate_ids=[c.pk for c in data["candidates"]],
                held_on=data["held_on"],
                minutes=data["minutes"],
                hearing_starts_on=data["hearing_starts_on"],
                hearing_ends_on=data["hearing_ends_on"],
                actor=request.user,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("The candidate list was confirmed and the call moved to the stage “%(stage)s”.")
                % {"stage": Survey.objects.get(pk=survey.pk).stage_label},
            )
            return redirect("review:committee", pk=survey.pk)
    confirmation = CommitteeConfirmation.objects.filter(survey=survey).first()
    return render(
        request,
        "review/committee/confirm.html",
        {
            "survey": survey,
            "form": form,
            "lists": lists,
            "confirmation": confirmation,
            "entries": confirmation.entries.select_related("candidate") if confirmation else [],
            "with_hearing": committee.confirmation_leads_to_hearing(survey),
        },
        status=400 if request.method == "POST" else 200,
    )


@deliberate
def score_sheet(request, pk: int, field_code: str):
    survey = get_object_or_404(Survey, pk=pk)
    _field(survey, field_code)
    data = books.score_sheet(survey, field_code=field_code)
    filename = f"{survey.code}-{field_code}-{_('score sheet')}-{timezone.localdate():%Y%m%d}.xlsx".replace(" ", "_")
    return file_response(data, filename, books.XLSX)


@require_POST
@deliberate
def book_create(request, pk: int, field_code: str):
    survey = get_object_or_404(Survey, pk=pk)
    _field(survey, field_code)
    _book, created = books.book_request(survey, field_code=field_code, actor=request.user)
    if created:
        messages.success(request, _("The committee book is being prepared; this page shows its progress."))
    else:
        messages.info(request, _("A committee book for this field is already being prepared."))
    return redirect("review:committee_field", pk=survey.pk, field_code=field_code)


def _book(pk: int, field_code: str, book_id: int) -> CommitteeBook:
    return get_object_or_404(
        CommitteeBook.objects.select_related("survey"), pk=book_id, survey_id=pk, field_code=field_code
    )


@deliberate
def book_status(request, pk: int, field_code: str, book_id: int):
    """The progress fragment the field page polls while the book renders."""
    return render(request, "review/committee/_book_status.html", {"book": _book(pk, field_code, book_id)})


@deliberate
def book_download(request, pk: int, field_code: str, book_id: int):
    book = _book(pk, field_code, book_id)
    if book.status != RenderStatus.DONE:
        raise Http404
    return attachment_response(served_file(book, book.file), books.book_filename(book))
