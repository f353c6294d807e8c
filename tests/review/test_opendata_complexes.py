"""The register of designated complexes as open data: the same entries as its public page, at a fixed cost."""

import csv
import io
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.review.complex_world import complex_call, register_complexes

pytestmark = pytest.mark.django_db

API = "/api/v1/registers/complexes/"


@pytest.fixture
def call(admin):
    return complex_call(admin)


def _json(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:500]
    return json.loads(response.content)


def _queries(client, url) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_api_lists_the_complexes_the_register_page_lists(client, call, admin):
    made = register_complexes(call, admin, 6)
    data = _json(client, API, province="43")
    page = client.get(reverse("review:complex_register"), {"province": "43"}).content.decode()
    numbers = [item["number"] for item in data["results"]]
    assert numbers == [entry.number for entry in made if entry.province == "43"]
    for number in numbers:
        assert f'data-entry="{number}"' in page
    first = data["results"][0]
    assert first["area_m2"] == "1000000" and first["province_name"] == "충청북도"
    assert first["anchor_companies"][0]["company"] == "에코배터리 주식회사"
    assert first["url"] == reverse("review:complex_register_entry", kwargs={"number": first["number"]})


def test_one_complex_and_the_csv_and_the_feed(client, call, admin):
    made = register_complexes(call, admin, 2)
    one = _json(client, f"{API}{made[1].number}")
    assert one["name"] == made[1].name
    response = client.get(f"{API}csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert {row[0] for row in rows[1:]} == {entry.number for entry in made}
    assert client.get(f"{API}feed").status_code == 200
    assert client.get(f"{API}2099-CX-999").status_code == 404


@pytest.mark.slow  # builds the page at two sizes to count its queries
def test_the_complex_api_costs_the_same_queries_at_10_and_200_entries(client, call, admin):
    register_complexes(call, admin, 10)
    small = [_queries(client, url) for url in (API, f"{API}csv", f"{API}feed", f"{API}2026-CX-005")]
    register_complexes(call, admin, 190, start=10)
    large = [_queries(client, url) for url in (API, f"{API}csv", f"{API}feed", f"{API}2026-CX-005")]
    assert small == large, f"{small} queries with 10 complexes, {large} with 200"
    assert _json(client, API)["count"] == 200


def test_the_index_lists_both_registers(client):
    registers = {register["slug"]: register for register in _json(client, "/api/v1/")["registers"]}
    assert registers["complexes"]["json"].endswith(API) and registers["complexes"]["csv"].endswith(f"{API}csv")
