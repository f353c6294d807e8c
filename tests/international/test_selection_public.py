"""The public list of selected international R&D candidates per category: only published announcements, apart from
the registers of designated technologies and complexes, searchable, and at the same cost for 10 and 200 items."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from review.enums import NoticeStatus
from review.models import Notice, SelectionItem
from review.services import notices
from tests.factories import make_user
from tests.international.selection_world import (
    announcement,
    applicant,
    candidate,
    closed_selection,
    foundational,
    leap,
    rnd_call,
)
from tests.review.helpers import log_in

pytestmark = pytest.mark.django_db

LIST = "review:rnd_selected"


@pytest.fixture
def call(admin):
    return rnd_call(admin)


@pytest.fixture
def published(call, admin):
    """The call's leapfrogging and foundational selections, published."""
    secretary = make_user("secretary")
    candidate(call, leap(call), "EUV 펠리클 소재", rank=1, countries=("BE",))
    candidate(call, foundational(call), "초전도 송전 케이블", rank=1, countries=("JP",))
    closed_selection(call, secretary)
    return notices.notice_publish(announcement(call, admin), actor=admin)


def _notice(call, admin, number, *, status=NoticeStatus.PUBLISHED):
    return Notice.objects.create(
        survey=call,
        number=number,
        title="선정 공고",
        effective_on=timezone.localdate(),
        status=status,
        published_at=timezone.now() if status == NoticeStatus.PUBLISHED else None,
        created_by=admin,
    )


def _items(notice, category, start, end):
    SelectionItem.objects.bulk_create(
        SelectionItem(
            notice=notice,
            category=category,
            order=n,
            title=f"후보기술 {n:04d}",
            field_code="SEM",
            partner_countries=["DE", "FR"],
            first_year_budget=Decimal("12.5"),
            horizon_years=category.horizon_years,
        )
        for n in range(start, end)
    )


def test_the_list_shows_each_category_with_horizon_quota_countries_budget_and_announcement(client, call, published):
    page = client.get(reverse(LIST)).content.decode()
    assert leap(call).name in page and foundational(call).name in page
    assert "48" in page and "50" in page
    assert "EUV 펠리클 소재" in page and "초전도 송전 케이블" in page
    assert ("벨기에" in page or "Belgium" in page) and ("일본" in page or "Japan" in page)
    assert "40" in page  # the first-year budget
    assert published.number in page and reverse("review:notice_public", kwargs={"pk": published.pk}) in page
    assert "가람" not in page and "국제협력" not in page  # no applicant organisation


def test_unpublished_announcements_show_nothing(client, call, admin):
    draft = _notice(call, admin, "산업통상자원부 공고 제2027-1호", status=NoticeStatus.DRAFT)
    _items(draft, leap(call), 1, 3)
    page = client.get(reverse(LIST)).content.decode()
    assert "후보기술 0001" not in page and draft.number not in page
    assert "data-selected=" not in page


def test_search_and_category_filter(client, call, published):
    page = client.get(reverse(LIST), {"q": "펠리클"}).content.decode()
    assert "EUV 펠리클 소재" in page and "초전도 송전 케이블" not in page
    page = client.get(reverse(LIST), {"category": foundational(call).pk}).content.decode()
    assert "EUV 펠리클 소재" not in page and "초전도 송전 케이블" in page
    page = client.get(reverse(LIST), {"category": "abc"}).content.decode()  # nonsense: no filter, no error
    assert "EUV 펠리클 소재" in page


def test_the_list_is_apart_from_the_other_registers_and_linked_beside_them(client, published):
    for register in ("review:register", "review:complex_register"):
        page = client.get(reverse(register)).content.decode()
        assert "EUV 펠리클 소재" not in page
        assert reverse(LIST) in page  # the navigation links the list
    assert reverse(LIST) in client.get(reverse("home")).content.decode()


def _count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_list_costs_the_same_for_10_and_200_items(client, call, admin):
    notice = _notice(call, admin, "산업통상자원부 공고 제2027-9호")
    _items(notice, leap(call), 1, 6)
    _items(notice, foundational(call), 1, 6)
    small, html = _count(client, reverse(LIST))
    assert html.count("data-selected=") == 10
    _items(notice, leap(call), 6, 101)
    _items(notice, foundational(call), 6, 101)
    large, html = _count(client, reverse(LIST))
    assert html.count("data-selected=") == 50
    assert large == small, f"{small} queries at 10 items, {large} at 200"


@pytest.mark.slow  # builds the page at two sizes to count its queries
def test_the_proposal_page_costs_the_same_for_10_and_200_candidates(client, call):
    secretary = make_user("secretary")
    log_in(client, secretary)
    url = reverse("review:selection_proposal", kwargs={"pk": leap(call).pk})
    company = applicant("가람반도체")
    for rank in range(1, 11):
        candidate(call, leap(call), f"후보 {rank:03d}", rank=rank, user=company)
    small, html = _count(client, url)
    assert html.count("data-candidate=") == 10
    for rank in range(11, 201):
        candidate(call, leap(call), f"후보 {rank:03d}", rank=rank, user=company)
    large, html = _count(client, url)
    assert html.count("data-candidate=") == 200
    assert large == small, f"{small} queries at 10 candidates, {large} at 200"
