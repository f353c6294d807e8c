"""Every list and dashboard costs the same few queries for the seed_scale data set at 10 and at 200
applications (built with the same builder the benchmarks use)."""

import re

import pytest
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from portal.models import Organization, User
from review import scale
from review.models import Assignment
from surveys.enums import ApplicationStatus
from surveys.models import Application, Candidate, Survey

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # builds every page at 10 and 200 rows to count its queries

SMALL, LARGE = 10, 200
MAX_QUERIES = 15


def _user(**membership) -> User:
    return User.objects.filter(**{f"memberships__{k}": v for k, v in membership.items()}).first()


def _marked(attribute: str):
    return lambda response: len(re.findall(rf"\b{attribute}=", response.content.decode()))


def _context_rows(key: str):
    def rows(response):
        value = response.context[key]
        return len(value.object_list) if hasattr(value, "object_list") else len(value)

    return rows


def applicant_dashboard():
    filer = (
        Organization.objects.filter(memberships__role="applicant")
        .annotate(n=Count("applications"))
        .order_by("-n", "pk")
        .first()
    )
    return _user(role="applicant", organization=filer), "/dashboard/applicant/", _context_rows("my_applications")


def collection_dashboard():
    busiest = (
        Application.objects.filter(survey__code="SC3")
        .exclude(status=ApplicationStatus.DRAFT)
        .exclude(association=None)
        .values("association", "survey")
        .annotate(n=Count("pk"))
        .order_by("-n", "association")
        .first()
    )
    url = (
        reverse("surveys:collection_dashboard", kwargs={"pk": busiest["survey"]})
        + f"?association={busiest['association']}"
    )
    return _user(role="association_staff", organization=busiest["association"]), url, _context_rows("page")


def intake():
    url = reverse("surveys:intake_list", kwargs={"pk": Survey.objects.get(code="SC3").pk})
    return _user(role="admin"), url, _context_rows("page")


def reviewer_dashboard():
    busiest = Assignment.objects.values("reviewer").annotate(n=Count("pk")).order_by("-n", "reviewer").first()
    return User.objects.get(pk=busiest["reviewer"]), "/dashboard/reviewer/", _marked("data-assignment")


def review_overview():
    url = reverse("review:overview", kwargs={"pk": Survey.objects.get(code="SC3").pk})
    return _user(role="admin"), url, _marked("data-candidate")


def ranking():
    survey = Survey.objects.get(code="SC3")
    field = (
        Candidate.objects.filter(survey=survey)
        .values("field_code")
        .annotate(n=Count("pk"))
        .order_by("-n", "field_code")
        .first()["field_code"]
    )
    url = reverse("review:committee_field", kwargs={"pk": survey.pk, "field_code": field})
    return _user(role="secretary"), url, _marked("data-candidate")


def register():
    return None, reverse("review:register"), _marked("data-entry")


def hearing():
    return None, reverse("review:hearing", kwargs={"pk": Survey.objects.get(code="SC2").pk}), _marked("data-candidate")


VIEWS = {
    f.__name__: f
    for f in (
        applicant_dashboard,
        collection_dashboard,
        intake,
        reviewer_dashboard,
        review_overview,
        ranking,
        register,
        hearing,
    )
}


def _measure(view) -> tuple[int, int] | str:
    try:
        user, url, rows = view()
    except NoReverseMatch as error:
        return f"no such page yet: {error}"
    client = Client()
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    client.get(url)  # sessions, content types and the like are warm for every measurement
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, f"{view.__name__}: {url} answered {response.status_code}"
    return len(queries), rows(response)


_MEASURED: dict = {}


@pytest.fixture
def measured(db):
    """{size: {view: (queries, rows)}}; each size is seeded in a transaction rolled back afterwards.

    Measured once, by the first test that asks, with the test settings in force."""
    if not _MEASURED:
        for size in (SMALL, LARGE):
            with transaction.atomic():
                scale.build(size, reviewers=30)
                _MEASURED[size] = {name: _measure(view) for name, view in VIEWS.items()}
                transaction.set_rollback(True)
    return _MEASURED


@pytest.mark.parametrize("name", VIEWS)
def test_query_count_does_not_grow_with_rows(measured, name):
    small, large = measured[SMALL][name], measured[LARGE][name]
    if isinstance(small, str):
        pytest.skip(small)
    (small_queries, small_rows), (large_queries, large_rows) = small, large
    assert large_rows > small_rows > 0, f"{name}: {small_rows} rows at {SMALL} applications, {large_rows} at {LARGE}"
    assert small_queries == large_queries, f"{name}: {small_queries} queries at {SMALL}, {large_queries} at {LARGE}"
    assert large_queries <= MAX_QUERIES, f"{name}: {large_queries} queries"
