"""Stage 4: meetings of the National High-Tech Strategic Industry Committee, its resolutions and corrections."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.exceptions import DomainError
from portal.services.audit import audit_log, snapshot
from review.enums import DECISIONS_BY_KIND, AuditAction, Decision
from review.models import NationalMeeting, Objection, ObjectionStep, Resolution, SubcommitteeDecision
from review.selectors import confirmed_candidates, effective_resolutions
from review.services.edits import save_changes
from surveys.enums import SurveyStage
from surveys.models import Candidate, Survey

MEETING_FIELDS = ["title", "held_on", "attendees", "chair", "members_total", "members_present", "minutes"]
RESOLUTION_FIELDS = [
    "candidate",
    "decision",
    "votes_for",
    "votes_against",
    "votes_abstain",
    "reason",
    "conditions",
    "corrects",
]


def decision_choices(survey: Survey) -> list[tuple[str, str]]:
    """The resolutions the committee may pass on this kind of call."""
    return [
        (value, Decision(value).label) for value in DECISIONS_BY_KIND.get(survey.kind, DECISIONS_BY_KIND["technology"])
    ]


def _lock_meeting(meeting: NationalMeeting) -> NationalMeeting:
    return NationalMeeting.objects.select_for_update().select_related("survey").get(pk=meeting.pk)


def _refuse_closed(meeting: NationalMeeting) -> None:
    if meeting.is_closed:
        raise DomainError(
            _("The meeting is closed; nothing in it can change. Record a correction instead."), code="closed"
        )


def _clean_resolution(
    survey: Survey, *, decision: str, reason: str, votes: dict, conditions: str = ""
) -> tuple[str, str]:
    if decision not in dict(decision_choices(survey)):
        raise DomainError(_("Choose one of the resolutions offered."), code="decision")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Write the reason for the resolution."), code="reason")
    if any(value is not None and value < 0 for value in votes.values()):
        raise DomainError(_("Vote counts cannot be negative."), code="votes")
    conditions = (conditions or "").strip()
    if decision == Decision.DESIGNATE_WITH_CONDITIONS and not conditions:
        raise DomainError(_("Write the conditions of the designation."), code="conditions")
    return reason, conditions if decision == Decision.DESIGNATE_WITH_CONDITIONS else ""


def quorum_problem(meeting: NationalMeeting) -> str:
    """Why the meeting's record cannot be closed as it stands, or "" when it can."""
    if meeting.survey.kind != "complex":
        return ""
    if not meeting.chair.strip():
        return str(_("Record who chaired the meeting."))
    if not meeting.members_total or meeting.members_present is None:
        return str(_("Record the number of members in office and present."))
    if meeting.members_present > meeting.members_total:
        return str(_("More members present than in office: check the numbers."))
    if meeting.members_present * 2 <= meeting.members_total:
        return str(
            _("The quorum (a majority of the members in office) was not present: %(present)d of %(total)d.")
            % {"present": meeting.members_present, "total": meeting.members_total}
        )
    return ""


@transaction.atomic
def meeting_create(
    survey: Survey,
    *,
    title: str,
    held_on,
    attendees: str = "",
    actor,
    chair: str = "",
    members_total=None,
    members_present=None,
) -> NationalMeeting:
    """Open a meeting; only while the call is in the national committee stage."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if not survey.in_gate("deliberation"):
        raise DomainError(
            _("Meetings can be created only while the call is in the stage “%(stage)s”; it is now in “%(current)s”.")
            % {"stage": survey.pipeline.label(SurveyStage.NATIONAL_COMMITTEE), "current": survey.stage_label},
            code="stage",
        )
    meeting = NationalMeeting.objects.create(
        survey=survey,
        title=title.strip(),
        held_on=held_on,
        attendees=attendees.strip(),
        created_by=actor,
        chair=(chair or "").strip(),
        members_total=members_total,
        members_present=members_present,
    )
    audit_log(AuditAction.NATIONAL_MEETING_CREATED, actor=actor, obj=meeting, after=snapshot(meeting, MEETING_FIELDS))
    return meeting


@transaction.atomic
def meeting_update(meeting: NationalMeeting, *, actor, **data) -> NationalMeeting:
    """Change the title, date, attendees or minutes of an open meeting."""
    meeting = _lock_meeting(meeting)
    _refuse_closed(meeting)
    save_changes(meeting, data, MEETING_FIELDS, action=AuditAction.NATIONAL_MEETING_UPDATED, actor=actor)
    return meeting


@transaction.atomic
def meeting_close(meeting: NationalMeeting, *, actor) -> NationalMeeting:
    """Close the meeting: from now on its record and resolutions are fixed."""
    meeting = _lock_meeting(meeting)
    _refuse_closed(meeting)
    problem = quorum_problem(meeting)
    if problem:
        raise DomainError(problem, code="quorum")
    meeting.closed_at = timezone.now()
    meeting.closed_by = actor
    meeting.save(update_fields=["closed_at", "closed_by"])
    audit_log(
        AuditAction.NATIONAL_MEETING_CLOSED,
        actor=actor,
        obj=meeting,
        after={"resolutions": meeting.resolutions.count(), "closed_at": meeting.closed_at.isoformat()},
    )
    return meeting


@transaction.atomic
def resolution_record(
    meeting: NationalMeeting,
    candidate: Candidate,
    *,
    decision: str,
    reason: str,
    actor,
    votes_for=None,
    votes_against=None,
    votes_abstain=None,
    conditions: str = "",
) -> Resolution:
    """Record, or while the meeting is open change, the resolution on one candidate of the agenda."""
    meeting = _lock_meeting(meeting)
    _refuse_closed(meeting)
    votes = {"votes_for": votes_for, "votes_against": votes_against, "votes_abstain": votes_abstain}
    reason, conditions = _clean_resolution(
        meeting.survey, decision=decision, reason=reason, votes=votes, conditions=conditions
    )
    if not confirmed_candidates(meeting.survey).filter(candidate=candidate).exists():
        raise DomainError(_("This candidate is not on the confirmed list of the call."), code="agenda")
    resolution = Resolution.objects.filter(meeting=meeting, candidate=candidate, corrects__isnull=True).first()
    before = snapshot(resolution, RESOLUTION_FIELDS) if resolution else None
    if resolution is None:
        resolution = Resolution(meeting=meeting, candidate=candidate, recorded_by=actor)
    resolution.decision, resolution.reason, resolution.conditions = decision, reason, conditions
    for name, value in votes.items():
        setattr(resolution, name, value)
    resolution.recorded_by = actor
    resolution.save()
    audit_log(
        AuditAction.RESOLUTION_RECORDED,
        actor=actor,
        obj=resolution,
        before=before,
        after=snapshot(resolution, RESOLUTION_FIELDS),
    )
    return resolution


@transaction.atomic
def resolution_correct(
    resolution: Resolution,
    *,
    decision: str,
    reason: str,
    actor,
    votes_for=None,
    votes_against=None,
    votes_abstain=None,
    conditions: str = "",
) -> Resolution:
    """Record a correction of a closed meeting's resolution: a new resolution naming the old one."""
    meeting = _lock_meeting(resolution.meeting)
    if not meeting.is_closed:
        raise DomainError(_("While the meeting is open, change the resolution itself."), code="open")
    resolution = Resolution.objects.select_for_update().get(pk=resolution.pk)
    if Resolution.objects.filter(corrects=resolution).exists():
        raise DomainError(
            _("This resolution has already been corrected; correct the latest correction."), code="corrected"
        )
    votes = {"votes_for": votes_for, "votes_against": votes_against, "votes_abstain": votes_abstain}
    reason, conditions = _clean_resolution(
        meeting.survey, decision=decision, reason=reason, votes=votes, conditions=conditions
    )
    correction = Resolution.objects.create(
        meeting=meeting,
        candidate_id=resolution.candidate_id,
        decision=decision,
        reason=reason,
        corrects=resolution,
        conditions=conditions,
        recorded_by=actor,
        **votes,
    )
    audit_log(
        AuditAction.RESOLUTION_CORRECTED,
        actor=actor,
        obj=correction,
        before=snapshot(resolution, RESOLUTION_FIELDS),
        after=snapshot(correction, RESOLUTION_FIELDS),
    )
    return correction


@dataclass
class AgendaItem:
    """One candidate on a meeting's agenda, with what the committee has before it: a confirmed candidate, or one
    re-deliberated here on an upheld objection (``objection``), which may not have been confirmed at all."""

    candidate: Candidate
    recommendation: SubcommitteeDecision | None
    resolutions: list = field(default_factory=list)
    in_force_elsewhere: Resolution | None = None
    objection: Objection | None = None

    @property
    def history(self) -> list[tuple[Resolution, Resolution | None]]:
        """Each resolution with the correction that replaced it, if any."""
        corrections = {r.corrects_id: r for r in self.resolutions if r.corrects_id}
        return [(r, corrections.get(r.pk)) for r in self.resolutions]

    @property
    def current(self) -> Resolution | None:
        """This meeting's resolution in force: the end of the correction chain."""
        corrected = {r.corrects_id for r in self.resolutions}
        latest = [r for r in self.resolutions if r.pk not in corrected]
        return latest[-1] if latest else None


def meeting_agenda(meeting: NationalMeeting) -> list[AgendaItem]:
    """The confirmed candidates with their subcommittee recommendation and resolutions, and the candidates
    re-deliberated here on an objection — a fixed number of queries."""
    entries = list(confirmed_candidates(meeting.survey))
    ids = [entry.candidate_id for entry in entries]
    recommendations = {d.candidate_id: d for d in SubcommitteeDecision.objects.filter(candidate_id__in=ids)}
    items = {
        entry.candidate_id: AgendaItem(entry.candidate, recommendations.get(entry.candidate_id)) for entry in entries
    }
    objections = {
        step.resolution.candidate_id: step.objection
        for step in ObjectionStep.objects.filter(resolution__meeting=meeting).select_related("resolution", "objection")
    }
    for resolution in (
        Resolution.objects.filter(meeting=meeting)
        .select_related("recorded_by", "candidate")
        .order_by("recorded_at", "pk")
    ):
        if resolution.candidate_id not in items and resolution.candidate_id in objections:
            items[resolution.candidate_id] = AgendaItem(resolution.candidate, None)
        if resolution.candidate_id in items:
            items[resolution.candidate_id].resolutions.append(resolution)
    for candidate_id, objection in objections.items():
        items[candidate_id].objection = objection
    for candidate_id, resolution in effective_resolutions(meeting.survey).items():
        if candidate_id in items and resolution.meeting_id != meeting.pk:
            items[candidate_id].in_force_elsewhere = resolution
    return list(items.values())
