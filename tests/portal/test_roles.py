import pytest

from portal.enums import OrganizationType, Role
from portal.exceptions import DomainError
from portal.models import AuditEvent, Membership
from portal.services.memberships import member_invite, membership_grant, membership_revoke
from tests.factories import OrganizationFactory, UserFactory, make_user

pytestmark = pytest.mark.django_db


def test_ministry_admin_grants_a_portal_role_and_it_is_audited():
    admin = make_user("admin")
    expert = UserFactory()
    membership = membership_grant(expert, role=Role.REVIEWER, actor=admin)
    assert expert.has_role(Role.REVIEWER)
    event = AuditEvent.objects.get(action="portal.membership.granted")
    assert event.actor == admin and event.after["role"] == "reviewer"
    assert membership.granted_by == admin


def test_organisation_manager_grants_roles_inside_their_own_organisation():
    manager = make_user("applicant", manager=True)
    company = manager.memberships.get().organization
    colleague = UserFactory()
    membership_grant(colleague, role=Role.APPLICANT, organization=company, actor=manager)
    assert Membership.objects.filter(user=colleague, organization=company, is_active=True).exists()


def test_manager_cannot_grant_in_another_organisation():
    manager = make_user("applicant", manager=True)
    other = OrganizationFactory()
    with pytest.raises(DomainError) as error:
        membership_grant(UserFactory(), role=Role.APPLICANT, organization=other, actor=manager)
    assert error.value.code == "forbidden"


def test_manager_cannot_grant_portal_roles():
    manager = make_user("applicant", manager=True)
    with pytest.raises(DomainError):
        membership_grant(UserFactory(), role=Role.ADMIN, actor=manager)


def test_plain_member_cannot_grant():
    member = make_user("applicant")
    company = member.memberships.get().organization
    with pytest.raises(DomainError):
        membership_grant(UserFactory(), role=Role.APPLICANT, organization=company, actor=member)


def test_nobody_grants_a_role_to_themselves():
    admin = make_user("admin")
    with pytest.raises(DomainError) as error:
        membership_grant(admin, role=Role.SECRETARY, actor=admin)
    assert error.value.code == "self"
    assert not admin.memberships.filter(role=Role.SECRETARY).exists()


def test_role_must_fit_the_organisation_type():
    admin = make_user("admin")
    ministry = OrganizationFactory(type=OrganizationType.MINISTRY)
    with pytest.raises(DomainError):
        membership_grant(UserFactory(), role=Role.ASSOCIATION_STAFF, organization=ministry, actor=admin)
    with pytest.raises(DomainError):
        membership_grant(UserFactory(), role=Role.APPLICANT, actor=admin)


def test_revoke_deactivates_and_audits():
    admin = make_user("admin")
    reviewer = make_user("reviewer")
    membership = reviewer.memberships.get()
    membership_revoke(membership, actor=admin)
    reviewer = type(reviewer).objects.get(pk=reviewer.pk)
    assert not reviewer.has_role(Role.REVIEWER)
    assert AuditEvent.objects.filter(action="portal.membership.revoked", object_id=str(membership.pk)).exists()
    with pytest.raises(DomainError):
        membership_revoke(membership, actor=admin)


def test_invite_creates_the_account_and_mails_a_password_link(mailoutbox, django_capture_on_commit_callbacks):
    manager = make_user("association_staff", manager=True)
    association = manager.memberships.get().organization
    with django_capture_on_commit_callbacks(execute=True):
        membership = member_invite(
            association, email="New@Kar.example", name="신입 담당자", role=Role.ASSOCIATION_STAFF, actor=manager
        )
    assert membership.user.email == "new@kar.example"
    assert not membership.user.has_usable_password()
    assert len(mailoutbox) == 1
    assert "/accounts/password/reset/key/" in mailoutbox[0].body


def test_manager_screen_lists_members_and_adds_one(client):
    manager = make_user("applicant", manager=True)
    company = manager.memberships.get().organization
    client.force_login(manager)
    url = f"/organizations/{company.pk}/members/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"email": "c@test.example", "name": "동료", "role": "applicant"})
    assert response.status_code == 302
    assert Membership.objects.filter(user__email="c@test.example", organization=company).exists()


def test_manager_screen_keeps_input_and_explains_a_refusal(client):
    manager = make_user("applicant", manager=True)
    company = manager.memberships.get().organization
    client.force_login(manager)
    response = client.post(
        f"/organizations/{company.pk}/members/",
        {"email": manager.email, "name": "나", "role": "applicant"},
    )
    assert response.status_code == 200
    assert manager.email in response.content.decode()
    assert response.context["form"].non_field_errors()


def test_members_screen_of_another_organisation_is_404(client):
    manager = make_user("applicant", manager=True)
    other = make_user("applicant", manager=True).memberships.get().organization
    client.force_login(manager)
    assert client.get(f"/organizations/{other.pk}/members/").status_code == 404


def test_an_organisation_manager_cannot_make_anyone_an_observer():
    manager = make_user("ministry_liaison", manager=True)
    ministry = manager.memberships.get().organization
    with pytest.raises(DomainError) as error:
        membership_grant(UserFactory(), role=Role.OBSERVER, organization=ministry, actor=manager)
    assert error.value.code == "forbidden"
    assert not Membership.objects.filter(role=Role.OBSERVER).exists()


def test_a_ministry_admin_grants_the_observer_role():
    admin = make_user("admin")
    ministry = OrganizationFactory(type=OrganizationType.MINISTRY)
    user = UserFactory()
    membership_grant(user, role=Role.OBSERVER, organization=ministry, actor=admin)
    assert user.has_role(Role.OBSERVER)


def test_a_manager_cannot_add_an_existing_account_from_elsewhere(client):
    manager = make_user("applicant", manager=True)
    company = manager.memberships.get().organization
    outsider = make_user("applicant")
    client.force_login(manager)
    response = client.post(
        f"/organizations/{company.pk}/members/", {"email": outsider.email, "name": "남", "role": "applicant"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert outsider.email in response.content.decode()
    assert not Membership.objects.filter(user=outsider, organization=company).exists()


def test_a_manager_gives_a_member_of_their_own_organisation_another_role():
    manager = make_user("applicant", manager=True)
    company = manager.memberships.get().organization
    member = make_user("applicant", organization=company)
    member.memberships.update(is_active=False)
    membership = member_invite(company, email=member.email, name="", role=Role.APPLICANT, actor=manager)
    assert membership.is_active


def test_a_ministry_admin_adds_an_existing_account():
    admin = make_user("admin")
    company = OrganizationFactory()
    user = make_user("applicant")
    member_invite(company, email=user.email, name="", role=Role.APPLICANT, actor=admin)
    assert Membership.objects.filter(user=user, organization=company, is_active=True).exists()
