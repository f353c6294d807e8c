"""Setting up a call: its criteria, extra questions, categories, guidance files and briefing sessions.

Each write checks the call's stage through a gate: criteria and questions (what applicants answer and
reviewers score) only before the first review stage (``setup``), the rest until the notice (``editable``).
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from portal.exceptions import DomainError
from portal.services.audit import audit_log
from portal.uploads import check_upload, safe_original_name
from surveys.enums import AuditAction
from surveys.models import Briefing, GuidanceFile, Survey
from surveys.services.intake import survey_refresh_completeness

GUIDANCE_TYPES = {"pdf", "hwp", "hwpx", "docx", "xlsx", "pptx"}
GUIDANCE_MAX = 30 * 1024 * 1024


def _check_gate(survey: Survey, gate: str) -> Survey:
    """The call, locked, if ``gate`` is open; otherwise a refusal saying why."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.in_gate(gate):
        return survey
    if gate == "setup":
        raise DomainError(_("The criteria and extra questions cannot change once the review has begun."), code="stage")
    raise DomainError(_("A call cannot be edited after its notice."), code="stage")


def _conflict() -> DomainError:
    return DomainError(
        _(
            "The list changed while you were editing it (or the form was altered), so nothing "
            "was saved. Your entries are below; reload the page to see the saved list."
        ),
        code="conflict",
    )


def _formset_save(survey: Survey, formset, *, gate: str, action: str, actor, after=None) -> None:
    try:
        with transaction.atomic():
            survey = _check_gate(survey, gate)
            formset.save()
            audit_log(action, actor=actor, obj=survey, after=after(survey) if after else {"forms": len(formset.forms)})
            survey_refresh_completeness(survey)
    except IntegrityError:  # two forms for one row, or another save in between: the database refuses
        raise _conflict() from None


def criteria_save(survey: Survey, formset, *, actor) -> None:
    """Save the criteria formset; refused once scoring may have begun."""
    _formset_save(survey, formset, gate="setup", action=AuditAction.CRITERIA_CHANGED, actor=actor)


def questions_save(survey: Survey, formset, *, actor) -> None:
    """Save the extra questions formset; refused once the review has begun."""
    _formset_save(survey, formset, gate="setup", action=AuditAction.QUESTIONS_CHANGED, actor=actor)


def categories_save(survey: Survey, formset, *, actor) -> None:
    """Save an international R&D call's categories (horizon and quota)."""
    if not survey.pipeline.has_categories:
        raise DomainError(_("This kind of call has no categories."), code="kind")

    def after(locked):
        return {"categories": [(c.name, c.horizon_years, c.quota) for c in locked.categories.all()]}

    try:
        _formset_save(survey, formset, gate="editable", action=AuditAction.CATEGORIES_CHANGED, actor=actor, after=after)
    except DomainError as error:
        if error.code != "conflict":
            raise
        raise DomainError(
            _("Two categories have the same name, or the list changed while you were editing it; nothing was saved."),
            code="conflict",
        ) from None


@transaction.atomic
def guidance_add(survey: Survey, *, title: str, upload, actor) -> GuidanceFile:
    """Attach a guidance file to the call (a ValidationError for a file of the wrong type or size)."""
    check_upload(upload, allowed=GUIDANCE_TYPES, max_size=GUIDANCE_MAX)
    survey = _check_gate(survey, "editable")
    guidance = GuidanceFile.objects.create(
        survey=survey,
        title=title,
        file=upload,
        original_name=safe_original_name(upload.name),
        size=upload.size,
    )
    audit_log(AuditAction.GUIDANCE_ADDED, actor=actor, obj=guidance, after={"name": guidance.original_name})
    return guidance


@transaction.atomic
def guidance_delete(guidance: GuidanceFile, *, actor) -> None:
    _check_gate(guidance.survey, "editable")
    audit_log(AuditAction.GUIDANCE_DELETED, actor=actor, obj=guidance, before={"name": guidance.original_name})
    guidance.file.delete(save=False)
    guidance.delete()


@transaction.atomic
def briefing_save(briefing: Briefing, *, upload, actor) -> Briefing:
    """Save a briefing session (``briefing`` is the form's unsaved instance; ``upload`` its new materials)."""
    if upload:
        check_upload(upload, allowed=GUIDANCE_TYPES, max_size=GUIDANCE_MAX)
        briefing.materials_name = safe_original_name(upload.name)
    _check_gate(briefing.survey, "editable")
    briefing.save()
    audit_log(
        AuditAction.BRIEFING_SAVED,
        actor=actor,
        obj=briefing,
        after={"starts_at": briefing.starts_at.isoformat(), "place": briefing.place},
    )
    return briefing
