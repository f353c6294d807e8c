"""Identity vocabulary shared by every stage: organisation types, roles, audit codes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationType(models.TextChoices):
    MINISTRY = "ministry", _("Ministry")
    ASSOCIATION = "association", _("Industry association")
    COMPANY = "company", _("Company")
    LOCAL_GOVERNMENT = "local_government", _("Local government")
    RESEARCH_INSTITUTE = "research_institute", _("Research institute")


class Role(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    ASSOCIATION_STAFF = "association_staff", _("Association staff")
    MINISTRY_LIAISON = "ministry_liaison", _("Ministry liaison")
    REVIEWER = "reviewer", _("Reviewer")
    SECRETARY = "secretary", _("Committee secretary")
    ADMIN = "admin", _("Ministry admin")
    OBSERVER = "observer", _("Co-receiving ministry (read-only)")


#: Roles held inside one organisation, and the organisation types each fits.
ORGANIZATION_ROLES = {
    Role.APPLICANT: {
        OrganizationType.COMPANY,
        OrganizationType.RESEARCH_INSTITUTE,
        OrganizationType.LOCAL_GOVERNMENT,
    },
    Role.ASSOCIATION_STAFF: {OrganizationType.ASSOCIATION},
    Role.MINISTRY_LIAISON: {OrganizationType.MINISTRY},
    Role.OBSERVER: {OrganizationType.MINISTRY},
}

#: The roles in which an organisation takes part in a call: it files applications and may ask about it.
#: A co-receiving ministry (read-only) is not one of them.
FILING_ROLES = (Role.APPLICANT, Role.ASSOCIATION_STAFF, Role.MINISTRY_LIAISON)

#: Roles that only a ministry admin may grant; they are not tied to an applicant organisation.
PORTAL_ROLES = {Role.REVIEWER, Role.SECRETARY, Role.ADMIN}

#: Roles only a ministry admin may grant: the portal roles, and the co-receiving ministry's read-only
#: role (it reads other organisations' applications, so no organisation manager hands it out).
ADMIN_GRANTED_ROLES = PORTAL_ROLES | {Role.OBSERVER}

#: The role an approved sign-up request's first user receives, by organisation type.
DEFAULT_ROLE_FOR_TYPE = {
    OrganizationType.COMPANY: Role.APPLICANT,
    OrganizationType.RESEARCH_INSTITUTE: Role.APPLICANT,
    OrganizationType.LOCAL_GOVERNMENT: Role.APPLICANT,
    OrganizationType.ASSOCIATION: Role.ASSOCIATION_STAFF,
    OrganizationType.MINISTRY: Role.MINISTRY_LIAISON,
}


class SignupRequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class MailStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    MUTED = "muted", _("Not sent (turned off by the recipient)")


#: Reminder mails a person may turn off in their settings (they still reach the inbox). Every other mail,
#: results, returns for correction, status changes, assignments and account mails, always goes out.
REMINDER_MAIL = {
    "deadline_reminder": _("Reminders of unsubmitted drafts before a deadline"),
    "review_overdue": _("Reminders of overdue reviews"),
}

#: Account mails that carry a one-time password link: the inbox shows their subject only.
SECURITY_MAIL = {"member_invited", "signup_approved"}


class ArtefactStatus(models.TextChoices):
    """Where a generated file (a PDF, a book) stands; the beat re-queues what stays pending too long."""

    PENDING = "pending", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Preparation failed")


class AuditAction:
    """Dotted audit action codes written by the portal's own services."""

    MEMBERSHIP_GRANTED = "portal.membership.granted"
    MEMBERSHIP_REVOKED = "portal.membership.revoked"
    SIGNUP_REQUESTED = "portal.signup.requested"
    SIGNUP_APPROVED = "portal.signup.approved"
    SIGNUP_REJECTED = "portal.signup.rejected"
    USER_INVITED = "portal.user.invited"
    MAIL_FAILED = "portal.mail.failed"
    DOCUMENT_SIGNED = "portal.document.signed"
    DOCUMENT_SIGNING_FAILED = "portal.document.signing_failed"
    SETTINGS_CHANGED = "portal.settings.changed"
    CALENDAR_TOKEN_CREATED = "portal.calendar_token.created"
    CALENDAR_TOKEN_REVOKED = "portal.calendar_token.revoked"
