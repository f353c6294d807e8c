"""Statistics across calls: the admin's charts and CSV, the same queries at any size, 404 for everyone else."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from review.enums import NoticeStatus, Outcome
from review.models import Assignment, Notice, Result
from review.statistics import all_tables
from surveys.enums import ApplicationStatus, Channel
from surveys.models import Application, Candidate, Survey
from tests.applications.conftest import admin, open_survey  # noqa: F401
from tests.collection.test_queries import Rows
from tests.factories import make_user
from tests.review.helpers import add_reviewer

pytestmark = pytest.mark.django_db


def _tables():
    return {table.key: table for table in all_tables()}


@pytest.fixture
def noticed(open_survey, admin):  # noqa: F811
    """Three applications, two through associations, one designated by a notice ten days after the deadline."""
    rows = Rows(open_survey)
    applications = rows.add(3, statuses=[ApplicationStatus.ACCEPTED])
    Application.objects.filter(pk=applications[1].pk).update(channel=Channel.ASSOCIATION)
    deadline = timezone.now() - timedelta(days=20)
    Survey.objects.filter(pk=open_survey.pk).update(deadline=deadline)
    notice = Notice.objects.create(
        survey=open_survey,
        number="고시 제2026-1호",
        title="지정 고시",
        effective_on=timezone.localdate(),
        status=NoticeStatus.PUBLISHED,
        published_at=deadline + timedelta(days=10, hours=1),
        created_by=admin,
    )
    Result.objects.create(
        application=applications[0],
        notice=notice,
        outcome=Outcome.DESIGNATED,
        published_at=notice.published_at,
        objection_until=notice.published_at,
    )
    Result.objects.create(
        application=applications[2],
        notice=notice,
        outcome=Outcome.REJECTED,
        published_at=notice.published_at,
        objection_until=notice.published_at,
    )
    reviewer = add_reviewer(name="배정위원")
    candidate = Candidate.objects.create(survey=open_survey, number="ROB-S001", title="후보")
    Assignment.objects.create(
        candidate=candidate, reviewer=reviewer, status="submitted", assigned_by=admin, pseudonym="위원 A"
    )
    return open_survey


def test_the_tables_count_what_was_received(noticed):
    tables = _tables()
    year = timezone.localdate().year
    assert sum(row[2] for row in tables["field_year"].rows) == 3
    assert {row[0] for row in tables["field_year"].rows} <= {year, year - 1}
    assert sum(row[2] for row in tables["channel_type"].rows) == 3
    assert len(tables["channel_type"].rows) == 2  # direct and through an association, all companies
    assert tables["notice_days"].rows[0][3] == 10
    (designation,) = tables["designation"].rows
    assert designation[1:] == [3, 1, 33.3]
    (workload,) = tables["workload"].rows
    assert workload == ["배정위원", 1, 1, 0, 0]


def test_the_page_draws_charts_from_a_json_block_without_inline_script(client, admin, noticed):  # noqa: F811
    client.force_login(admin)
    response = client.get(reverse("review:statistics"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="statistics-data" type="application/json"' in html
    assert "js/statistics-charts.js" in html
    inline = [
        tag for tag in re.findall(r"<script([^>]*)>", html) if "src=" not in tag and "application/json" not in tag
    ]
    assert inline == []
    assert html.count('class="statistics-chart') == 5


def test_each_table_downloads_as_csv(client, admin, noticed):  # noqa: F811
    client.force_login(admin)
    response = client.get(reverse("review:statistics"), {"export": "designation"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][1:] == ["3", "1", "33.3"]
    assert client.get(reverse("review:statistics"), {"export": "nothing"}).status_code == 404


def test_everyone_but_the_admin_gets_404(client, noticed):
    for user in (make_user("secretary"), make_user("applicant"), add_reviewer()):
        client.force_login(user)
        assert client.get(reverse("review:statistics")).status_code == 404
        assert client.get(reverse("review:statistics"), {"export": "workload"}).status_code == 404


def test_the_page_makes_the_same_queries_at_10_and_200_applications(client, admin, open_survey):  # noqa: F811
    rows = Rows(open_survey)
    client.force_login(admin)
    url = reverse("review:statistics")

    def measure():
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    rows.add(10, statuses=[ApplicationStatus.SUBMITTED, ApplicationStatus.ACCEPTED])
    small = measure()
    rows.add(190, statuses=[ApplicationStatus.SUBMITTED, ApplicationStatus.ACCEPTED], channel=Channel.ASSOCIATION)
    assert measure() == small
