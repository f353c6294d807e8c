"""The public register of designated specialised complexes: list, search and filters, each complex's history, the
ministry's direct changes, and the list's queries at two sizes."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.models import AuditEvent
from review.enums import ComplexAction, EntryStatus
from review.models import DesignatedComplex
from review.services import complex_notices, notices
from tests.factories import make_user
from tests.review.complex_world import ANCHORS, CHEONGJU, complex_call, designated, register_complexes
from tests.review.helpers import log_in
from tests.surveys.helpers import ko

pytestmark = pytest.mark.django_db

LIST = "review:complex_register"
CONDITIONS = "용수 공급계획 확정"


@pytest.fixture
def call(admin):
    return complex_call(admin)


@pytest.fixture
def entry(call, applicant, secretary, admin):
    """Cheongju, designated with conditions by a published notice."""
    _candidates, notice = designated(call, applicant, secretary, admin, CHEONGJU, conditions=CONDITIONS)
    notices.notice_publish(notice, actor=admin)
    return DesignatedComplex.objects.get()


def _detail(entry):
    return reverse("review:complex_register_entry", kwargs={"number": entry.number})


def _change(entry):
    return reverse("review:complex_register_change", kwargs={"number": entry.number})


def _numbers(html: str) -> list[str]:
    import re

    return re.findall(r'data-entry="([^"]+)"', html)


# -- the list --------------------------------------------------------------------------------------------------------


def test_the_register_lists_designated_complexes_to_anyone(client, entry):
    page = client.get(reverse(LIST)).content.decode()
    assert _numbers(page) == [entry.number]
    assert CHEONGJU in page and "1,234,567 m²" in page and "충청북도" in page and "조건부" in page
    assert reverse("review:notice_public", kwargs={"pk": entry.notice_id}) in page


def test_the_register_is_searched_by_name_and_location(client, call, admin):
    made = register_complexes(call, admin, 6)
    DesignatedComplex.objects.filter(pk=made[1].pk).update(name="울산 미포 특화단지")
    DesignatedComplex.objects.filter(pk=made[4].pk).update(location="오창읍 양청리 일원")
    assert _numbers(client.get(reverse(LIST), {"q": "미포"}).content.decode()) == [made[1].number]
    assert _numbers(client.get(reverse(LIST), {"q": "양청리"}).content.decode()) == [made[4].number]
    assert _numbers(client.get(reverse(LIST), {"q": made[2].number}).content.decode()) == [made[2].number]
    assert _numbers(client.get(reverse(LIST), {"q": "없는 단지"}).content.decode()) == []


def test_the_register_is_filtered_by_field_province_and_status(client, call, admin):
    made = register_complexes(call, admin, 8)  # BAT on even indexes; provinces 43, 31, 47, 52 in turn
    DesignatedComplex.objects.filter(pk=made[0].pk).update(status=EntryStatus.REVOKED)
    batteries = _numbers(client.get(reverse(LIST), {"field": "BAT"}).content.decode())
    assert batteries == [m.number for i, m in enumerate(made) if i % 2 == 0]
    ulsan = _numbers(client.get(reverse(LIST), {"province": "31"}).content.decode())
    assert ulsan == [made[1].number, made[5].number]
    both = _numbers(client.get(reverse(LIST), {"field": "BAT", "province": "43"}).content.decode())
    assert both == [made[0].number, made[4].number]
    assert _numbers(client.get(reverse(LIST), {"status": "revoked"}).content.decode()) == [made[0].number]
    page = client.get(reverse(LIST), {"province": "31"}).content.decode()
    assert '<option value="31" selected>울산광역시</option>' in page


def test_the_register_is_paginated(client, call, admin):
    register_complexes(call, admin, 30)
    first = _numbers(client.get(reverse(LIST)).content.decode())
    second = _numbers(client.get(reverse(LIST), {"page": 2}).content.decode())
    assert len(first) == 25 and len(second) == 5 and not set(first) & set(second)
    assert _numbers(client.get(reverse(LIST), {"page": "²"}).content.decode()) == first


@pytest.mark.slow  # builds the page at two sizes to count its queries
def test_the_register_costs_the_same_queries_at_10_and_200_complexes(client, call, admin):
    register_complexes(call, admin, 10)
    url = reverse(LIST)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert len(_numbers(client.get(url).content.decode())) == 10
    register_complexes(call, admin, 190, start=10)
    with CaptureQueriesContext(connection) as large:
        assert len(_numbers(client.get(url).content.decode())) == 25
    assert len(large) == len(small) <= 6, f"{len(small)} queries with 10 complexes, {len(large)} with 200"


def test_the_navigation_and_the_technology_register_link_the_complex_register(client):
    target = f'href="{reverse(LIST)}"'
    assert target in client.get(reverse("review:register")).content.decode()
    assert target in client.get(reverse("surveys:call_list")).content.decode()


# -- the detail and its history ----------------------------------------------------------------------------------------


def test_a_complex_shows_its_text_and_history(client, entry):
    page = client.get(_detail(entry)).content.decode()
    assert CHEONGJU in page and "충청북도 청주시 청원구 오창읍 양청리 일원" in page and "1,234,567 m²" in page
    assert ANCHORS[0]["company"] in page and "15,700.5" in page and CONDITIONS in page
    assert page.count("data-event=") == 1 and 'data-event="designate"' in page
    assert 'data-testid="complex-change"' not in page  # the public sees no ministry form


def test_an_unknown_number_is_a_404(client, entry):
    assert client.get(reverse("review:complex_register_entry", kwargs={"number": "2026-CX-999"})).status_code == 404


# -- the ministry's direct changes -----------------------------------------------------------------------------------


def test_the_admin_changes_the_area_with_a_reason(client, entry, admin):
    log_in(client, admin)
    assert 'data-testid="complex-change"' in client.get(_detail(entry)).content.decode()
    response = client.post(
        _change(entry), {"action": "change_area", "area_m2": "1,400,000", "reason": "부지 추가 편입"}
    )
    assert response.status_code == 302 and response.url == _detail(entry)
    entry.refresh_from_db()
    assert entry.area_m2 == Decimal("1400000")
    event = entry.events.last()
    assert (event.action, event.actor, event.notice, event.note) == ("change_area", admin, None, "부지 추가 편입")
    audit = AuditEvent.objects.get(action="review.complex.area_changed", object_id=str(entry.pk))
    assert audit.before["area_m2"] == "1234567.00" and audit.after["area_m2"] == "1400000.00"
    page = client.get(_detail(entry)).content.decode()
    assert page.count("data-event=") == 2 and "1,400,000 m²" in page and "부지 추가 편입" in page


def test_the_admin_records_conditions_met_then_revokes(client, entry, admin):
    log_in(client, admin)
    assert client.post(_change(entry), {"action": "conditions_met", "reason": "용수 공급 협약 체결"}).status_code == 302
    again = client.post(_change(entry), {"action": "conditions_met", "reason": "중복"})
    assert again.status_code == 400
    assert ko("The conditions of this complex are already recorded as met.") in again.content.decode()
    assert client.post(_change(entry), {"action": "revoke", "reason": "사업 포기"}).status_code == 302
    entry.refresh_from_db()
    assert entry.conditions_met_at is not None and entry.status == EntryStatus.REVOKED
    assert list(entry.events.values_list("action", flat=True)) == ["designate", "conditions_met", "revoke"]
    assert AuditEvent.objects.filter(action="review.complex.revoked", object_id=str(entry.pk)).exists()
    refused = client.post(_change(entry), {"action": "change_area", "area_m2": "10", "reason": "해제 후"})
    assert refused.status_code == 400
    assert ko("Only a designated (active) complex can be changed or revoked.") in refused.content.decode()
    listed = client.get(reverse(LIST), {"status": "revoked"}).content.decode()
    assert _numbers(listed) == [entry.number]


def test_a_change_needs_a_reason_and_keeps_what_was_typed(client, entry, admin):
    log_in(client, admin)
    response = client.post(_change(entry), {"action": "change_area", "area_m2": "1,500,000", "reason": ""})
    assert response.status_code == 400
    assert 'value="1,500,000"' in response.content.decode()
    entry.refresh_from_db()
    assert entry.area_m2 == Decimal("1234567") and entry.events.count() == 1


def test_the_service_refuses_a_change_without_a_reason(entry, admin):
    from portal.exceptions import DomainError

    with pytest.raises(DomainError) as error:
        complex_notices.complex_entry_amend(entry, action=ComplexAction.REVOKE, reason=" ", actor=admin)
    assert error.value.code == "reason"
    entry.refresh_from_db()
    assert entry.status == EntryStatus.ACTIVE


@pytest.mark.parametrize("role", ["secretary", "applicant", "reviewer", "ministry_liaison"])
def test_only_the_ministry_admin_may_change_a_complex(client, entry, role):
    log_in(client, make_user(role))
    assert client.get(_change(entry)).status_code == 404
    assert client.post(_change(entry), {"action": "revoke", "reason": "무단"}).status_code == 404
    assert 'data-testid="complex-change"' not in client.get(_detail(entry)).content.decode()
    entry.refresh_from_db()
    assert entry.status == EntryStatus.ACTIVE and entry.events.count() == 1


def test_an_anonymous_change_goes_to_the_login(client, entry):
    response = client.post(_change(entry), {"action": "revoke", "reason": "무단"})
    assert response.status_code == 302 and "login" in response.url
