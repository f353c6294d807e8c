"""The staff search: admins and secretaries, each seeing only what they may open; the same queries at any size."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.enums import OrganizationType
from review.enums import NoticeStatus
from review.models import Notice, RegisterEntry
from review.search import staff_search
from surveys.enums import ApplicationStatus
from surveys.models import Application, Candidate, Survey
from tests.applications.conftest import admin, open_survey  # noqa: F401
from tests.collection.test_queries import Rows
from tests.factories import OrganizationFactory, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary(db):
    return make_user("secretary")


@pytest.fixture
def data(open_survey, admin):  # noqa: F811
    org = OrganizationFactory(name="한빛로보틱스 주식회사", type=OrganizationType.COMPANY)
    submitted = Application.objects.create(
        survey=open_survey,
        organization=org,
        status=ApplicationStatus.SUBMITTED,
        receipt_number="2026-ROB-0042",
        title="협동로봇 감속기",
        created_by=admin,
        updated_by=admin,
        submitted_at=timezone.now(),
    )
    draft = Application.objects.create(
        survey=open_survey,
        organization=org,
        status=ApplicationStatus.DRAFT,
        title="협동로봇 비공개 초안",
        created_by=admin,
        updated_by=admin,
    )
    candidate = Candidate.objects.create(survey=open_survey, number="ROB-C001", title="협동로봇 제어기")
    published = Notice.objects.create(
        survey=open_survey,
        number="고시 제2026-17호",
        title="협동로봇 지정 고시",
        effective_on=timezone.localdate(),
        status=NoticeStatus.PUBLISHED,
        created_by=admin,
    )
    draft_notice = Notice.objects.create(
        survey=open_survey,
        number="고시 제2026-99호",
        title="협동로봇 추가 고시",
        effective_on=timezone.localdate(),
        created_by=admin,
    )
    entry = RegisterEntry.objects.create(
        number="R-2026-001", title="협동로봇 감속기", field_code="ROB", candidate=candidate, notice=published
    )
    hidden_call = Survey.objects.create(
        title="협동로봇 내부 초안 공고",
        description="-",
        opens_at=timezone.now(),
        deadline=timezone.now() + timedelta(days=3),
        created_by=admin,
    )
    return locals()


def _keys(sections):
    return {section.key: [item.pk for item in section.items] for section in sections}


def test_the_admin_finds_every_kind(admin, data, open_survey):  # noqa: F811
    found = _keys(staff_search(admin, "협동로봇"))
    assert found["applications"] == [data["submitted"].pk]  # drafts are the applicant's own
    assert found["candidates"] == [data["candidate"].pk]
    assert set(found["notices"]) == {data["published"].pk, data["draft_notice"].pk}
    assert found["register"] == [data["entry"].pk]
    assert found["calls"] == [data["hidden_call"].pk]


def test_applications_are_found_by_receipt_number_and_organisation(admin, data):  # noqa: F811
    assert _keys(staff_search(admin, "rob-0042"))["applications"] == [data["submitted"].pk]
    assert _keys(staff_search(admin, "한빛로보"))["applications"] == [data["submitted"].pk]


def test_the_secretary_sees_only_what_the_secretary_may_open(secretary, data):
    found = _keys(staff_search(secretary, "협동로봇"))
    assert "applications" not in found
    assert found["notices"] == [data["published"].pk]
    assert found["calls"] == []  # a draft call is the admin's
    assert found["candidates"] == [data["candidate"].pk]


def test_the_page_links_each_result(client, admin, data):  # noqa: F811
    client.force_login(admin)
    response = client.get(reverse("review:search"), {"q": "협동로봇"})
    assert response.status_code == 200
    content = response.content.decode()
    assert reverse("surveys:application_detail", kwargs={"pk": data["submitted"].pk}) in content
    assert reverse("review:notice_edit", kwargs={"pk": data["draft_notice"].pk}) in content
    assert reverse("review:notice_public", kwargs={"pk": data["published"].pk}) in content
    assert reverse("review:register_entry", kwargs={"pk": data["entry"].pk}) in content
    assert "비공개 초안" not in content


def test_a_one_character_query_asks_for_more(client, admin, data):  # noqa: F811
    client.force_login(admin)
    response = client.get(reverse("review:search"), {"q": "협"})
    assert response.status_code == 200 and response.context["too_short"]
    assert response.context["sections"] == []


def test_everyone_else_gets_404(client, data):
    for role in ("applicant", "reviewer", "association_staff", "ministry_liaison"):
        client.force_login(make_user(role))
        assert client.get(reverse("review:search"), {"q": "협동로봇"}).status_code == 404, role
    client.logout()
    assert client.get(reverse("review:search")).status_code == 302


def _queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_search_makes_the_same_queries_at_10_and_200_rows(client, admin, open_survey):  # noqa: F811
    rows = Rows(open_survey)
    client.force_login(admin)
    url = reverse("review:search") + "?q=후보"

    def grow(n):
        start = Candidate.objects.count()
        rows.add(n, statuses=[ApplicationStatus.SUBMITTED, ApplicationStatus.ACCEPTED])
        Candidate.objects.bulk_create(
            Candidate(survey=open_survey, number=f"C-{start + i}", title=f"후보 {i}") for i in range(n)
        )

    grow(10)
    small = _queries(client, url)
    grow(190)
    large = _queries(client, url)
    assert small == large
    response = client.get(url)
    applications = next(s for s in response.context["sections"] if s.key == "applications")
    assert len(applications.items) == 20 and applications.more
