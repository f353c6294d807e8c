"""MOTIE's intake: accept into technical review, return for correction, duplicates, candidates."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.exceptions import DomainError
from portal.services.audit import audit_log
from surveys.enums import ApplicationAction, ApplicationStatus, ProvenanceKind
from surveys.models import Application, Candidate, Survey
from surveys.services.workflow import application_transition, record_step
from surveys.signals import candidates_changed


def _lock(application: Application) -> Application:
    return (
        Application.objects.select_for_update()
        .select_related("survey", "organization", "created_by")
        .get(pk=application.pk)
    )


def _motie(actor):
    membership = actor.memberships.filter(role="admin", is_active=True).select_related("organization").first()
    return membership.organization if membership else None


def _next_candidate_number(survey: Survey) -> str:
    """The next free number for the call's code; calls of other years may share the code."""
    Survey.objects.select_for_update().get(pk=survey.pk)
    prefix = f"{survey.code}-T"
    taken = Candidate.objects.filter(number__startswith=prefix).values_list("number", flat=True)
    last = max((int(n[len(prefix) :]) for n in taken if n[len(prefix) :].isdigit()), default=0)
    return f"{prefix}{last + 1:03d}"


@transaction.atomic
def intake_accept(application: Application, *, actor, note: str = "") -> Application:
    application = _lock(application)
    if application.candidate_id is None:
        application.candidate = Candidate.objects.create(
            survey=application.survey,
            number=_next_candidate_number(application.survey),
            title=application.title,
            field_code=application.field_code,
        )
        candidates_changed.send(Candidate, survey=application.survey, candidate_ids=[application.candidate_id])
    return application_transition(
        application,
        to=ApplicationStatus.ACCEPTED,
        actor=actor,
        kind=ProvenanceKind.ACCEPTED,
        note=note.strip(),
        organization=_motie(actor),
        action=ApplicationAction.ACCEPTED,
        update_fields=["candidate"],
    )


@transaction.atomic
def intake_return(application: Application, *, actor, reason: str, correction_due) -> Application:
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Write the reasons for the return; the applicant reads them."))
    if correction_due is None or correction_due < timezone.localdate():
        raise DomainError(_("Give a correction deadline that is not in the past."))
    application = _lock(application)
    application.correction_due = correction_due
    application.return_reason = reason
    return application_transition(
        application,
        to=ApplicationStatus.RETURNED,
        actor=actor,
        kind=ProvenanceKind.RETURNED,
        note=reason,
        organization=_motie(actor),
        action=ApplicationAction.RETURNED,
        update_fields=["correction_due", "return_reason"],
    )


def blind_version_reason(findings: list[dict]) -> str:
    """The return reason that asks for blind attachments, listing what names the applicant in which file."""
    lines = [
        _(
            "Reviewers read the attachments without knowing who applied, but these attachments identify you. "
            "Upload versions without your organisation's or people's names, business number, phone numbers and "
            "e-mail addresses (in the text and in the document properties), then submit again."
        )
    ]
    for finding in findings:
        if finding["hits"]:
            lines.append(_("%(file)s: %(hits)s") % {"file": finding["name"], "hits": ", ".join(finding["hits"])})
        else:
            lines.append(
                _("%(file)s: cannot be made blind (%(why)s); upload it as PDF.")
                % {"file": finding["name"], "why": finding["status_label"]}
            )
    return "\n".join(lines)[:4000]


def intake_request_blind_version(
    application: Application, *, actor, findings: list[dict], correction_due
) -> Application:
    """Ask the applicant for blind attachments: a return for correction whose reason lists the findings."""
    if not findings:
        raise DomainError(_("No attachment of this application names the applicant."), code="state")
    return intake_return(application, actor=actor, reason=blind_version_reason(findings), correction_due=correction_due)


@transaction.atomic
def intake_mark_duplicate(application: Application, *, of: Application, actor, note: str = "") -> Application:
    if of.pk == application.pk or of.survey_id != application.survey_id:
        raise DomainError(_("Choose another application of the same call."))
    application = _lock(application)
    application.duplicate_of = of
    return application_transition(
        application,
        to=ApplicationStatus.DUPLICATE,
        actor=actor,
        kind=ProvenanceKind.DUPLICATE,
        note=note.strip() or str(of),
        organization=_motie(actor),
        action=ApplicationAction.DUPLICATE,
        update_fields=["duplicate_of"],
    )


@transaction.atomic
def candidate_merge(target: Candidate, sources: list[Candidate], *, actor, title: str = "") -> Candidate:
    """Merge candidates into one. Every application keeps its versions and provenance."""
    target = Candidate.objects.select_for_update().get(pk=target.pk)
    sources = [
        c for c in Candidate.objects.select_for_update().filter(pk__in=[s.pk for s in sources]) if c.pk != target.pk
    ]
    if not sources:
        raise DomainError(_("Choose at least one other candidate to merge."))
    if any(c.survey_id != target.survey_id or c.merged_into_id for c in sources) or target.merged_into_id:
        raise DomainError(_("Only open candidates of the same call can be merged."))
    moved = list(Application.objects.filter(candidate__in=sources))
    Application.objects.filter(candidate__in=sources).update(candidate=target)
    for source in sources:
        source.merged_into = target
        source.save(update_fields=["merged_into"])
    if title.strip():
        target.title = title.strip()[:200]
        target.save(update_fields=["title"])
    for application in moved:
        record_step(
            application,
            kind=ProvenanceKind.MERGED,
            actor=actor,
            organization=_motie(actor),
            note=f"{target.number} {target.title}",
        )
    candidates_changed.send(Candidate, survey=target.survey, candidate_ids=[target.pk, *(c.pk for c in sources)])
    audit_log(
        ApplicationAction.MERGED,
        actor=actor,
        obj=target,
        after={"merged": [c.number for c in sources], "applications": [a.pk for a in moved], "title": target.title},
    )
    return target


def survey_refresh_completeness(survey: Survey) -> int:
    """Recount what each received application lacks against the call's current form."""
    from surveys.services.applications import completeness

    changed = 0
    received = (
        Application.objects.filter(survey=survey).exclude(status=ApplicationStatus.DRAFT).select_related("survey")
    )
    for application in received:
        latest = application.versions.order_by("-number").first()
        if latest is None:
            continue
        application.answers = latest.answers
        count = len(completeness(application))
        if count != application.missing_count:
            Application.objects.filter(pk=application.pk).update(missing_count=count)
            changed += 1
    return changed
