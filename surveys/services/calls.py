"""Creating, editing and moving a call through its stages."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.exceptions import DomainError
from portal.services.audit import audit_log, snapshot
from surveys.enums import AuditAction, SurveyStage
from surveys.models import Category, Criterion, Survey
from surveys.pipelines import check_transition_guards, pipeline_of

EDITABLE_FIELDS = [
    "kind",
    "title",
    "title_en",
    "description",
    "description_en",
    "legal_basis",
    "code",
    "eligible_types",
    "opens_at",
    "deadline",
    "review_starts_on",
    "hearing_starts_on",
    "hearing_ends_on",
    "committee_on",
    "notice_on",
    "contact",
    "score_min",
    "score_max",
    "half_points",
    "score_anchors",
    "association_channel",
    "with_hearing",
    "blind_version_required",
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
    _create_default_criteria(survey)
    audit_log(AuditAction.SURVEY_CREATED, actor=actor, obj=survey, after=snapshot(survey, EDITABLE_FIELDS))
    return survey


def _create_default_criteria(survey: Survey) -> None:
    Criterion.objects.bulk_create(
        Criterion(survey=survey, number=number, title=title, title_en=title_en)
        for number, (title, title_en) in enumerate(pipeline_of(survey).default_criteria, start=1)
    )
    if pipeline_of(survey).has_categories and not survey.categories.exists():
        from surveys.criteria import INTERNATIONAL_CATEGORIES

        Category.objects.bulk_create(
            Category(survey=survey, order=order, name=name, name_en=name_en, horizon_years=years, quota=quota)
            for order, (name, name_en, years, quota) in enumerate(INTERNATIONAL_CATEGORIES)
        )


def _has_default_criteria(survey: Survey, kind: str) -> bool:
    defaults = [(n, t, e) for n, (t, e) in enumerate(pipeline_of(kind).default_criteria, start=1)]
    return list(survey.criteria.order_by("number").values_list("number", "title", "title_en")) == defaults


@transaction.atomic
def survey_update(survey: Survey, *, data: dict, fields, actor) -> Survey:
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if not survey.in_gate("editable"):
        raise DomainError(_("A call cannot be edited after its notice."), code="state")
    before = snapshot(survey, EDITABLE_FIELDS)
    for name in EDITABLE_FIELDS:
        if name in data:
            setattr(survey, name, data[name])
    if survey.stage != SurveyStage.DRAFT and survey.kind != before["kind"]:
        raise DomainError(_("The kind of a published call cannot change."), code="state")
    _check_dates(survey)
    if survey.stage not in pipeline_of(survey).stages:
        raise DomainError(
            _("This kind of call has no stage “%(stage)s”.") % {"stage": SurveyStage(survey.stage).label}, code="state"
        )
    if survey.kind != before["kind"] and _has_default_criteria(survey, before["kind"]):
        # A draft call whose criteria are still the old kind's defaults takes the new kind's.
        survey.criteria.all().delete()
        _create_default_criteria(survey)
    survey.save()
    survey.fields.set(fields)
    if survey.blind_version_required != before["blind_version_required"]:  # drafts now miss blind versions, or not
        from surveys.services.intake import survey_refresh_completeness

        survey_refresh_completeness(survey)
    after = snapshot(survey, EDITABLE_FIELDS)
    changed = {k: v for k, v in after.items() if before[k] != v}
    audit_log(
        AuditAction.SURVEY_UPDATED,
        actor=actor,
        obj=survey,
        before={k: before[k] for k in changed},
        after=changed,
    )
    return survey


def early_move(survey: Survey, now=None) -> str:
    """Why leaving the call's current stage now would cut a window short ("" when it would not).

    Moving out of collection before the deadline, or out of the hearing before its last day, takes away
    what applicants or commenters were promised: it needs a reason and a confirmation, and is announced.
    """
    now = now or timezone.now()
    if survey.stage == SurveyStage.COLLECTION and survey.deadline and now < survey.deadline:
        return "collection"
    if (
        survey.stage == SurveyStage.HEARING
        and survey.hearing_ends_on
        and timezone.localdate(now) <= survey.hearing_ends_on
    ):
        return "hearing"
    return ""


def organizations_cut_short(survey: Survey):
    """The people to tell when collection closes early: members of organisations with an unfinished
    application (a draft, one with their association, or one returned for correction)."""
    from portal.models import User
    from surveys.enums import ApplicationStatus as A

    unfinished = [A.DRAFT, A.ASSOCIATION_REVIEW, A.RETURNED_BY_ASSOCIATION, A.RETURNED]
    organizations = survey.applications.filter(status__in=unfinished).values("organization")
    return (
        User.objects.filter(memberships__organization__in=organizations, memberships__is_active=True, is_active=True)
        .distinct()
        .order_by("pk")
    )


def allowed_transitions(survey: Survey) -> dict[str, bool]:
    """Stages this call may move to, each with whether a reason is required (its kind's pipeline)."""
    return pipeline_of(survey).transitions(survey)


def _check_stage_move(survey: Survey, pipeline, *, to: str, reason: str) -> None:
    """``to`` is a stage of the call's kind that its current stage may move to, with a reason where the move skips
    or reverses a stage."""
    if to not in SurveyStage.values or not pipeline.has_stage(survey, to):
        raise DomainError(
            _("A call of the kind “%(kind)s” has no stage “%(target)s”.")
            % {"kind": survey.get_kind_display(), "target": SurveyStage(to).label if to in SurveyStage.values else to},
            code="transition",
        )
    allowed = pipeline.transitions(survey)
    if to not in allowed:
        raise DomainError(
            _("A call in stage “%(current)s” cannot move to “%(target)s”.")
            % {"current": pipeline.label(survey.stage), "target": pipeline.label(to)},
            code="transition",
        )
    if allowed[to] and not reason:
        raise DomainError(
            _("Moving from “%(current)s” to “%(target)s” skips or reverses a stage: write the reason.")
            % {"current": pipeline.label(survey.stage), "target": pipeline.label(to)},
            code="reason",
        )


def _check_early_move(survey: Survey, pipeline, *, reason: str, confirmed: bool) -> str:
    """The window the move cuts short (see ``early_move``), once it has a reason and is confirmed."""
    early = early_move(survey)
    if early and not reason:
        raise DomainError(
            _("The deadline of “%(current)s” has not passed yet: write why the stage ends early.")
            % {"current": pipeline.label(survey.stage)},
            code="reason",
        )
    if early and not confirmed:
        raise DomainError(
            _(
                "The deadline of “%(current)s” has not passed yet. Confirm that it ends early; the organisations "
                "concerned will be told."
            )
            % {"current": pipeline.label(survey.stage)},
            code="confirm",
        )
    return early


@transaction.atomic
def survey_transition(survey: Survey, *, to: str, actor, reason: str = "", confirmed: bool = False) -> Survey:
    """Move a call to another stage, as its kind's pipeline allows; audited.

    Cutting collection or the hearing short needs a reason and ``confirmed``; the organisations with unfinished
    applications are told by mail.
    """
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    pipeline = pipeline_of(survey)
    reason = reason.strip()
    _check_stage_move(survey, pipeline, to=to, reason=reason)
    early = _check_early_move(survey, pipeline, reason=reason, confirmed=confirmed)
    if to != SurveyStage.DRAFT:
        _check_publishable(survey)
    check_transition_guards(survey, to)
    before = survey.stage
    survey.stage = to
    update = ["stage", "updated_at"]
    if survey.published_at is None and to != SurveyStage.DRAFT:
        survey.published_at = timezone.now()
        update.append("published_at")
    survey.save(update_fields=update)
    after = {"stage": to, "reason": reason}
    if early:
        after["ended_early"] = early
    audit_log(AuditAction.SURVEY_STAGE_CHANGED, actor=actor, obj=survey, before={"stage": before}, after=after)
    if early == "collection":
        _announce_early_close(survey, reason=reason)
    return survey


def _announce_early_close(survey: Survey, *, reason: str) -> None:
    from portal.services.mail import mail_queue

    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    for person in organizations_cut_short(survey):
        mail_queue(
            "collection_closed_early",
            to=person.email,
            recipient_user=person,
            context={"survey": survey, "reason": reason, "person": person},
            topic=f"surveys.survey:{survey.pk}",
            dedupe_key=f"surveys.closed_early:{survey.pk}:{stamp}:{person.pk}",
        )


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
            _("The call cannot be published yet; it lacks: %(missing)s.")
            % {"missing": ", ".join(str(m) for m in missing)},
            code="incomplete",
        )
