"""The collection screens make the same few queries for 10 applications as for 200."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.enums import OrganizationType
from surveys.enums import ApplicationStatus, Channel
from surveys.models import Application, Candidate
from tests.collection.helpers import log_in
from tests.factories import OrganizationFactory, make_user

pytestmark = pytest.mark.django_db

MAX_QUERIES = 15
SMALL, LARGE = 10, 200


def _count(client, url) -> tuple[int, object]:
    client.get(url)  # sessions, content types and the like are warm for both measurements
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), response


class Rows:
    """Builds application rows straight into the table, many at a time."""

    def __init__(self, survey, organization_type=OrganizationType.COMPANY):
        self.survey = survey
        self.user = make_user("applicant")
        self.organizations = [OrganizationFactory(type=organization_type) for _ in range(5)]
        self.made = 0

    def add(self, n, *, statuses, **fields) -> list[Application]:
        now = timezone.now()
        start = self.made
        self.made += n
        return Application.objects.bulk_create(
            [
                Application(
                    survey=self.survey,
                    organization=self.organizations[i % len(self.organizations)],
                    status=statuses[i % len(statuses)],
                    receipt_number=f"2030-Q{self.survey.pk}-{i:04d}",
                    title=f"후보 기술 {i}",
                    field_code=["ROB", "BAT"][i % 2],
                    version_count=1 + i % 3,
                    missing_count=i % 2,
                    submitted_at=now - timedelta(hours=i),
                    created_by=self.user,
                    updated_by=self.user,
                    **fields,
                )
                for i in range(start, start + n)
            ]
        )


def _same_at_both_sizes(client, url, grow):
    grow(SMALL)
    small, response = _count(client, url)
    grow(LARGE - SMALL)
    large, response = _count(client, url)
    assert small == large, f"{url}: {small} queries with {SMALL} applications, {large} with {LARGE}"
    assert large <= MAX_QUERIES, f"{url}: {large} queries"
    return response


def test_association_dashboard_queries(client, open_survey, association, staff):
    rows = Rows(open_survey)
    statuses = [
        ApplicationStatus.ASSOCIATION_REVIEW,
        ApplicationStatus.ENDORSED,
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.RETURNED_BY_ASSOCIATION,
        ApplicationStatus.WITHDRAWN,
    ]
    log_in(client, staff)
    url = reverse("surveys:collection_dashboard", kwargs={"pk": open_survey.pk}) + f"?association={association.pk}"
    response = _same_at_both_sizes(
        client, url, lambda n: rows.add(n, statuses=statuses, channel=Channel.ASSOCIATION, association=association)
    )
    assert len(response.context["page"].object_list) == 50
    assert response.context["forward_form"].fields["applications"].queryset.count() == LARGE // len(statuses)


def test_intake_list_queries(client, open_survey, admin, association):
    rows = Rows(open_survey)
    candidate = Candidate.objects.create(survey=open_survey, number="ROB-T001", title="후보")
    original = rows.add(1, statuses=[ApplicationStatus.SUBMITTED])[0]

    def grow(n):
        third = n // 3
        rows.add(third, statuses=[ApplicationStatus.ACCEPTED], candidate=candidate)
        rows.add(third, statuses=[ApplicationStatus.DUPLICATE], duplicate_of=original)
        rows.add(
            n - 2 * third,
            statuses=[ApplicationStatus.SUBMITTED, ApplicationStatus.RETURNED],
            channel=Channel.ASSOCIATION,
            association=association,
        )

    log_in(client, admin)
    url = reverse("surveys:intake_list", kwargs={"pk": open_survey.pk})
    response = _same_at_both_sizes(client, url, grow)
    assert len(response.context["page"].object_list) == 50
    assert response.context["total"] == LARGE + 1


def test_candidates_page_queries(client, open_survey, admin):
    rows = Rows(open_survey)

    def grow(n):
        made = Candidate.objects.count()
        candidates = Candidate.objects.bulk_create(
            [
                Candidate(
                    survey=open_survey, number=f"ROB-T{made + i + 1:03d}", title=f"후보 {made + i}", field_code="ROB"
                )
                for i in range(n)
            ]
        )
        for candidate in candidates:  # one application each, and a second for every fifth
            rows.add(
                1 if int(candidate.number[-3:]) % 5 else 2, statuses=[ApplicationStatus.ACCEPTED], candidate=candidate
            )

    log_in(client, admin)
    url = reverse("surveys:intake_candidates", kwargs={"pk": open_survey.pk})
    response = _same_at_both_sizes(client, url, grow)
    assert len(response.context["candidates"]) == LARGE
    assert response.content.decode().count("data-candidate=") == LARGE


def test_observer_dashboard_queries(client, open_survey, msit, observer):
    rows = Rows(open_survey, organization_type=OrganizationType.MINISTRY)
    log_in(client, observer)
    url = reverse("dashboard", kwargs={"role": "observer"})
    response = _same_at_both_sizes(
        client,
        url,
        lambda n: rows.add(
            n,
            statuses=[ApplicationStatus.SUBMITTED, ApplicationStatus.ACCEPTED, ApplicationStatus.RETURNED],
            channel=Channel.MINISTRY,
        ),
    )
    assert len(response.context["ministry_applications"]) == LARGE
