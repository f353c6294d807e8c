"""An organisation's sign-up request and the ministry admin's decision on it."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.enums import DEFAULT_ROLE_FOR_TYPE, AuditAction, OrganizationType, SignupRequestStatus
from portal.exceptions import DomainError
from portal.models import AssociationMembership, Membership, Organization, SignupRequest, User
from portal.rules import is_ministry_admin
from portal.services.audit import audit_log
from portal.services.mail import mail_queue


def password_set_url(user: User) -> str:
    """A one-time link to choose a password (allauth's own reset key, so allauth's reset view accepts
    it); it expires with PASSWORD_RESET_TIMEOUT and once a password is set."""
    from allauth.account import app_settings
    from allauth.account.utils import user_pk_to_url_str

    token = app_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(user)
    return reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": token},
    )


@transaction.atomic
def signup_request_create(*, data: dict) -> SignupRequest:
    """Receive a request. The requester hears the same whether or not the business number is already
    registered; when it is, that organisation's managers are told by mail (and the admin declines it)."""
    request = SignupRequest.objects.create(**data)
    existing = (
        Organization.objects.filter(business_number=request.business_number).first()
        if request.business_number
        else None
    )
    audit_log(
        AuditAction.SIGNUP_REQUESTED,
        obj=request,
        after={"email": request.contact_email, "existing_organization": existing.pk if existing else None},
    )
    mail_queue(
        "signup_received",
        to=request.contact_email,
        context={"request": request},
        topic=f"portal.signup:{request.pk}",
    )
    if existing is not None:
        managers = User.objects.filter(
            is_active=True,
            memberships__organization=existing,
            memberships__is_manager=True,
            memberships__is_active=True,
        ).distinct()
        for manager in managers:
            mail_queue(
                "signup_existing_organization",
                to=manager.email,
                recipient_user=manager,
                context={"request": request, "organization": existing, "manager": manager},
                topic=f"portal.signup:{request.pk}",
            )
    return request


def _lock_pending(signup: SignupRequest, actor: User) -> SignupRequest:
    if not is_ministry_admin(actor):
        raise DomainError(_("Only a ministry admin may decide sign-up requests."), code="forbidden")
    signup = SignupRequest.objects.select_for_update().get(pk=signup.pk)
    if signup.status != SignupRequestStatus.PENDING:
        raise DomainError(_("This request has already been decided."), code="state")
    return signup


@transaction.atomic
def signup_request_approve(signup: SignupRequest, *, actor: User) -> SignupRequest:
    """Create the organisation and its first user (its manager) and mail a password link."""
    signup = _lock_pending(signup, actor)
    if User.objects.filter(email__iexact=signup.contact_email).exists():
        raise DomainError(
            _("An account with the e-mail %(email)s already exists.") % {"email": signup.contact_email},
            code="duplicate",
        )
    if signup.business_number and Organization.objects.filter(business_number=signup.business_number).exists():
        raise DomainError(
            _("An organisation with this business registration number already exists."),
            code="duplicate",
        )
    organization = Organization.objects.create(
        name=signup.organization_name,
        type=signup.organization_type,
        business_number=signup.business_number,
    )
    if signup.association_id and signup.organization_type != OrganizationType.ASSOCIATION:
        AssociationMembership.objects.create(member=organization, association=signup.association)
    user = User.objects.create_user(signup.contact_email, name=signup.contact_name, phone=signup.contact_phone)
    Membership.objects.create(
        user=user,
        organization=organization,
        role=DEFAULT_ROLE_FOR_TYPE[OrganizationType(signup.organization_type)],
        is_manager=True,
        granted_by=actor,
    )
    signup.status = SignupRequestStatus.APPROVED
    signup.decided_by = actor
    signup.decided_at = timezone.now()
    signup.organization = organization
    signup.save(update_fields=["status", "decided_by", "decided_at", "organization"])
    audit_log(
        AuditAction.SIGNUP_APPROVED,
        actor=actor,
        obj=signup,
        before={"status": SignupRequestStatus.PENDING},
        after={"status": signup.status, "organization": organization.pk, "user": user.email},
    )
    mail_queue(
        "signup_approved",
        to=user.email,
        recipient_user=user,
        context={"request": signup, "user": user, "password_url": password_set_url(user)},
        topic=f"portal.signup:{signup.pk}",
    )
    return signup


@transaction.atomic
def signup_request_reject(signup: SignupRequest, *, actor: User, reason: str) -> SignupRequest:
    if not reason.strip():
        raise DomainError(_("Write the reason for the rejection; the applicant will read it."))
    signup = _lock_pending(signup, actor)
    signup.status = SignupRequestStatus.REJECTED
    signup.decided_by = actor
    signup.decided_at = timezone.now()
    signup.decision_reason = reason.strip()
    signup.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    audit_log(
        AuditAction.SIGNUP_REJECTED,
        actor=actor,
        obj=signup,
        before={"status": SignupRequestStatus.PENDING},
        after={"status": signup.status, "reason": signup.decision_reason},
    )
    mail_queue(
        "signup_rejected",
        to=signup.contact_email,
        context={"request": signup},
        topic=f"portal.signup:{signup.pk}",
    )
    return signup
