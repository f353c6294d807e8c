"""The field subcommittees' recommendations and the technical coordination committee's confirmation."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.exceptions import DomainError
from portal.services.audit import audit_log, snapshot
from review.enums import RECOMMENDATIONS_BY_KIND, AuditAction, SubcommitteeRecommendation
from review.models import CommitteeConfirmation, ConfirmedCandidate, SubcommitteeDecision, SubcommitteeMeeting
from review.selectors.committee import Ranked, confirmation_lists, ranking  # noqa: F401 (ranking: read, kept importable here)
from review.services.aggregation import aggregate
from review.services.assignment import review_plan
from surveys.enums import SurveyStage
from surveys.models import Candidate, Survey
from surveys.services.calls import survey_transition

MEETING_FIELDS = ["held_on", "attendees", "minutes"]
DECISION_FIELDS = ["recommendation", "rationale", "conditions", "aggregate"]


def closed_reason(survey: Survey) -> str | None:
    """Why the subcommittee records of a call cannot change now, or None while they can."""
    if not survey.in_gate("recommending"):
        return _(
            "Subcommittee records can be changed only while the call is in the stage “%(open)s” (now: %(stage)s)."
        ) % {
            "open": ", ".join(str(survey.pipeline.label(s)) for s in survey.pipeline.gates["recommending"]),
            "stage": survey.stage_label,
        }
    if CommitteeConfirmation.objects.filter(survey=survey).exists():
        return _(
            "The Technical Coordination Committee has confirmed the candidate list; subcommittee records are closed."
        )
    return None


def _open(survey: Survey) -> Survey:
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    reason = closed_reason(survey)
    if reason:
        raise DomainError(reason, code="closed")
    return survey


@transaction.atomic
def meeting_save(
    survey: Survey, *, field_code: str, held_on: date, attendees: str, minutes: str, actor
) -> SubcommitteeMeeting:
    """Record (or correct) the subcommittee meeting of one field."""
    survey = _open(survey)
    if not survey.fields.filter(code=field_code).exists():
        raise DomainError(_("The call has no field %(code)s.") % {"code": field_code}, code="field")
    existing = SubcommitteeMeeting.objects.filter(survey=survey, field_code=field_code).first()
    before = snapshot(existing, MEETING_FIELDS) if existing else None
    meeting, _created = SubcommitteeMeeting.objects.update_or_create(
        survey=survey,
        field_code=field_code,
        defaults={"held_on": held_on, "attendees": attendees.strip(), "minutes": minutes.strip(), "updated_by": actor},
    )
    audit_log(
        AuditAction.SUBCOMMITTEE_MEETING_SAVED,
        actor=actor,
        obj=meeting,
        before=before,
        after={"field": field_code, **snapshot(meeting, MEETING_FIELDS)},
    )
    return meeting


def recommendation_choices(survey: Survey) -> list[tuple[str, str]]:
    """The recommendations the subcommittee of this kind of call may make."""
    return [
        (value, SubcommitteeRecommendation(value).label)
        for value in RECOMMENDATIONS_BY_KIND.get(survey.kind, RECOMMENDATIONS_BY_KIND["technology"])
    ]


@transaction.atomic
def decision_record(
    candidate: Candidate, *, recommendation: str, rationale: str, actor, conditions: str = ""
) -> SubcommitteeDecision:
    """The subcommittee's recommendation for a candidate, with the aggregate it had at the time."""
    survey = _open(candidate.survey)
    candidate = Candidate.objects.get(pk=candidate.pk)
    if candidate.merged_into_id:
        raise DomainError(_("This candidate was merged into another one."), code="merged")
    if recommendation not in dict(recommendation_choices(survey)):
        raise DomainError(_("Choose a recommendation."), code="recommendation")
    rationale = rationale.strip()
    if not rationale:
        raise DomainError(_("Write the rationale for the recommendation."), code="rationale")
    conditions = conditions.strip()
    if recommendation == SubcommitteeRecommendation.DESIGNATE_WITH_CONDITIONS and not conditions:
        raise DomainError(_("Write the conditions of the designation."), code="conditions")
    if recommendation != SubcommitteeRecommendation.DESIGNATE_WITH_CONDITIONS:
        conditions = ""
    meeting = SubcommitteeMeeting.objects.filter(survey=survey, field_code=candidate.field_code).first()
    if meeting is None:
        raise DomainError(_("Record the subcommittee meeting of this field first."), code="meeting")
    existing = SubcommitteeDecision.objects.filter(candidate=candidate).first()
    before = snapshot(existing, DECISION_FIELDS) if existing else None
    decision, _created = SubcommitteeDecision.objects.update_or_create(
        candidate=candidate,
        defaults={
            "meeting": meeting,
            "recommendation": recommendation,
            "rationale": rationale,
            "conditions": conditions,
            "aggregate": aggregate(candidate, plan=review_plan(survey)).value,
            "decided_by": actor,
        },
    )
    audit_log(
        AuditAction.SUBCOMMITTEE_DECIDED,
        actor=actor,
        obj=candidate,
        before=before,
        after=snapshot(decision, DECISION_FIELDS),
    )
    return decision


def _check_hearing(starts_on: date, ends_on: date) -> None:
    if starts_on < timezone.localdate():
        raise DomainError(_("The hearing cannot start in the past."), code="dates")
    if ends_on < starts_on:
        raise DomainError(_("The hearing must end on or after the day it starts."), code="dates")


def confirmation_leads_to_hearing(survey: Survey) -> bool:
    return survey.pipeline.next_stage(survey) == SurveyStage.HEARING


def _confirmable(survey: Survey) -> Survey:
    """The call, locked, once it is sure its list can be confirmed now."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if CommitteeConfirmation.objects.filter(survey=survey).exists():
        raise DomainError(
            _("The Technical Coordination Committee has already confirmed this call's list."), code="done"
        )
    if not survey.in_gate("recommending"):
        raise DomainError(_("The list can be confirmed only while the subcommittee's records are open."), code="stage")
    return survey


def _chosen(survey: Survey, candidate_ids: list[int]) -> list[Candidate]:
    """The candidates to confirm, in the order given; each must be one the subcommittees recommended."""
    lists = confirmation_lists(survey)
    if lists.undecided:
        raise DomainError(
            _("These candidates have no subcommittee recommendation yet: %(list)s.")
            % {"list": ", ".join(c.number for c in lists.undecided)},
            code="undecided",
        )
    allowed = {c.pk: c for c in lists.recommended}
    chosen = [allowed[pk] for pk in dict.fromkeys(candidate_ids) if pk in allowed]
    if len(chosen) != len(set(candidate_ids)):
        raise DomainError(_("Only candidates the subcommittees recommended can be confirmed."), code="candidates")
    if not chosen:
        raise DomainError(_("Select at least one candidate."), code="candidates")
    return chosen


def _hearing_window(survey: Survey, starts_on: date | None, ends_on: date | None) -> tuple[date | None, date | None]:
    """The window the call's hearing gets: the one given where the confirmation leads to a hearing, else the
    call's own."""
    if not confirmation_leads_to_hearing(survey):
        return survey.hearing_starts_on, survey.hearing_ends_on
    if starts_on is None or ends_on is None:
        raise DomainError(_("Set the hearing window."), code="dates")
    _check_hearing(starts_on, ends_on)
    return starts_on, ends_on


@transaction.atomic
def committee_confirm(
    survey: Survey,
    *,
    candidate_ids: list[int],
    held_on: date,
    minutes: str,
    hearing_starts_on: date | None = None,
    hearing_ends_on: date | None = None,
    actor,
) -> CommitteeConfirmation:
    """Confirm the call's candidate list and move the call to its next stage: the hearing (with its window)
    where the call has one, else the national committee."""
    if not actor.has_perm("review.deliberate"):
        raise DomainError(_("Only the committee secretary or the ministry may confirm the list."), code="permission")
    survey = _confirmable(survey)
    chosen = _chosen(survey, candidate_ids)
    if not minutes.strip():
        raise DomainError(_("Write the minutes of the meeting."), code="minutes")
    hearing_starts_on, hearing_ends_on = _hearing_window(survey, hearing_starts_on, hearing_ends_on)
    confirmation = CommitteeConfirmation.objects.create(
        survey=survey, held_on=held_on, minutes=minutes.strip(), confirmed_by=actor
    )
    ConfirmedCandidate.objects.bulk_create(ConfirmedCandidate(confirmation=confirmation, candidate=c) for c in chosen)
    before = snapshot(survey, ["hearing_starts_on", "hearing_ends_on"])
    survey.hearing_starts_on, survey.hearing_ends_on = hearing_starts_on, hearing_ends_on
    survey.save(update_fields=["hearing_starts_on", "hearing_ends_on", "updated_at"])
    audit_log(
        AuditAction.COMMITTEE_CONFIRMED,
        actor=actor,
        obj=survey,
        before=before,
        after={
            "held_on": held_on,
            "candidates": [c.number for c in chosen],
            "hearing_starts_on": hearing_starts_on,
            "hearing_ends_on": hearing_ends_on,
        },
    )
    survey_transition(survey, to=survey.pipeline.next_stage(survey), actor=actor)
    return confirmation
