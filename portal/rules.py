"""Permission predicates shared by every stage (django-rules)."""

import rules

from portal.enums import Role


def _has_role(role: str):
    @rules.predicate(name=f"has_role:{role}")
    def predicate(user) -> bool:
        return bool(user and user.is_authenticated and user.has_role(role))

    return predicate


is_applicant = _has_role(Role.APPLICANT)
is_association_staff = _has_role(Role.ASSOCIATION_STAFF)
is_ministry_liaison = _has_role(Role.MINISTRY_LIAISON)
is_reviewer = _has_role(Role.REVIEWER)
is_secretary = _has_role(Role.SECRETARY)
is_ministry_admin = _has_role(Role.ADMIN)


@rules.predicate
def manages_organization(user, organization) -> bool:
    if not (user and user.is_authenticated and organization is not None):
        return False
    return user.holds_in(organization.pk, manager=True)


@rules.predicate
def is_member_of(user, organization) -> bool:
    if not (user and user.is_authenticated and organization is not None):
        return False
    return user.holds_in(organization.pk)


@rules.predicate
def holds_role(user, role) -> bool:
    """The dashboard of a role is its holder's: ``role`` is the role's value from the URL."""
    return bool(user and user.is_authenticated and role in Role.values and user.has_role(role))


rules.add_perm("portal.manage_members", is_ministry_admin | manages_organization)
rules.add_perm("portal.view_dashboard", holds_role)
#: Pages about the person themself (their inbox, settings, own applications): anyone signed in.
rules.add_perm("portal.signed_in", rules.is_authenticated)
rules.add_perm("portal.view_organization", is_ministry_admin | is_member_of)
rules.add_perm("portal.review_signups", is_ministry_admin)
rules.add_perm("portal.manage_roles", is_ministry_admin)
rules.add_perm("portal.view_audit", is_ministry_admin)
