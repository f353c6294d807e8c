"""Fixtures for the collection tests: an association with a member company, the MSIT observer."""

import pytest

from portal.enums import OrganizationType
from portal.models import Organization
from portal.models.identity import AssociationMembership
from tests.applications.conftest import admin, applicant, complete_answers, open_survey  # noqa: F401 (fixtures)
from tests.factories import OrganizationFactory, make_user


@pytest.fixture
def association(db):
    return OrganizationFactory(type=OrganizationType.ASSOCIATION, name="한국로봇산업협회", code="KAR")


@pytest.fixture
def other_association(db):
    return OrganizationFactory(type=OrganizationType.ASSOCIATION, name="한국기계산업진흥회", code="KOAMI")


@pytest.fixture
def staff(association):
    return make_user("association_staff", organization=association, name="박협회")


@pytest.fixture
def other_staff(other_association):
    return make_user("association_staff", organization=other_association, name="최진흥")


@pytest.fixture
def company(applicant, association):
    """The applicant's company, a member of the association."""
    organization = applicant.memberships.get().organization
    AssociationMembership.objects.create(member=organization, association=association)
    return organization


@pytest.fixture
def second_member(association):
    """A manager of a second company in the same association."""
    user = make_user("applicant", manager=True, name="이두번")
    AssociationMembership.objects.create(member=user.memberships.get().organization, association=association)
    return user


@pytest.fixture
def msit(db):
    return Organization.objects.create(
        name="과학기술정보통신부", name_en="MSIT", type=OrganizationType.MINISTRY, code="MSIT"
    )


@pytest.fixture
def observer(msit):
    return make_user("observer", organization=msit, name="장관찰")
