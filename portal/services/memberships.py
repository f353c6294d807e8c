"""Granting and revoking roles. Nobody grants a role to themselves."""

from django.db import transaction
from django.utils.translation import gettext as _

from portal.enums import ADMIN_GRANTED_ROLES, ORGANIZATION_ROLES, PORTAL_ROLES, AuditAction, Role
from portal.exceptions import DomainError
from portal.models import Membership, Organization, User
from portal.rules import is_ministry_admin, manages_organization
from portal.services.audit import audit_log


def _check_fits(role: str, organization: Organization | None) -> None:
    if role in PORTAL_ROLES:
        return
    if organization is None:
        raise DomainError(_("This role belongs to an organisation; choose one."))
    if organization.type not in ORGANIZATION_ROLES[Role(role)]:
        raise DomainError(
            _("The role %(role)s does not fit an organisation of type %(type)s.")
            % {"role": Role(role).label, "type": organization.get_type_display()}
        )


def _check_may_grant(actor: User, user: User, role: str, organization: Organization | None):
    if actor.pk == user.pk:
        raise DomainError(_("Roles cannot be granted to or revoked from yourself."), code="self")
    if is_ministry_admin(actor):
        return
    if role in ADMIN_GRANTED_ROLES or organization is None or not manages_organization(actor, organization):
        raise DomainError(
            _("Only a ministry admin or this organisation's manager may change this role."),
            code="forbidden",
        )


@transaction.atomic
def membership_grant(
    user: User,
    *,
    role: str,
    actor: User,
    organization: Organization | None = None,
    is_manager: bool = False,
) -> Membership:
    _check_fits(role, organization)
    _check_may_grant(actor, user, role, organization)
    if is_manager and not is_ministry_admin(actor) and organization is not None:
        if not manages_organization(actor, organization):
            raise DomainError(_("Only a manager may appoint another manager."), code="forbidden")
    membership, created = Membership.objects.select_for_update().get_or_create(
        user=user,
        organization=organization,
        role=role,
        defaults={"is_manager": is_manager, "granted_by": actor},
    )
    before = None
    if not created:
        before = {"is_active": membership.is_active, "is_manager": membership.is_manager}
        membership.is_active = True
        membership.is_manager = is_manager or membership.is_manager
        membership.granted_by = actor
        membership.save(update_fields=["is_active", "is_manager", "granted_by"])
    audit_log(
        AuditAction.MEMBERSHIP_GRANTED,
        actor=actor,
        obj=membership,
        before=before,
        after={
            "user": user.email,
            "role": role,
            "organization": organization.pk if organization else None,
            "is_manager": membership.is_manager,
        },
    )
    return membership


@transaction.atomic
def membership_revoke(membership: Membership, *, actor: User) -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    _check_may_grant(actor, membership.user, membership.role, membership.organization)
    if not membership.is_active:
        raise DomainError(_("This role has already been revoked."), code="state")
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    audit_log(
        AuditAction.MEMBERSHIP_REVOKED,
        actor=actor,
        obj=membership,
        before={"is_active": True},
        after={"is_active": False},
    )
    return membership


@transaction.atomic
def member_invite(
    organization: Organization | None,
    *,
    email: str,
    name: str,
    role: str,
    actor: User,
    is_manager: bool = False,
) -> Membership:
    """Give a person a role, creating their account and mailing a password link if new."""
    from portal.services.mail import mail_queue
    from portal.services.signup import password_set_url

    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if (
        not created
        and not is_ministry_admin(actor)
        and not (organization is not None and Membership.objects.filter(user=user, organization=organization).exists())
    ):
        # An organisation's manager invites new people; an existing account joins only through a
        # ministry admin, so nobody is put into an organisation without having asked for it.
        raise DomainError(
            _(
                "This address already has an account. A manager can invite only new people; "
                "ask a ministry admin to add an existing account."
            ),
            code="existing",
        )
    if created:
        user = User.objects.create_user(email, name=name.strip())
    membership = membership_grant(user, role=role, actor=actor, organization=organization, is_manager=is_manager)
    if created:
        audit_log(AuditAction.USER_INVITED, actor=actor, obj=user, after={"email": email})
        mail_queue(
            "member_invited",
            to=user.email,
            recipient_user=user,
            context={
                "user": user,
                "membership": membership,
                "actor": actor,
                "password_url": password_set_url(user),
            },
            topic=f"portal.user:{user.pk}",
        )
    return membership
