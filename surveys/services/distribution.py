"""Recipient lists and invitations."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.enums import FILING_ROLES, Role
from portal.exceptions import DomainError
from portal.models import Membership, Organization
from portal.services.audit import audit_log
from portal.services.mail import mail_queue
from portal.tables import read_table
from surveys.enums import AuditAction
from surveys.models import Recipient, Survey

IMPORT_HEADERS = {
    "organization": {"기관명", "organization", "organisation", "기관"},
    "name": {"담당자", "성명", "name", "contact"},
    "email": {"이메일", "email", "e-mail", "전자우편"},
}
MAX_IMPORT_ROWS = 5000


@dataclass
class ImportResult:
    added: int = 0
    skipped: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    duplicates: list[tuple[int, str]] = field(default_factory=list)


def issuing_organization_ids() -> set[int]:
    """The ministry that issues calls: the organisations its admins and committee secretaries work for.
    It does not invite itself, whichever types are chosen."""
    return set(
        Membership.objects.filter(
            role__in=(Role.ADMIN, Role.SECRETARY), is_active=True, organization__isnull=False
        ).values_list("organization_id", flat=True)
    )


@transaction.atomic
def recipients_add_by_selection(survey: Survey, *, types: list[str], fields, actor) -> int:
    """Add every active member who files for an organisation of the chosen types (and fields),
    never the issuing ministry's own staff."""
    organizations = Organization.objects.filter(is_active=True, type__in=types).exclude(
        pk__in=issuing_organization_ids()
    )
    if fields:
        organizations = organizations.filter(Q(fields__in=fields) | Q(fields__parent__in=fields)).distinct()
    memberships = (
        Membership.objects.filter(
            organization__in=organizations, role__in=FILING_ROLES, is_active=True, user__is_active=True
        )
        .select_related("user", "organization")
        .order_by("organization__name", "-is_manager")
    )
    existing = set(survey.recipients.values_list("email", flat=True))
    new = []
    for membership in memberships:
        email = membership.user.email.lower()
        if email in existing:
            continue
        existing.add(email)
        new.append(
            Recipient(
                survey=survey,
                organization=membership.organization,
                organization_name=membership.organization.name,
                name=membership.user.name,
                email=email,
                source=Recipient.Source.SELECTION,
            )
        )
    Recipient.objects.bulk_create(new)
    audit_log(
        AuditAction.RECIPIENTS_ADDED,
        actor=actor,
        obj=survey,
        after={"types": types, "fields": [f.code for f in fields], "added": len(new)},
    )
    return len(new)


@transaction.atomic
def recipients_import(survey: Survey, *, upload, actor) -> ImportResult:
    """Import recipients from CSV or XLSX. Good rows are added; each bad row is reported."""
    rows = read_table(
        upload,
        columns=IMPORT_HEADERS,
        required={"organization", "email"},
        max_rows=MAX_IMPORT_ROWS,
        header_error=_("The first row must name the columns 기관명 (organisation), 담당자 (name) and 이메일 (e-mail)."),
    )
    result = ImportResult()
    existing = set(survey.recipients.values_list("email", flat=True))
    organizations = {o.name: o for o in Organization.objects.filter(is_active=True)}
    new = []
    for line, row in rows:
        organization_name, email, name = row["organization"], row["email"].lower(), row.get("name", "")
        if not organization_name:
            result.errors.append((line, _("The organisation name is missing.")))
            continue
        try:
            validate_email(email)
        except ValidationError:
            result.errors.append((line, _("“%(email)s” is not a valid e-mail address.") % {"email": email or "—"}))
            continue
        if email in existing:
            result.skipped += 1
            result.duplicates.append((line, email))
            continue
        existing.add(email)
        new.append(
            Recipient(
                survey=survey,
                organization=organizations.get(organization_name),
                organization_name=organization_name[:200],
                name=name[:100],
                email=email,
                source=Recipient.Source.IMPORT,
            )
        )
    Recipient.objects.bulk_create(new)
    result.added = len(new)
    audit_log(
        AuditAction.RECIPIENTS_IMPORTED,
        actor=actor,
        obj=survey,
        after={"file": upload.name, "added": result.added, "skipped": result.skipped, "errors": len(result.errors)},
    )
    return result


def _invite(recipient: Recipient, survey: Survey) -> None:
    recipient.mail = mail_queue(
        "survey_invitation",
        to=recipient.email,
        context={"survey": survey, "recipient": recipient, "decline_token": recipient.decline_token},
        topic=f"surveys.invitation:{recipient.pk}",
        recipient_user=invited_user(recipient.email),
    )
    recipient.invitations_sent += 1
    recipient.save(update_fields=["mail", "invitations_sent"])


@transaction.atomic
def invitations_send(survey: Survey, *, actor) -> int:
    """Mail the call to every recipient not yet invited."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if not survey.is_public:
        raise DomainError(_("Publish the call before inviting anyone."), code="state")
    pending = list(survey.recipients.select_for_update().filter(mail__isnull=True))
    for recipient in pending:
        _invite(recipient, survey)
    audit_log(AuditAction.INVITATION_SENT, actor=actor, obj=survey, after={"count": len(pending)})
    return len(pending)


@transaction.atomic
def invitation_resend(recipient: Recipient, *, actor) -> Recipient:
    recipient = Recipient.objects.select_for_update().select_related("survey").get(pk=recipient.pk)
    if not recipient.survey.is_public:
        raise DomainError(_("Publish the call before inviting anyone."), code="state")
    _invite(recipient, recipient.survey)
    audit_log(AuditAction.INVITATION_RESENT, actor=actor, obj=recipient, after={"email": recipient.email})
    return recipient


def invited_user(email: str):
    """The active account behind an invited address, for the language of its mail; None when there is none."""
    from portal.models import User

    return User.objects.filter(email__iexact=email, is_active=True).first()


def recipients_of_same_organization(recipient: Recipient):
    """The invitation rows of one organisation for one call: declining one declines them all."""
    rows = Recipient.objects.filter(survey_id=recipient.survey_id)
    if recipient.organization_id:
        return rows.filter(organization_id=recipient.organization_id)
    return rows.filter(pk=recipient.pk)


@transaction.atomic
def invitation_decline(recipient: Recipient, *, actor=None, via: str) -> Recipient:
    """The invited organisation will not take part: no further reminders about the call go to it."""
    recipient = Recipient.objects.select_for_update().select_related("survey").get(pk=recipient.pk)
    if recipient.declined_at:
        return recipient
    now = timezone.now()
    actor = actor if getattr(actor, "is_authenticated", False) else None
    rows = list(recipients_of_same_organization(recipient).select_for_update().filter(declined_at__isnull=True))
    Recipient.objects.filter(pk__in=[row.pk for row in rows]).update(declined_at=now, declined_by=actor)
    audit_log(
        AuditAction.INVITATION_DECLINED,
        actor=actor,
        obj=recipient,
        after={"survey": recipient.survey_id, "via": via, "recipients": sorted(row.pk for row in rows)},
    )
    recipient.declined_at, recipient.declined_by = now, actor
    return recipient
