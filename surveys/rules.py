"""Permission predicates for calls (django-rules)."""

import rules

from portal.enums import FILING_ROLES
from portal.rules import is_ministry_admin


@rules.predicate
def is_public_survey(user, survey) -> bool:
    return survey is not None and survey.is_public


@rules.predicate
def files_for_an_organization(user) -> bool:
    """A member of an organisation in a filing role; a co-receiving ministry (read-only) is not one."""
    return bool(user and user.is_authenticated and user.organization_ids(FILING_ROLES))


rules.add_perm("surveys.manage_survey", is_ministry_admin)
rules.add_perm("surveys.view_survey", is_public_survey | is_ministry_admin)
rules.add_perm("surveys.ask_question", is_public_survey & files_for_an_organization)


@rules.predicate
def is_applicant_member(user, application) -> bool:
    """A member of the applying organisation with a role that files applications."""
    if not (user and user.is_authenticated and application is not None):
        return False
    return user.holds_in(application.organization_id, FILING_ROLES)


@rules.predicate
def is_collecting_association(user, application) -> bool:
    """Staff of the association a (submitted) application came through."""
    if not (user and user.is_authenticated and application is not None and application.association_id):
        return False
    if application.status == "draft":
        return False
    return user.holds_in(application.association_id, ("association_staff",))


def observes_ministry_channel(user) -> bool:
    """Whether the user is an observer of a ministry the ministry channel is addressed to
    (``settings.CO_RECEIVING_MINISTRIES``, e.g. MSIT); an observer of any other ministry reads nothing."""
    from django.conf import settings

    return (
        bool(user and user.is_authenticated)
        and user.memberships.filter(
            role="observer",
            is_active=True,
            organization__type="ministry",
            organization__is_active=True,
            organization__code__in=settings.CO_RECEIVING_MINISTRIES,
        ).exists()
    )


@rules.predicate
def is_observer_of(user, application) -> bool:
    """A co-receiving ministry (MSIT) reads ministry-channel applications once submitted."""
    if not (user and user.is_authenticated and application is not None):
        return False
    return application.channel == "ministry" and application.status != "draft" and observes_ministry_channel(user)


@rules.predicate
def is_staff_of_association(user, association) -> bool:
    if not (user and user.is_authenticated and association is not None):
        return False
    return user.holds_in(association.pk, ("association_staff",))


rules.add_perm(
    "surveys.view_application",
    is_applicant_member | is_ministry_admin | is_collecting_association | is_observer_of,
)
rules.add_perm("surveys.collect_for_association", is_staff_of_association)
#: One submitted application, as the association it came through checks it.
rules.add_perm("surveys.check_submission", is_collecting_association)
rules.add_perm("surveys.run_intake", is_ministry_admin)
rules.add_perm("surveys.edit_application", is_applicant_member)
rules.add_perm("surveys.grant_extension", is_ministry_admin)
