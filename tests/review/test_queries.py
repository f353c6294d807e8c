"""The reviewer dashboard and the review overview cost the same number of queries at any size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from review.services import assignment as assigning
from review.services import reviewing
from review.services.aggregation import aggregate
from surveys.models import Candidate
from tests.review.helpers import accept, add_reviewer, assign, full_scores, justifications, log_in, submit_review

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # builds the pages twice at growing sizes to count their queries

LIMIT = 15


@pytest.fixture
def grow(open_survey, admin, panel):
    """Add candidates up to a size, each with three reviewers at different stages."""
    people = [add_reviewer(panel, name=name) for name in ("가위원", "나위원", "다위원")]
    reviewing.pledge_sign(open_survey, reviewer=people[0], signed_name=people[0].name)

    def _grow(size: int):
        for index in range(Candidate.objects.filter(survey=open_survey).count(), size):
            candidate = Candidate.objects.create(
                survey=open_survey, number=f"ROB-T{index + 1:03d}", title=f"후보 기술 {index + 1}", field_code="ROB"
            )
            first, second, third = (assign(candidate, person, admin) for person in people)
            if index % 2:
                submit_review(first, scores=full_scores(open_survey, 1 + index % 5))
            else:
                accept(first)
            submit_review(second, scores=full_scores(open_survey, 5 - index % 3))
            if index % 3 == 0:
                reviewing.review_save(
                    accept(third),
                    reviewer=third.reviewer,
                    scores=full_scores(open_survey, "2"),
                    justifications=justifications(open_survey),
                    recommendation="",
                )
        return people

    return _grow


def _count(client, url) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def test_the_reviewer_dashboard_does_not_grow_with_assignments(client, grow):
    people = grow(2)
    log_in(client, people[0])
    client.get("/dashboard/reviewer/")  # warm the session and the caches
    small, response = _count(client, "/dashboard/reviewer/")
    assert response.content.decode().count("data-assignment=") == 2

    grow(20)
    large, response = _count(client, "/dashboard/reviewer/")
    assert response.content.decode().count("data-assignment=") == 20
    assert large == small, f"{small} queries with 2 assignments, {large} with 20"
    assert small <= LIMIT


def test_the_review_overview_does_not_grow_with_candidates(client, open_survey, admin, grow):
    grow(2)
    log_in(client, admin)
    url = reverse("review:overview", kwargs={"pk": open_survey.pk})
    client.get(url)
    small, response = _count(client, url)
    assert response.content.decode().count("data-candidate=") == 2

    grow(20)
    large, response = _count(client, url)
    html = response.content.decode()
    assert html.count("data-candidate=") == 20
    assert html.count(reverse("review:aggregate", kwargs={"pk": Candidate.objects.get(number="ROB-T020").pk})) == 1
    assert large == small, f"{small} queries with 2 candidates, {large} with 20"
    assert small <= LIMIT
    # the stored aggregates are the ones each candidate's own page computes
    plan = assigning.review_plan(open_survey)
    rows = list(response.context["page"])
    assert [(c.number, c.score.value, c.score.reviews, c.score.flagged) for c in rows] == [
        (c.number, a.value, len(a.reviews), a.flagged) for c, a in ((c, aggregate(c, plan=plan)) for c in rows)
    ]
    assert all(c.score.value is not None and c.score.reviews in (1, 2) for c in rows)
