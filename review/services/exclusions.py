"""Experts an applicant asks not to be reviewed by (평가위원 기피 신청)."""

from django.db import transaction
from django.utils.translation import gettext as _

from portal.exceptions import DomainError
from portal.services.audit import audit_log
from review.enums import AuditAction
from review.models import ExclusionRequest

#: How many experts one application may ask to exclude.
MAX_EXCLUSIONS = 3

#: Until reviewers are assigned, the list may change.


def _check_open(application) -> None:
    if not application.survey.in_gate("filing"):
        raise DomainError(_("Exclusion requests can be changed only until the technical review starts."), code="closed")


@transaction.atomic
def exclusion_add(application, *, actor, name: str = "", email: str = "", reason: str) -> ExclusionRequest:
    _check_open(application)
    name, email, reason = name.strip(), email.strip().lower(), reason.strip()
    if not (name or email):
        raise DomainError(_("Give the expert's name, e-mail or both."), code="empty")
    if not reason:
        raise DomainError(_("Give the reason for the exclusion."), code="reason")
    existing = ExclusionRequest.objects.select_for_update().filter(application=application)
    if existing.count() >= MAX_EXCLUSIONS:
        raise DomainError(
            _("An application may ask to exclude at most %(n)d experts.") % {"n": MAX_EXCLUSIONS}, code="limit"
        )
    if email and existing.filter(email__iexact=email).exists():
        raise DomainError(_("This expert is already on the list."), code="duplicate")
    request = ExclusionRequest.objects.create(application=application, name=name, email=email, reason=reason)
    audit_log(
        AuditAction.EXCLUSION_ADDED,
        actor=actor,
        obj=application,
        after={"name": name, "email": email, "reason": reason},
    )
    return request


@transaction.atomic
def exclusion_remove(request: ExclusionRequest, *, actor) -> None:
    _check_open(request.application)
    audit_log(
        AuditAction.EXCLUSION_REMOVED,
        actor=actor,
        obj=request.application,
        before={"name": request.name, "email": request.email, "reason": request.reason},
    )
    request.delete()
