"""The association's part: check member submissions, return, endorse, forward; its own deadline."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.exceptions import DomainError
from portal.services.audit import audit_log
from surveys.enums import ApplicationAction, ApplicationStatus, ProvenanceKind
from surveys.models import Application, AssociationDeadline, ForwardBatch, Survey
from surveys.services.workflow import application_transition


def _lock(application: Application, association) -> Application:
    application = (
        Application.objects.select_for_update()
        .select_related("survey", "organization", "created_by")
        .get(pk=application.pk)
    )
    if application.association_id != association.pk:
        raise DomainError(_("This application was not submitted through your association."), code="forbidden")
    return application


@transaction.atomic
def association_return(application: Application, *, association, actor, comment: str, correction_due) -> Application:
    comment = comment.strip()
    if not comment:
        raise DomainError(_("Write what the company should correct."))
    application = _lock(application, association)
    if correction_due and correction_due < timezone.localdate():
        raise DomainError(_("The correction date cannot be in the past."))
    application.correction_due = correction_due
    return application_transition(
        application,
        to=ApplicationStatus.RETURNED_BY_ASSOCIATION,
        actor=actor,
        kind=ProvenanceKind.RETURNED_BY_ASSOCIATION,
        note=comment,
        organization=association,
        action=ApplicationAction.RETURNED,
        update_fields=["correction_due"],
    )


@transaction.atomic
def association_endorse(application: Application, *, association, actor, opinion: str) -> Application:
    opinion = opinion.strip()
    if not opinion:
        raise DomainError(_("Write the association's opinion; it goes to MOTIE with the application."))
    application = _lock(application, association)
    return application_transition(
        application,
        to=ApplicationStatus.ENDORSED,
        actor=actor,
        kind=ProvenanceKind.ENDORSED,
        note=opinion,
        organization=association,
        action=ApplicationAction.ENDORSED,
    )


@transaction.atomic
def association_forward(applications, *, association, survey: Survey, actor, cover_letter: str) -> ForwardBatch:
    """Forward endorsed applications to MOTIE, one or many, with a cover letter. All or none."""
    cover_letter = cover_letter.strip()
    if not cover_letter:
        raise DomainError(_("Write a cover letter for MOTIE."))
    ids = sorted({a.pk for a in applications})
    if not ids:
        raise DomainError(_("Choose at least one endorsed application."))
    locked = list(
        Application.objects.select_for_update()
        .select_related("survey", "organization", "created_by")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    not_ready = [
        a
        for a in locked
        if a.association_id != association.pk or a.survey_id != survey.pk or a.status != ApplicationStatus.ENDORSED
    ]
    if not_ready or len(locked) != len(ids):
        raise DomainError(
            _("Only endorsed applications of your association can be forwarded: %(list)s.")
            % {"list": ", ".join(str(a) for a in not_ready) or "—"},
            code="state",
        )
    batch = ForwardBatch.objects.create(
        survey=survey, association=association, cover_letter=cover_letter, forwarded_by=actor
    )
    batch.applications.set(locked)
    for application in locked:
        application_transition(
            application,
            to=ApplicationStatus.SUBMITTED,
            actor=actor,
            kind=ProvenanceKind.FORWARDED,
            note=cover_letter,
            organization=association,
            action=ApplicationAction.FORWARDED,
        )
    audit_log(
        ApplicationAction.FORWARDED, actor=actor, obj=batch, after={"applications": ids, "association": association.pk}
    )
    return batch


@transaction.atomic
def association_deadline_set(survey: Survey, *, association, deadline, actor) -> AssociationDeadline:
    if deadline > survey.deadline:
        raise DomainError(_("The association's deadline must not be later than MOTIE's."), code="deadline")
    record, _created = AssociationDeadline.objects.update_or_create(
        survey=survey, association=association, defaults={"deadline": deadline, "set_by": actor}
    )
    audit_log(
        ApplicationAction.ASSOCIATION_DEADLINE,
        actor=actor,
        obj=survey,
        after={"association": association.pk, "deadline": deadline.isoformat()},
    )
    return record
