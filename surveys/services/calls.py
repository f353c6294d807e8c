"""Creating, editing and moving a call through its stages."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.exceptions import DomainError
from portal.services.audit import audit_log, snapshot
from surveys.criteria import DEFAULT_CRITERIA
from surveys.enums import STAGE_TRANSITIONS, AuditAction, SurveyStage
from surveys.models import Criterion, Survey

EDITABLE_FIELDS = [
    "kind", "title", "title_en", "description", "description_en", "legal_basis", "code",
    "eligible_types", "opens_at", "deadline", "review_starts_on", "hearing_starts_on",
    "hearing_ends_on", "committee_on", "notice_on", "contact",
    "score_min", "score_max", "half_points", "score_anchors", "association_channel", "blind_version_required",
]


def _check_dates(survey: Survey) -> None:
    if survey.opens_at and survey.deadline and survey.deadline <= survey.opens_at:
        raise DomainError(_("The deadline must come after the opening."), code="dates")
    if survey.hearing_starts_on and survey.hearing_ends_on and survey.hearing_ends_on < survey.hearing_starts_on:
        raise DomainError(_("The hearing must end on or after the day it starts."), code="dates")


@transaction.atomic
def survey_create(*, data: dict, fields, actor) -> Survey:
    survey = Survey(**{name: data[name] for name in EDITABLE_FIELDS if name in data}, created_by=actor)
    _check_dates(survey)
    survey.save()
    survey.fields.set(fields)
    Criterion.objects.bulk_create(
        Criterion(survey=survey, number=number, title=title, title_en=title_en)
        for number, (title, title_en) in enumerate(DEFAULT_CRITERIA, start=1)
    )
    audit_log(AuditAction.SURVEY_CREATED, actor=actor, obj=survey, after=snapshot(survey, EDITABLE_FIELDS))
    return survey


@transaction.atomic
def survey_update(survey: Survey, *, data: dict, fields, actor) -> Survey:
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.stage in (SurveyStage.NOTICE, SurveyStage.CLOSED):
        raise DomainError(_("A call cannot be edited after its notice."), code="state")
    before = snapshot(survey, EDITABLE_FIELDS)
    for name in EDITABLE_FIELDS:
        if name in data:
            setattr(survey, name, data[name])
    if survey.stage != SurveyStage.DRAFT and survey.kind != before["kind"]:
        raise DomainError(_("The kind of a published call cannot change."), code="state")
    _check_dates(survey)
    survey.save()
    survey.fields.set(fields)
    if survey.blind_version_required != before["blind_version_required"]:  # drafts now miss blind versions, or not
        from surveys.services.intake import survey_refresh_completeness

        survey_refresh_completeness(survey)
    after = snapshot(survey, EDITABLE_FIELDS)
    changed = {k: v for k, v in after.items() if before[k] != v}
    audit_log(
        AuditAction.SURVEY_UPDATED, actor=actor, obj=survey,
        before={k: before[k] for k in changed}, after=changed,
    )
    return survey


def allowed_transitions(survey: Survey) -> dict[str, bool]:
    """Stages this call may move to, each with whether a reason is required."""
    return STAGE_TRANSITIONS[survey.stage]


@transaction.atomic
def survey_transition(survey: Survey, *, to: str, actor, reason: str = "") -> Survey:
    """Move a call to another stage, as the stage table allows; audited."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    allowed = STAGE_TRANSITIONS[survey.stage]
    if to not in allowed:
        raise DomainError(
            _("A call in stage “%(current)s” cannot move to “%(target)s”.")
            % {"current": SurveyStage(survey.stage).label, "target": SurveyStage(to).label if to in SurveyStage.values else to},
            code="transition",
        )
    reason = reason.strip()
    if allowed[to] and not reason:
        raise DomainError(
            _("Moving from “%(current)s” to “%(target)s” skips or reverses a stage: write the reason.")
            % {"current": SurveyStage(survey.stage).label, "target": SurveyStage(to).label},
            code="reason",
        )
    if to != SurveyStage.DRAFT:
        _check_publishable(survey)
    before = survey.stage
    survey.stage = to
    update = ["stage", "updated_at"]
    if survey.published_at is None and to != SurveyStage.DRAFT:
        survey.published_at = timezone.now()
        update.append("published_at")
    survey.save(update_fields=update)
    audit_log(
        AuditAction.SURVEY_STAGE_CHANGED, actor=actor, obj=survey,
        before={"stage": before}, after={"stage": to, "reason": reason},
    )
    return survey


def _check_publishable(survey: Survey) -> None:
    missing = []
    if not survey.fields.exists():
        missing.append(_("fields"))
    if not survey.eligible_types:
        missing.append(_("eligible organisation types"))
    if not survey.criteria.exists():
        missing.append(_("criteria"))
    if missing:
        raise DomainError(
            _("The call cannot be published yet; it lacks: %(missing)s.") % {"missing": ", ".join(str(m) for m in missing)},
            code="incomplete",
        )
