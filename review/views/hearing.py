"""The hearing: the public candidate list and comments, and the ministry's answers."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.exceptions import DomainError
from portal.forms import id_from
from portal.permissions import permission_or_404
from review.forms import HearingAnswerForm, HearingCommentForm
from review.models import ConfirmedCandidate, HearingComment
from review.selectors import hearing as reads
from review.services import hearing
from review.services.blind import blind_titles
from surveys.models import Candidate, Survey
from surveys.pipelines import gate_q
from surveys.selectors import field_names

answer_hearing = permission_or_404("review.answer_hearing")
signed_in = permission_or_404("portal.signed_in")
PER_PAGE = 50


def _add_error(form, error: DomainError) -> None:
    form.add_error(error.code if error.code in form.fields else None, error.message)


def hearing_list(request, pk: int):
    """The confirmed candidates of a call with their comment counts and the comment window."""
    survey = get_object_or_404(Survey.objects.in_gate("hearing_public"), pk=pk)
    entries = list(reads.hearing_entries(survey))
    titles = blind_titles(entry.candidate for entry in entries)
    fields = field_names()
    rows = [
        (entry, titles[entry.candidate_id], fields.get(entry.candidate.field_code, entry.candidate.field_code))
        for entry in entries
    ]
    return render(
        request,
        "review/hearing/list.html",
        {
            "survey": survey,
            "rows": [row for row in rows if row[0].removed_at is None],
            "removed_rows": [row for row in rows if row[0].removed_at is not None],
            "is_open": hearing.window_open(survey),
        },
    )


def hearing_candidate(request, pk: int):
    """One candidate: its public summary, every comment with its masked author, the answers and the changes."""
    candidate = get_object_or_404(
        Candidate.objects.select_related("survey").filter(gate_q("hearing_public", "survey__")),
        pk=pk,
        confirmed__isnull=False,
    )
    if request.method == "POST":
        return _comment(request, pk, candidate=candidate)
    return _candidate_page(request, candidate, HearingCommentForm())


@signed_in
def _comment(request, pk: int, candidate: Candidate):
    """A comment on the candidate, by someone signed in; refused, the page comes back with what was typed."""
    form = HearingCommentForm(request.POST)
    if form.is_valid():
        try:
            comment = hearing.hearing_comment_add(candidate, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            _add_error(form, error)
        else:
            messages.success(request, _("Your comment was published. The ministry's answer will be mailed to you."))
            return redirect(reverse("review:hearing_candidate", kwargs={"pk": candidate.pk}) + f"#comment-{comment.pk}")
    return _candidate_page(request, candidate, form, status=400)


def _candidate_page(request, candidate: Candidate, form, status: int = 200):
    entry = ConfirmedCandidate.objects.select_related("removed_by").get(candidate=candidate)
    refusal = hearing.window_refusal(candidate.survey)
    comments = candidate.hearing_comments.select_related("author").order_by("created_at", "pk")
    return render(
        request,
        "review/hearing/candidate.html",
        {
            "survey": candidate.survey,
            "candidate": candidate,
            "entry": entry,
            "public": reads.public_summary(candidate),
            "field_name": field_names().get(candidate.field_code, candidate.field_code),
            "comments": [(comment, hearing.mask_name(comment.author.name)) for comment in comments],
            "form": form,
            "refusal": refusal,
            "is_open": not refusal,
        },
        status=status,
    )


def _filters(request) -> dict:
    candidate = request.GET.get("candidate", "")
    state = request.GET.get("state", "")
    return {
        "candidate": candidate if id_from(candidate) is not None else "",
        "state": state if state in ("answered", "unanswered") else "",
    }


@answer_hearing
def hearing_manage(request, pk: int):
    """Every comment of the call for the ministry, unanswered first, filtered and paginated."""
    survey = get_object_or_404(Survey, pk=pk)
    filters = _filters(request)
    comments = reads.comments_for_manage(
        survey,
        candidate_id=int(filters["candidate"]) if filters["candidate"] else None,
        answered={"answered": True, "unanswered": False}.get(filters["state"]),
    )
    page = Paginator(comments, PER_PAGE).get_page(request.GET.get("page"))
    candidates = Candidate.objects.filter(survey=survey, confirmed__isnull=False).order_by("number")
    return render(
        request,
        "review/hearing/manage.html",
        {
            "survey": survey,
            "page": page,
            "filters": filters,
            "candidates": candidates,
            "may_answer": request.user.has_perm("review.answer_hearing_now", survey),
        },
    )


@answer_hearing
def hearing_answer(request, pk: int):
    """The ministry's answer to one comment: the text, the change it caused and, when amended, the new name."""
    comment = get_object_or_404(HearingComment.objects.select_related("candidate__survey", "author"), pk=pk)
    candidate = comment.candidate
    initial = {
        "answer": comment.answer,
        "change": comment.change,
        "change_summary": comment.change_summary,
        "title": candidate.title,
    }
    form = HearingAnswerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            hearing.hearing_comment_answer(comment, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            _add_error(form, error)
        else:
            messages.success(
                request, _("The answer was saved and published; the commenter is mailed when its text changes.")
            )
            return redirect("review:hearing_manage", pk=candidate.survey_id)
    return render(
        request,
        "review/hearing/answer.html",
        {
            "survey": candidate.survey,
            "comment": comment,
            "candidate": candidate,
            "form": form,
            "may_answer": request.user.has_perm("review.answer_hearing_now", candidate.survey),
        },
        status=400 if request.method == "POST" else 200,
    )
