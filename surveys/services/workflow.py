"""The one way an application's status changes: table check, provenance, audit, mail."""

from django.utils.translation import gettext as _

from portal.enums import Role
from portal.exceptions import DomainError
from portal.selectors import people_with_role
from portal.services.audit import audit_log
from portal.services.mail import mail_queue
from surveys.enums import APPLICATION_TRANSITIONS, ApplicationAction, ApplicationStatus, ProvenanceKind
from surveys.models import Application, ApplicationEvent
from surveys.selectors import applicant_people


def _association_people(application: Application):
    if not application.association_id:
        return []
    return list(people_with_role(Role.ASSOCIATION_STAFF, organization=application.association_id))


def _people_affected(application: Application, kind: str, to: str):
    """Who hears of a step: the association of what reaches or leaves it, otherwise the applicant.

    The submitter of a direct submission gets the receipt mail instead.
    """
    if kind in (ProvenanceKind.SUBMITTED, ProvenanceKind.RESTORED, ProvenanceKind.WITHDRAWN):
        if to == ApplicationStatus.ASSOCIATION_REVIEW or (
            kind == ProvenanceKind.WITHDRAWN and application.association_id
        ):
            return _association_people(application)
        return []
    return applicant_people(application)


def application_transition(
    application: Application,
    *,
    to: str,
    actor,
    kind: str,
    note: str = "",
    organization=None,
    version_number: int | None = None,
    action: str = ApplicationAction.TRANSITION,
    update_fields: list[str] | None = None,
) -> Application:
    """Move a locked application to another status, as the table allows.

    The caller holds the row (``select_for_update``) inside its transaction and may have set
    other fields, named in ``update_fields``, that are saved together with the status.
    """
    if to not in APPLICATION_TRANSITIONS[application.status]:
        raise DomainError(
            _("An application that is “%(current)s” cannot become “%(target)s”.")
            % {"current": ApplicationStatus(application.status).label, "target": ApplicationStatus(to).label},
            code="transition",
        )
    before = application.status
    application.status = to
    application.updated_by = actor
    application.revision += 1
    application.save(update_fields=["status", "updated_by", "revision", "updated_at", *(update_fields or [])])
    record_step(
        application, kind=kind, actor=actor, note=note, organization=organization, version_number=version_number
    )
    audit_log(
        action,
        actor=actor,
        obj=application,
        before={"status": before},
        after={"status": to, "step": kind, "note": note},
    )
    for person in _people_affected(application, kind, to):
        mail_queue(
            "application_status",
            to=person.email,
            recipient_user=person,
            context={
                "application": application,
                "status": ApplicationStatus(to).label,
                "note": note,
                "kind": ProvenanceKind(kind).label,
            },
            topic=f"surveys.application:{application.pk}",
        )
    return application


def record_step(
    application: Application, *, kind: str, actor, note: str = "", organization=None, version_number: int | None = None
) -> ApplicationEvent:
    """One provenance step: every status change writes one, and a step without a status change (drafting, merging)
    is written by itself."""
    return ApplicationEvent.objects.create(
        application=application,
        kind=kind,
        actor=actor,
        organization=organization,
        note=note,
        version_number=version_number,
    )
