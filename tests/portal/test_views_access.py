"""Every portal view over the roles: anonymous → log in, the wrong role → 404, the right one → 200."""

import pytest
from django.urls import reverse

from portal.models import SignupRequest
from tests.factories import make_user

pytestmark = pytest.mark.django_db

ROLES = ["applicant", "association_staff", "ministry_liaison", "reviewer", "secretary", "admin"]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_only_its_own_dashboard(client, role):
    user = make_user(role)
    client.force_login(user)
    for other in ROLES:
        response = client.get(reverse("dashboard", kwargs={"role": other}))
        assert response.status_code == (200 if other == role else 404), (role, other)


def test_dashboards_send_anonymous_visitors_to_log_in(client):
    response = client.get(reverse("dashboard", kwargs={"role": "admin"}))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_unknown_dashboard_is_404(client):
    client.force_login(make_user("admin"))
    assert client.get("/dashboard/superuser/").status_code == 404


@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("manage_signup_list", {}),
        ("manage_signup_detail", {"pk": "signup"}),
        ("manage_user_list", {}),
        ("manage_audit_list", {}),
    ],
)
def test_admin_screens_are_404_for_every_other_role(client, name, kwargs):
    signup = SignupRequest.objects.create(
        organization_name="x", organization_type="company", contact_name="x", contact_email="x@test.example"
    )
    kwargs = {k: signup.pk if v == "signup" else v for k, v in kwargs.items()}
    url = reverse(name, kwargs=kwargs)
    assert client.get(url).status_code == 302
    for role in ROLES:
        client.force_login(make_user(role))
        assert client.get(url).status_code == (200 if role == "admin" else 404), role


def test_revoke_is_post_only_and_admin_only(client):
    reviewer = make_user("reviewer")
    membership = reviewer.memberships.get()
    url = reverse("manage_membership_revoke", kwargs={"pk": membership.pk})
    client.force_login(make_user("secretary"))
    assert client.post(url).status_code == 404
    client.force_login(make_user("admin"))
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    membership.refresh_from_db()
    assert membership.is_active is False


def test_home_sends_a_single_role_user_to_their_dashboard(client):
    client.force_login(make_user("secretary"))
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/dashboard/secretary/"


def test_audit_search_filters_and_refuses_bad_dates_politely(client):
    admin = make_user("admin")
    client.force_login(admin)
    response = client.get("/manage/audit/", {"action": "portal.", "date_from": "2026-13-45"})
    assert response.status_code == 200
    assert "YYYY-MM-DD" in response.content.decode()


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "http:\\\\evil.example", "javascript:alert(1)"]
)
def test_revoke_ignores_a_next_address_on_another_site(client, target):
    membership = make_user("reviewer").memberships.get()
    client.force_login(make_user("admin"))
    response = client.post(reverse("manage_membership_revoke", kwargs={"pk": membership.pk}), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("manage_user_list")


def test_revoke_follows_a_next_address_on_this_site(client):
    membership = make_user("reviewer").memberships.get()
    client.force_login(make_user("admin"))
    response = client.post(
        reverse("manage_membership_revoke", kwargs={"pk": membership.pk}), {"next": "/manage/users/?q=kim"}
    )
    assert response["Location"] == "/manage/users/?q=kim"


def test_safe_next_refuses_foreign_addresses_from_any_parameter(rf):
    from portal.redirects import safe_next

    assert safe_next(rf.get("/", {"next": "https://evil.example/"})) is None
    assert safe_next(rf.post("/", {"next": "//evil.example"})) is None
    assert safe_next(rf.get("/", {"next": "/dashboard/"})) == "/dashboard/"
