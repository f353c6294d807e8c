"""The public notice page, its PDF and the register: search, filters, history, redaction, query counts."""

import re
from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from review.enums import EntryStatus
from review.models import Notice, RegisterEntry
from review.services import notices
from tests.review.helpers import accepted_candidate, body, log_in, pdf_text
from tests.review.national_world import SECRET_SCOPE, SECRET_SPEC, designated_notice, register_entries

pytestmark = pytest.mark.django_db

SECOND = "자율주행 로봇 측위 기술"


@pytest.fixture
def published(open_survey, applicant, complete_answers, admin, secretary):
    """A published notice of two technologies; the second's scope and specification are security-sensitive."""
    first = accepted_candidate(open_survey, applicant, complete_answers, admin)
    second = accepted_candidate(open_survey, applicant, complete_answers, admin, title=SECOND)
    notice = designated_notice(open_survey, [first, second], secretary=secretary, admin=admin)
    item = notice.items.get(candidate=second)
    notices.notice_item_update(
        item,
        title=SECOND,
        scope=SECRET_SCOPE,
        specification=SECRET_SPEC,
        sensitive=["scope", "specification"],
        actor=admin,
    )
    return notices.notice_publish(notice, actor=admin)


def _html(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def _secrets_absent(text: str):
    assert SECRET_SCOPE not in text and SECRET_SPEC not in text


# -- the notice page and its PDF -------------------------------------------------------------------------------------


def test_the_public_notice_page_redacts_the_sensitive_parts(client, published, complete_answers):
    log_in(client, None)
    html = _html(client, reverse("review:notice_public", kwargs={"pk": published.pk}))
    assert published.number in html and SECOND in html
    assert complete_answers["specification"]["specification"] in html
    _secrets_absent(html)
    assert html.count("data-redacted=") == 2
    entry = RegisterEntry.objects.get(title=SECOND)
    assert reverse("review:register_entry", kwargs={"pk": entry.pk}) in html


def test_a_draft_notice_is_not_public(client, open_survey, admin):
    draft = Notice.objects.create(
        survey=open_survey,
        number="산업통상자원부 고시 제2026-99호",
        title="초안",
        effective_on=date(2026, 4, 1),
        created_by=admin,
    )
    for user in (None, admin):
        log_in(client, user)
        assert client.get(reverse("review:notice_public", kwargs={"pk": draft.pk})).status_code == 404
        assert client.get(reverse("review:notice_pdf", kwargs={"pk": draft.pk})).status_code == 404


def test_the_pdf_downloads_once_rendered_and_is_redacted(client, published):
    url = reverse("review:notice_pdf", kwargs={"pk": published.pk})
    assert client.get(url).status_code == 404  # not rendered yet
    assert notices.notice_pdf_render(published.pk) == "rendered"
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    text = pdf_text(body(response))
    assert published.number.replace(" ", "") in text and SECOND.replace(" ", "") in text
    assert SECRET_SPEC.replace(" ", "") not in text and SECRET_SCOPE.replace(" ", "") not in text
    assert url in _html(client, reverse("review:notice_public", kwargs={"pk": published.pk}))


# -- the register ----------------------------------------------------------------------------------------------------


def test_the_register_lists_entries_with_their_notice_and_redacts(client, published, complete_answers):
    html = _html(client, reverse("review:register"))
    assert html.count("data-entry=") == 2
    assert complete_answers["basic"]["summary"] in html  # a public scope is shown
    _secrets_absent(html)
    assert reverse("review:notice_public", kwargs={"pk": published.pk}) in html


@pytest.mark.parametrize(
    "q, expected",
    [
        ("측위", [SECOND]),  # the title
        ("-ROB-02", [SECOND]),  # the register number
        ("반복정밀도", ["협동로봇용 고정밀 감속기"]),  # a public scope
        ("기밀 범위", []),  # a redacted scope is never searched
        ("토크 밀도 77", []),  # nor a redacted specification
    ],
)
def test_register_search_never_looks_inside_redacted_parts(client, published, q, expected):
    html = _html(client, reverse("review:register"), q=q)
    shown = {e.title for e in RegisterEntry.objects.all() if f'data-entry="{e.number}"' in html}
    assert shown == set(expected)
    _secrets_absent(html)


def test_register_filters_by_field_and_status_and_paginates(client, open_survey, admin):
    entries = register_entries(open_survey, admin, 30)
    RegisterEntry.objects.filter(pk=entries[0].pk).update(status=EntryStatus.REVOKED)
    RegisterEntry.objects.filter(pk=entries[1].pk).update(field_code="BAT", number="2026-BAT-01")
    url = reverse("review:register")
    assert _html(client, url, status="revoked").count("data-entry=") == 1
    assert 'data-entry="2026-BAT-01"' in _html(client, url, field="BAT")
    assert _html(client, url, field="BAT").count("data-entry=") == 1
    assert _html(client, url, field="ROB", status="active").count("data-entry=") == 25  # the first page
    second_page = _html(client, url, field="ROB", status="active", page=2)
    assert second_page.count("data-entry=") == 3
    assert _html(client, url, status="nonsense").count("data-entry=") == 25
    assert _html(client, url, q="아무것도 없음").count("data-entry=") == 0


def test_the_register_costs_the_same_queries_at_any_size(client, open_survey, admin):
    register_entries(open_survey, admin, 2)
    url = reverse("review:register")
    client.get(url)
    cache.clear()
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).content.decode().count("data-entry=") == 2
    register_entries(open_survey, admin, 8, start=2)
    with CaptureQueriesContext(connection) as large:  # a new entry is a new cache key: rendered afresh
        html = client.get(url).content.decode()
    assert html.count("data-entry=") == 10
    assert len(large) == len(small) <= 6, f"{len(small)} queries with 2 entries, {len(large)} with 10"
    _secrets_absent(html)
    with CaptureQueriesContext(connection) as cached:
        again = client.get(url).content.decode()
    listing = re.compile(r'<form method="get".*?</table>', re.S)
    assert listing.search(again).group(0) == listing.search(html).group(0)
    assert len(cached) == 1  # the entries' count and latest change, which key the cached list


def test_the_cached_register_follows_every_change_and_each_query(client, open_survey, admin):
    register_entries(open_survey, admin, 3)
    url = reverse("review:register")
    before = client.get(url).content.decode()
    entry = RegisterEntry.objects.order_by("number").first()
    entry.title = "이름이 바뀐 기술"
    entry.save()
    after = client.get(url).content.decode()
    assert "이름이 바뀐 기술" in after and "이름이 바뀐 기술" not in before
    found = client.get(url, {"q": "이름이 바뀐"}).content.decode()
    assert found.count("data-entry=") == 1
    assert client.get(url).content.decode().count("data-entry=") == 3
    client.cookies["django_language"] = "en"
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Technologies found: 3" in english and "Technologies found" not in after  # the language is in the key


# -- an entry and its history ----------------------------------------------------------------------------------------


def test_an_entry_shows_its_history_with_redacted_snapshots(client, open_survey, published, admin):
    entry = RegisterEntry.objects.get(title=SECOND)
    later = notices.notice_draft(
        open_survey,
        number="산업통상자원부 고시 제2026-31호",
        title="변경 고시",
        effective_on=date(2026, 6, 1),
        actor=admin,
    )
    notices.notice_item_amend(
        later,
        entry=entry,
        title=SECOND,
        scope="공개로 바뀐 범위",
        specification=SECRET_SPEC,
        sensitive=["specification"],
        actor=admin,
    )
    notices.notice_publish(later, actor=admin)
    html = _html(client, reverse("review:register_entry", kwargs={"pk": entry.pk}))
    assert html.count("data-event=") == 2
    assert 'data-event="designate"' in html and 'data-event="amend"' in html
    for notice in (published, later):
        assert reverse("review:notice_public", kwargs={"pk": notice.pk}) in html and notice.number in html
    assert "공개로 바뀐 범위" in html  # the amendment made the scope public
    _secrets_absent(html)  # the first snapshot's scope stays withheld
    assert html.count('data-redacted="scope"') == 1 and html.count('data-redacted="specification"') == 3


def test_the_nav_links_the_register_for_everyone(client):
    assert reverse("review:register") in client.get("/calls/").content.decode()


def test_the_public_notice_page_does_not_grow_with_items(client, open_survey, admin):
    register_entries(open_survey, admin, 2)
    notice = Notice.objects.get(number="산업통상자원부 고시 제2026-90호")
    url = reverse("review:notice_public", kwargs={"pk": notice.pk})
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).content.decode().count("data-item=") == 2
    register_entries(open_survey, admin, 8, start=2)
    with CaptureQueriesContext(connection) as large:
        html = client.get(url).content.decode()
    assert html.count("data-item=") == 10 and html.count('data-redacted="specification"') == 10
    assert len(large) == len(small)
    _secrets_absent(html)
