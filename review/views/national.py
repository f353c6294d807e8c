"""The committee secretary's screens for the National High-Tech Strategic Industry Committee."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.exceptions import DomainError
from portal.forms import id_from
from portal.permissions import permission_or_404
from review.forms import MeetingRecordForm, NationalMeetingForm, ResolutionForm
from review.models import NationalMeeting, Resolution
from review.services import national as service
from surveys.models import Candidate, Survey

deliberate = permission_or_404("review.deliberate")


@deliberate
def meeting_list(request, pk: int):
    survey = get_object_or_404(Survey, pk=pk)
    form = NationalMeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = service.meeting_create(survey, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The meeting was created. Record a resolution for each candidate."))
            return redirect("review:national_meeting", pk=meeting.pk)
    meetings = survey.national_meetings.all()
    return render(
        request,
        "review/national/meeting_list.html",
        {
            "survey": survey,
            "form": form,
            "meetings": meetings,
            "can_create": survey.in_gate("deliberation"),
        },
        status=400 if request.method == "POST" else 200,
    )


def _meeting(pk: int) -> NationalMeeting:
    return get_object_or_404(NationalMeeting.objects.select_related("survey", "closed_by"), pk=pk)


def _resolution_form(item, data=None, *, choices=None):
    current = item.current
    initial = {}
    if current is not None:
        initial = {
            name: getattr(current, name)
            for name in ("decision", "votes_for", "votes_against", "votes_abstain", "reason", "conditions")
        }
    return ResolutionForm(data, prefix=f"c{item.candidate.pk}", initial=initial, choices=choices)


def _meeting_page(request, meeting, *, record_form=None, bound=None, status=200):
    agenda = service.meeting_agenda(meeting)
    choices = service.decision_choices(meeting.survey)
    rows = []
    for item in agenda:
        form = bound[1] if bound and bound[0] == item.candidate.pk else _resolution_form(item, choices=choices)
        # a re-deliberation is recorded from its objection's page; a closed meeting's resolutions only by correction
        rows.append((item, None if meeting.is_closed or item.objection else form))
    if record_form is None:
        record_form = MeetingRecordForm(initial={name: getattr(meeting, name) for name in service.MEETING_FIELDS})
    return render(
        request,
        "review/national/meeting_detail.html",
        {
            "meeting": meeting,
            "survey": meeting.survey,
            "rows": rows,
            "record_form": record_form,
        },
        status=status,
    )


@deliberate
def meeting_detail(request, pk: int):
    """The agenda with a resolution form per candidate, and the meeting's record; all fixed once closed."""
    meeting = _meeting(pk)
    if request.method != "POST":
        return _meeting_page(request, meeting)
    if request.POST.get("form") == "record":
        return _save_record(request, meeting)
    return _save_resolution(request, meeting)


def _save_record(request, meeting):
    form = MeetingRecordForm(request.POST)
    if form.is_valid():
        try:
            service.meeting_update(meeting, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The meeting record was saved."))
            return redirect("review:national_meeting", pk=meeting.pk)
    return _meeting_page(request, meeting, record_form=form, status=400)


def _save_resolution(request, meeting):
    candidate_id = id_from(request.POST.get("candidate", ""))
    candidate = Candidate.objects.filter(pk=candidate_id, survey=meeting.survey).first() if candidate_id else None
    if candidate is None:
        messages.error(request, _("Choose a candidate of the agenda."))
        return _meeting_page(request, meeting, status=400)
    form = ResolutionForm(request.POST, prefix=f"c{candidate.pk}", choices=service.decision_choices(meeting.survey))
    if form.is_valid():
        try:
            service.resolution_record(meeting, candidate, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The resolution on %(number)s was recorded.") % {"number": candidate.number})
            return redirect(f"{request.path}#candidate-{candidate.pk}")
    if meeting.is_closed:
        messages.error(request, _("The meeting is closed; nothing in it can change. Record a correction instead."))
    return _meeting_page(request, meeting, bound=(candidate.pk, form), status=400)


@require_POST
@deliberate
def meeting_close(request, pk: int):
    done = _("The meeting was closed. Its resolutions are now final; corrections are recorded separately.")
    return close_meeting(request, _meeting(pk), service.meeting_close, _meeting_page, done, "review:national_meeting")


def close_meeting(request, meeting, close, page, done: str, url_name: str):
    """Close a committee meeting with the service ``close``: then say ``done`` and go to the meeting's page
    (``url_name``); when the service refuses, show its reason on the meeting's ``page``."""
    try:
        close(meeting, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return page(request, meeting, status=400)
    messages.success(request, done)
    return redirect(url_name, pk=meeting.pk)


@deliberate
def resolution_correct(request, pk: int):
    """Record a correction of a closed meeting's resolution."""
    resolution = get_object_or_404(Resolution.objects.select_related("meeting__survey", "candidate"), pk=pk)
    initial = {
        name: getattr(resolution, name)
        for name in ("decision", "votes_for", "votes_against", "votes_abstain", "conditions")
    }
    form = ResolutionForm(
        request.POST or None, initial=initial, choices=service.decision_choices(resolution.meeting.survey)
    )
    if request.method == "POST" and form.is_valid():
        try:
            service.resolution_correct(resolution, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The correction was recorded."))
            url = reverse("review:national_meeting", kwargs={"pk": resolution.meeting_id})
            return redirect(f"{url}#candidate-{resolution.candidate_id}")
    return render(
        request,
        "review/national/resolution_correct.html",
        {
            "resolution": resolution,
            "meeting": resolution.meeting,
            "form": form,
            "correction": Resolution.objects.filter(corrects=resolution).first(),
        },
        status=400 if request.method == "POST" else 200,
    )
