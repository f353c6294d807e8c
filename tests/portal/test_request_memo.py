"""Role, organisation and second-factor checks read the database once per request, however often asked."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _tables(queries, table):
    """Queries reading ``table`` for a check (the dashboard's own list of memberships joins the organisations)."""
    return [
        q["sql"]
        for q in queries
        if f'"{table}"' in q["sql"].split(" WHERE ")[0] and '"portal_organization"' not in q["sql"]
    ]


def test_a_signed_in_page_reads_memberships_and_the_second_factor_once(client):
    reviewer = make_user("reviewer")
    client.force_login(reviewer, backend="django.contrib.auth.backends.ModelBackend")
    with CaptureQueriesContext(connection) as first:
        client.get("/dashboard/reviewer/")  # the session's first write; the signed-in user is cached
    assert len(_tables(first.captured_queries, "portal_membership")) == 1
    assert len(_tables(first.captured_queries, "mfa_authenticator")) == 1
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/dashboard/reviewer/")
    assert response.status_code == 200
    assert _tables(captured.captured_queries, "portal_membership") == []
    assert _tables(captured.captured_queries, "mfa_authenticator") == []


def test_organisation_rules_answer_from_the_memberships_read_once(django_assert_num_queries):
    from portal.models import User

    applicant = make_user("applicant", manager=True)
    company = applicant.memberships.get().organization
    other = make_user("applicant").memberships.get().organization
    user = User.objects.get(pk=applicant.pk)
    with django_assert_num_queries(1):
        assert user.has_perm("portal.manage_members", company)
        assert user.has_perm("portal.view_organization", company)
        assert not user.has_perm("portal.view_organization", other)
        assert user.has_role("applicant") and not user.has_role("admin")
        assert user.organization_ids(["applicant"]) == [company.pk]


def test_forget_access_reads_a_changed_membership_again():
    from portal.models import Membership, User

    applicant = make_user("applicant")
    user = User.objects.get(pk=applicant.pk)
    assert user.has_role("applicant")
    Membership.objects.filter(user=user).update(is_active=False)
    assert user.has_role("applicant")  # still the request's view
    user.forget_access()
    assert not user.has_role("applicant")
