"""The signed-in user comes from the cache, and every change to the account, its memberships or its second
factor is seen on the very next request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.collection.helpers import log_in
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _account_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    account = ('FROM "portal_user" WHERE "portal_user"."id" =', '"is_manager" FROM "portal_membership" WHERE')
    return response, [q["sql"] for q in queries if any(part in q["sql"] for part in account)]


def test_a_signed_in_request_reads_no_account_row_once_cached(client):
    user = make_user("applicant", manager=True)
    log_in(client, user)
    url = reverse("home")  # redirects by role: it reads the user and their memberships
    first, first_queries = _account_queries(client, url)
    assert first.status_code == 302 and len(first_queries) == 2, "the first request reads the account"
    second, second_queries = _account_queries(client, url)
    assert second.status_code == 302 and second["Location"] == first["Location"]
    assert second_queries == []


def test_a_membership_taken_away_is_seen_on_the_next_request(client):
    user = make_user("applicant", manager=True)
    log_in(client, user)
    url = reverse("dashboard", kwargs={"role": "applicant"})
    assert client.get(url).status_code == 200
    membership = user.memberships.get()
    membership.is_active = False
    membership.save()
    assert client.get(url).status_code in (302, 403, 404)


def test_a_password_change_signs_other_sessions_out(client):
    user = make_user("applicant", manager=True)
    log_in(client, user)
    url = reverse("dashboard", kwargs={"role": "applicant"})
    assert client.get(url).status_code == 200
    user.set_password("a-new-long-password-2026")
    user.save()
    response = client.get(url)
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_deactivated_account_is_signed_out(client):
    user = make_user("applicant", manager=True)
    log_in(client, user)
    url = reverse("dashboard", kwargs={"role": "applicant"})
    assert client.get(url).status_code == 200
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = client.get(url)
    assert response.status_code == 302 and "login" in response["Location"]
