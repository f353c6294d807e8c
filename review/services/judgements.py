"""What a member of an independent panel (layer 2 or 3) records: is international cooperation essential, and
should the candidate move in the ranking?"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.exceptions import DomainError
from portal.services.audit import audit_log
from review.enums import AssignmentStatus, AuditAction
from review.models import Assignment, EvaluationLayer, PanelJudgement
from review.services.reviewing import _lock, _move


def _check_state(assignment: Assignment, layer: EvaluationLayer) -> None:
    if assignment.status == AssignmentStatus.SUBMITTED:
        raise DomainError(_("This judgement was submitted and can no longer change."), code="submitted")
    if assignment.status != AssignmentStatus.ACCEPTED:
        raise DomainError(_("Sign the pledge and declare your conflicts of interest first."), code="state")
    if layer.is_closed:
        raise DomainError(_("Layer %(n)d is closed.") % {"n": layer.number}, code="closed")
    if not assignment.candidate.survey.in_gate("panel_judging"):
        raise DomainError(_("Judgements are recorded only while the panel evaluation is under way."), code="stage")


def check_judgement(
    layer: EvaluationLayer, *, essential, essential_reason: str, adjustment: int, adjustment_reason: str, submit: bool
) -> None:
    """The layer's rules; ``DomainError.code`` names the field at fault."""
    if abs(adjustment) > layer.max_adjustment:
        raise DomainError(
            _("The ranking may move by at most %(n)d places up or down.") % {"n": layer.max_adjustment},
            code="adjustment",
        )
    if adjustment and not adjustment_reason:
        raise DomainError(_("Give the reason for moving the candidate in the ranking."), code="adjustment_reason")
    if submit and essential is None:
        raise DomainError(_("Say whether international cooperation is essential."), code="essential")
    if submit and not essential_reason:
        raise DomainError(
            _("Give the reasons for your judgement on international cooperation."), code="essential_reason"
        )


@transaction.atomic
def judgement_save(
    assignment: Assignment,
    *,
    reviewer,
    essential: bool | None,
    essential_reason: str = "",
    adjustment: int = 0,
    adjustment_reason: str = "",
    comment: str = "",
    submit: bool = False,
) -> PanelJudgement:
    """Save a draft or submit; a submitted judgement never changes."""
    assignment = _lock(assignment, reviewer)
    if assignment.layer == 1:
        raise DomainError(_("Layer 1 is scored against the criteria, not judged."), code="layer")
    layer = EvaluationLayer.objects.get(survey_id=assignment.candidate.survey_id, number=assignment.layer)
    _check_state(assignment, layer)
    essential_reason, adjustment_reason = essential_reason.strip(), adjustment_reason.strip()
    check_judgement(
        layer,
        essential=essential,
        essential_reason=essential_reason,
        adjustment=adjustment,
        adjustment_reason=adjustment_reason,
        submit=submit,
    )
    judgement, _created = PanelJudgement.objects.get_or_create(assignment=assignment)
    judgement.essential, judgement.essential_reason = essential, essential_reason
    judgement.adjustment, judgement.adjustment_reason = adjustment, adjustment_reason
    judgement.comment = comment.strip()
    if submit:
        judgement.submitted_at = timezone.now()
        _move(assignment, AssignmentStatus.SUBMITTED)
        assignment.save(update_fields=["status"])
    judgement.save()
    audit_log(
        AuditAction.JUDGEMENT_SUBMITTED if submit else AuditAction.JUDGEMENT_SAVED,
        actor=reviewer,
        obj=assignment,
        after={"layer": layer.number, "essential": essential, "adjustment": adjustment},
    )
    return judgement
