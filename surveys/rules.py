"""Permission predicates for calls (django-rules)."""

import rules

from portal.rules import is_ministry_admin


@rules.predicate
def is_public_survey(user, survey) -> bool:
    return survey is not None and survey.is_public


@rules.predicate
def has_organization(user) -> bool:
    return bool(user and user.is_authenticated and user.memberships.filter(is_active=True, organization__isnull=False).exists())


rules.add_perm("surveys.manage_survey", is_ministry_admin)
rules.add_perm("surveys.view_survey", is_public_survey | is_ministry_admin)
rules.add_perm("surveys.ask_question", is_public_survey & has_organization)


@rules.predicate
def is_applicant_member(user, application) -> bool:
    """A member of the applying organisation with a role that files applications."""
    if not (user and user.is_authenticated and application is not None):
        return False
    return user.memberships.filter(
        organization_id=application.organization_id,
        is_active=True,
        role__in=["applicant", "association_staff", "ministry_liaison"],
    ).exists()


rules.add_perm("surveys.view_application", is_applicant_member | is_ministry_admin)
rules.add_perm("surveys.edit_application", is_applicant_member)
rules.add_perm("surveys.grant_extension", is_ministry_admin)
