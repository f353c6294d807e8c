"""The register as open data: JSON (OpenAPI), CSV and Atom, the same and as redacted as the public pages."""

import csv
import io
import json
import re
import xml.etree.ElementTree as ET  # nosec B405: parsing the portal's own feed

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from review.enums import EntryStatus
from review.models import RegisterEntry
from review.services import notices
from tests.review.helpers import accepted_candidate
from tests.review.national_world import SECRET_SCOPE, SECRET_SPEC, designated_notice, register_entries

pytestmark = pytest.mark.django_db

API = "/api/v1/registers/technologies/"
CSV = "/api/v1/registers/technologies/csv"
FEED = "/api/v1/registers/technologies/feed"
SECOND = "자율주행 로봇 측위 기술"
ATOM = "{http://www.w3.org/2005/Atom}"


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


def _json(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:500]
    return response.json()


def _secrets_absent(text: str):
    assert SECRET_SCOPE not in text and SECRET_SPEC not in text


def _page_rows(html: str) -> dict[str, str]:
    """Register number → the text of its row on the public page."""
    rows = re.findall(r'<tr data-entry="([^"]+)">(.*?)</tr>', html, re.S)
    return {number: re.sub(r"<[^>]+>", " ", row) for number, row in rows}


def test_the_api_shows_exactly_what_the_register_page_shows(client, published, complete_answers):
    page = _page_rows(client.get(reverse("review:register")).content.decode())
    data = _json(client, API)
    assert data["count"] == 2 and {row["number"] for row in data["results"]} == set(page)
    for row in data["results"]:
        visible = page[row["number"]]
        assert row["title"] in visible and row["field_name"] in visible and row["notice_number"] in visible
        if row["scope"] is None:
            assert "비공개" in visible or "Withheld" in visible
        else:
            assert row["scope"].split("\n")[0] in visible
    second = next(row for row in data["results"] if row["title"] == SECOND)
    assert (second["scope"], second["specification"], second["withheld"]) == (None, None, ["scope", "specification"])
    _secrets_absent(json.dumps(data, ensure_ascii=False))


def test_one_entry_matches_its_public_page(client, published, complete_answers):
    for entry in RegisterEntry.objects.all():
        row = _json(client, f"{API}{entry.number}")
        html = client.get(reverse("review:register_entry", kwargs={"pk": entry.pk})).content.decode()
        assert row["url"] == reverse("review:register_entry", kwargs={"pk": entry.pk})
        assert row["title"] in html
        for part in ("scope", "specification"):
            if row[part] is None:
                assert f'data-redacted="{part}"' in html
            else:
                assert row[part].split("\n")[0] in html
        _secrets_absent(json.dumps(row, ensure_ascii=False))
    assert client.get(f"{API}2026-XXX-99").status_code == 404


def test_the_csv_is_utf8_with_a_bom_and_holds_the_same_rows(client, published):
    response = client.get(CSV)
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    raw = response.content
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    api = _json(client, API)["results"]
    assert [row["number"] for row in rows] == [row["number"] for row in api]
    assert [row["title"] for row in rows] == [row["title"] for row in api]
    second = next(row for row in rows if row["title"] == SECOND)
    assert second["scope"] == "" and second["specification"] == ""
    _secrets_absent(raw.decode("utf-8-sig"))


def test_the_feed_lists_new_and_changed_entries_latest_first(client, open_survey, admin):
    entries = register_entries(open_survey, admin, 3)
    entry = entries[0]
    entry.title = "이름이 바뀐 기술"
    entry.save()
    response = client.get(FEED)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    text = response.content.decode()
    _secrets_absent(text)
    feed = ET.fromstring(response.content)  # nosec B314
    titles = [item.find(f"{ATOM}title").text for item in feed.findall(f"{ATOM}entry")]
    assert len(titles) == 3 and titles[0] == f"{entry.number} 이름이 바뀐 기술"
    link = feed.find(f"{ATOM}entry").find(f"{ATOM}link").get("href")
    assert link.endswith(reverse("review:register_entry", kwargs={"pk": entry.pk}))


def test_the_api_filters_like_the_page_and_paginates(client, open_survey, admin):
    entries = register_entries(open_survey, admin, 130)
    RegisterEntry.objects.filter(pk=entries[0].pk).update(status=EntryStatus.REVOKED)
    RegisterEntry.objects.filter(pk=entries[1].pk).update(field_code="BAT", number="2026-BAT-01")
    first = _json(client, API)
    assert (first["count"], first["page"], first["pages"], len(first["results"])) == (130, 1, 2, 100)
    assert first["previous"] is None and first["next"].endswith("page=2")
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 30 and second["next"] is None
    assert [row["number"] for row in _json(client, API, field="BAT")["results"]] == ["2026-BAT-01"]
    assert _json(client, API, status="revoked")["count"] == 1
    assert _json(client, API, q="로봇 기술 13")["count"] == _page_count(client, q="로봇 기술 13")
    assert _json(client, API, q=SECRET_SPEC)["count"] == 0  # a withheld part is never searched
    assert client.get(API, {"status": "nonsense"}).status_code == 422
    assert client.get(API, {"page": "abc"}).status_code == 422
    assert _json(client, API, page=99)["page"] == 2


def _page_count(client, **params) -> int:
    html = client.get(reverse("review:register"), params).content.decode()
    return int(re.search(r'data-testid="register-count">[^<]*?(\d+)', html).group(1))


def _queries(client, url) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.slow  # builds the page at two sizes to count its queries
def test_the_api_costs_the_same_queries_at_10_and_200_entries(client, open_survey, admin):
    register_entries(open_survey, admin, 10)
    small = [_queries(client, url) for url in (API, CSV, FEED, f"{API}2026-ROB-05")]
    register_entries(open_survey, admin, 190, start=10)
    large = [_queries(client, url) for url in (API, CSV, FEED, f"{API}2026-ROB-05")]
    assert small == large, f"{small} queries with 10 entries, {large} with 200"
    assert _json(client, API)["count"] == 200


def test_answers_are_cacheable_and_follow_changes(client, open_survey, admin):
    entries = register_entries(open_survey, admin, 3)
    for url in (API, CSV, FEED):
        response = client.get(url)
        etag, modified = response["ETag"], response["Last-Modified"]
        assert "public" in response["Cache-Control"] and "max-age=60" in response["Cache-Control"]
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
        assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    etag = client.get(API)["ETag"]
    assert client.get(API, {"page": 1}, HTTP_IF_NONE_MATCH=etag).status_code == 200  # another query, another tag
    entries[0].title = "바뀐 기술"
    entries[0].save()
    changed = client.get(API, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


@time_machine.travel("2026-12-02 10:00:05+09:00", tick=False)  # one window of the fixed-window count
def test_the_api_is_rate_limited_per_client_address(client, settings):
    settings.OPEN_DATA_RATE_PER_MINUTE = 3
    for url in (API, CSV, FEED):
        assert client.get(url).status_code == 200
    response = client.get(API)
    assert response.status_code == 429 and int(response["Retry-After"]) == 55
    assert "요청이 너무 많습니다" in response.content.decode()
    assert client.get(API, REMOTE_ADDR="198.51.100.9").status_code == 200


def test_the_openapi_description_documents_the_register(client):
    spec = _json(client, "/api/v1/openapi.json")
    assert {API, CSV, f"{API}{{key}}"} <= set(spec["paths"])
    assert "Technology" in spec["components"]["schemas"]
    parameters = {p["name"] for p in spec["paths"][API]["get"]["parameters"]}
    assert {"q", "field", "status", "page"} <= parameters
    assert "Retry-After" in spec["info"]["description"]


def test_the_api_index_lists_every_register_with_its_formats(client):
    index = _json(client, "/api/v1/")
    registers = {register["slug"]: register for register in index["registers"]}
    assert set(registers) == {"technologies", "complexes"}
    register = registers["technologies"]
    assert register["json"].endswith(API) and register["csv"].endswith(CSV) and register["feed"].endswith(FEED)
    assert index["openapi"].endswith("/api/v1/openapi.json")
