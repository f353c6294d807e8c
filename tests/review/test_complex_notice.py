"""The designation notice of a specialised-complex call: drafting from the resolutions, editing, publishing into the
register of complexes with results and mail, the PDF, and the refusal to mix complexes and technologies."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone, translation

from portal.exceptions import DomainError
from portal.models import AuditEvent, OutboundMail
from review.enums import ComplexAction, Decision, EntryStatus
from review.models import ComplexEvent, ComplexNoticeItem, DesignatedComplex, Notice, NoticeItem, RegisterEntry, Result
from review.services import complex_notices, notices
from surveys.enums import SurveyStage
from surveys.pipelines import COMPLEX
from tests.factories import OrganizationFactory, make_user
from tests.review.complex_world import (
    ANCHORS,
    CHEONGJU,
    complex_call,
    complex_notice,
    designated,
    plan_answers,
    planned_candidate,
    resolve,
    subcommittee_conditions,
)
from tests.review.helpers import log_in, pdf_text
from tests.review.national_world import designated_notice, register_entries
from tests.surveys.helpers import ko

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year
ULSAN = "울산 미포 이차전지 특화단지"
POHANG = "포항 영일만 이차전지 특화단지"
CONDITIONS = "2028년까지 용수 공급계획 확정"


@pytest.fixture
def province(db):
    """A province's applicant (manager of the local government that files the plan)."""
    from portal.enums import OrganizationType

    return make_user(
        "applicant",
        manager=True,
        organization=OrganizationFactory(type=OrganizationType.LOCAL_GOVERNMENT, name="충청북도"),
    )


@pytest.fixture
def call(admin):
    return complex_call(admin)


@pytest.fixture
def three(call, province):
    """Cheongju (an older version had another area), Ulsan and Pohang."""
    return [
        planned_candidate(call, province, CHEONGJU, versions=[plan_answers(CHEONGJU, area="990000")]),
        planned_candidate(
            call, province, ULSAN, province="31", city="울산광역시 남구", address="미포국가산단", area="2500000.5"
        ),
        planned_candidate(call, province, POHANG, province="47", city="포항시"),
    ]


@pytest.fixture
def resolved(call, three, secretary):
    """Cheongju designated with the committee's conditions, Ulsan designated with conditions written only by the
    subcommittee, Pohang not designated."""
    subcommittee_conditions(three[1], secretary, "전력 계통 연계 확약서 제출")
    resolve(
        call,
        {
            three[0]: (Decision.DESIGNATE_WITH_CONDITIONS, CONDITIONS),
            three[1]: (Decision.DESIGNATE_WITH_CONDITIONS, ""),
            three[2]: (Decision.REJECT, ""),
        },
        secretary,
    )
    return three


def _draft(client, survey, **overrides):
    data = {
        "number": "산업통상자원부 고시 제2026-40호",
        "title": "국가첨단전략산업 특화단지 지정 고시",
        "preamble": "다음과 같이 고시합니다.",
        "effective_on": "2026-04-01",
        **overrides,
    }
    return client.post(reverse("review:notices", kwargs={"pk": survey.pk}), data)


# -- drafting --------------------------------------------------------------------------------------------------------


def test_drafting_a_complex_notice_lists_each_designated_plan_from_its_latest_version(client, call, resolved, admin):
    log_in(client, admin)
    response = _draft(client, call)
    notice = Notice.objects.get()
    assert response.status_code == 302 and response.url == reverse("review:notice_edit", kwargs={"pk": notice.pk})
    assert notice.lists_complexes and not NoticeItem.objects.exists()
    items = list(notice.complex_items.all())
    assert [(i.candidate, i.action) for i in items] == [(resolved[0], "designate"), (resolved[1], "designate")]
    first = items[0]
    assert (first.name, first.field_code, first.province, first.city, first.location) == (
        CHEONGJU,
        "BAT",
        "43",
        "청주시",
        "청원구 오창읍 양청리 일원",
    )
    assert first.area_m2 == Decimal("1234567")  # the latest version, not the older 990,000
    assert first.anchor_companies == ANCHORS
    assert items[1].area_m2 == Decimal("2500000.5")
    assert AuditEvent.objects.filter(action="review.notice.drafted", object_id=str(notice.pk)).exists()
    page = client.get(response.url).content.decode()
    assert page.count("data-complex-item=") == 2 and POHANG not in page
    assert "1,234,567 m²" in page and "2,500,000.5 m²" in page and "에코배터리 주식회사" in page


def test_conditions_come_from_the_resolution_else_from_the_subcommittee(call, resolved, admin):
    notice = complex_notice(call, admin)
    conditions = dict(notice.complex_items.values_list("candidate_id", "conditions"))
    assert conditions == {resolved[0].pk: CONDITIONS, resolved[1].pk: "전력 계통 연계 확약서 제출"}


def test_an_open_meeting_designates_nothing(call, three, secretary, admin):
    resolve(call, {three[0]: (Decision.DESIGNATE, "")}, secretary, closed=False)
    notice = complex_notice(call, admin)
    assert not notice.complex_items.exists()


# -- editing ---------------------------------------------------------------------------------------------------------


def _item_data(item, **overrides):
    data = {
        "name": item.name,
        "province": item.province,
        "city": item.city,
        "location": item.location,
        "area_m2": str(item.area_m2),
        "conditions": item.conditions,
    }
    for index, row in enumerate(item.anchor_companies):
        data.update({f"anchor_companies-{index}-{key}": value for key, value in row.items()})
    return {**data, **overrides}


def test_the_admin_edits_a_complex_in_the_draft(client, call, resolved, admin):
    notice = complex_notice(call, admin)
    item = notice.complex_items.get(candidate=resolved[0])
    log_in(client, admin)
    url = reverse("review:complex_notice_item", kwargs={"pk": item.pk})
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        _item_data(
            item,
            name="청주 오창 특화단지",
            area_m2="1,300,000.25",
            conditions="용수 공급계획 확정",
            **{
                "anchor_companies-2-company": "새빛소재",
                "anchor_companies-2-investment": "700",
                "anchor_companies-2-year": "2029",
                "anchor_companies-2-jobs": "60",
            },
        ),
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.name, item.area_m2, item.conditions) == (
        "청주 오창 특화단지",
        Decimal("1300000.25"),
        "용수 공급계획 확정",
    )
    assert [row["company"] for row in item.anchor_companies] == ["에코배터리 주식회사", "한빛셀 주식회사", "새빛소재"]
    assert AuditEvent.objects.filter(action="review.notice.item_updated", object_id=str(notice.pk)).exists()
    page = client.get(reverse("review:notice_edit", kwargs={"pk": notice.pk})).content.decode()
    assert "1,300,000.25 m²" in page and "16,400.5" in page  # 12,500 + 3,200.5 + 700 (KRW 100 million)


def test_a_bad_area_is_a_clear_error_that_keeps_the_text(client, call, resolved, admin):
    notice = complex_notice(call, admin)
    item = notice.complex_items.first()
    log_in(client, admin)
    response = client.post(
        reverse("review:complex_notice_item", kwargs={"pk": item.pk}),
        _item_data(item, name="고친 이름", area_m2="넓음"),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert ko("Give the area in m² as a positive number with at most two decimals.") in page
    assert 'value="고친 이름"' in page and 'value="넓음"' in page
    item.refresh_from_db()
    assert item.name == CHEONGJU


def test_a_complex_item_is_removed_from_the_draft(client, call, resolved, admin):
    notice = complex_notice(call, admin)
    item = notice.complex_items.get(candidate=resolved[1])
    log_in(client, admin)
    response = client.post(reverse("review:complex_notice_item_remove", kwargs={"pk": item.pk}))
    assert response.status_code == 302
    assert list(notice.complex_items.values_list("candidate", flat=True)) == [resolved[0].pk]
    assert AuditEvent.objects.filter(action="review.notice.item_removed", object_id=str(notice.pk)).exists()


# -- publishing ------------------------------------------------------------------------------------------------------


def test_publishing_registers_the_complexes_and_tells_every_applicant(
    client, call, resolved, province, admin, django_capture_on_commit_callbacks
):
    notice = complex_notice(call, admin)
    log_in(client, admin)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("review:notice_publish", kwargs={"pk": notice.pk}))
    assert response.status_code == 302

    entries = list(DesignatedComplex.objects.order_by("number"))
    assert [(e.number, e.name, e.status) for e in entries] == [
        (f"{YEAR}-CX-001", CHEONGJU, EntryStatus.ACTIVE),
        (f"{YEAR}-CX-002", ULSAN, EntryStatus.ACTIVE),
    ]
    cheongju = entries[0]
    assert (cheongju.area_m2, cheongju.province, cheongju.conditions, cheongju.notice) == (
        Decimal("1234567"),
        "43",
        CONDITIONS,
        notice,
    )
    assert list(cheongju.events.values_list("action", "notice")) == [(ComplexAction.DESIGNATE, notice.pk)]
    assert cheongju.events.get().snapshot["area_m2"] == "1234567.00"
    assert AuditEvent.objects.filter(action="review.complex.designated", object_id=str(cheongju.pk)).exists()
    assert not RegisterEntry.objects.exists()
    call.refresh_from_db()
    assert call.stage == SurveyStage.NOTICE
    assert list(notice.complex_items.values_list("entry__number", flat=True)) == [e.number for e in entries]

    results = {r.application.candidate_id: r for r in Result.objects.select_related("application")}
    assert {cid: r.outcome for cid, r in results.items()} == {
        resolved[0].pk: "designated",
        resolved[1].pk: "designated",
        resolved[2].pk: "rejected",
    }
    with translation.override("ko"):
        label = str(COMPLEX.outcome.label)
    mails = OutboundMail.objects.filter(template="result_published", to=province.email)
    assert mails.count() == 3
    designated_mail = mails.get(subject__contains=CHEONGJU)
    assert label in designated_mail.subject and label in designated_mail.body_text
    assert notice.number in designated_mail.body_text


def test_the_public_notice_page_lists_the_complexes(client, call, resolved, admin):
    notice = notices.notice_publish(complex_notice(call, admin), actor=admin)
    page = client.get(reverse("review:notice_public", kwargs={"pk": notice.pk})).content.decode()
    assert CHEONGJU in page and ULSAN in page and "1,234,567 m²" in page and CONDITIONS in page
    assert "에코배터리 주식회사" in page and "충청북도" in page
    entry = DesignatedComplex.objects.get(name=CHEONGJU)
    assert reverse("review:complex_register_entry", kwargs={"number": entry.number}) in page


def test_a_plan_already_in_the_register_cannot_be_designated_twice(call, resolved, admin):
    first = complex_notice(call, admin)
    second = complex_notice(call, admin, number="산업통상자원부 고시 제2026-41호")
    notices.notice_publish(first, actor=admin)
    with pytest.raises(DomainError) as error:
        notices.notice_publish(second, actor=admin)
    assert error.value.code == "registered"
    assert DesignatedComplex.objects.count() == 2


def test_an_empty_complex_notice_is_not_published(call, admin):
    notice = complex_notice(call, admin)
    with pytest.raises(DomainError) as error:
        notices.notice_publish(notice, actor=admin)
    assert error.value.code == "empty"


def test_changes_by_notice_apply_area_conditions_and_revocation(call, resolved, admin):
    notices.notice_publish(complex_notice(call, admin), actor=admin)
    cheongju, ulsan = DesignatedComplex.objects.order_by("number")
    amendment = complex_notice(call, admin, number="산업통상자원부 고시 제2026-55호")
    assert not amendment.complex_items.exists()
    complex_notices.complex_item_amend(
        amendment, entry=cheongju, action=ComplexAction.CHANGE_AREA, area_m2="1,500,000", note="부지 확장", actor=admin
    )
    with pytest.raises(DomainError) as error:
        complex_notices.complex_item_amend(amendment, entry=cheongju, action=ComplexAction.REVOKE, actor=admin)
    assert error.value.code == "entry"
    complex_notices.complex_item_amend(amendment, entry=ulsan, action=ComplexAction.CONDITIONS_MET, actor=admin)

    notices.notice_publish(amendment, actor=admin)

    cheongju.refresh_from_db()
    ulsan.refresh_from_db()
    assert (cheongju.area_m2, cheongju.notice) == (Decimal("1500000"), amendment)
    assert ulsan.conditions_met_at is not None
    assert list(cheongju.events.values_list("action", "note")) == [("designate", ""), ("change_area", "부지 확장")]
    assert cheongju.events.last().snapshot["area_m2"] == "1500000.00"
    revocation = complex_notice(call, admin, number="산업통상자원부 고시 제2026-56호")
    complex_notices.complex_item_amend(
        revocation, entry=ulsan, action=ComplexAction.REVOKE, note="사업 포기", actor=admin
    )
    notices.notice_publish(revocation, actor=admin)
    ulsan.refresh_from_db()
    assert ulsan.status == EntryStatus.REVOKED
    assert list(ulsan.events.values_list("action", flat=True)) == ["designate", "conditions_met", "revoke"]


def test_the_history_cannot_be_rewritten(call, resolved, admin):
    notices.notice_publish(complex_notice(call, admin), actor=admin)
    event = ComplexEvent.objects.first()
    event.note = "고친 기록"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


# -- a complex notice never lists a technology, and the reverse ------------------------------------------------------


def test_a_complex_notice_refuses_a_technology_item(
    call, resolved, open_survey, applicant, complete_answers, secretary, admin
):
    from tests.review.helpers import accepted_candidate

    technology = accepted_candidate(open_survey, applicant, complete_answers, admin)
    notices.notice_publish(designated_notice(open_survey, [technology], secretary=secretary, admin=admin), actor=admin)
    entry = RegisterEntry.objects.get()
    notice = complex_notice(call, admin)

    with pytest.raises(DomainError) as error:
        notices.notice_item_revoke(notice, entry=entry, actor=admin)
    assert error.value.code == "kind"
    with translation.override("ko"):
        assert str(error.value.message) == ko("A notice of specialised complexes cannot list a technology.")
    with pytest.raises(DomainError) as error:
        notices.notice_item_amend(notice, entry=entry, title="바꾼 기술", actor=admin)
    assert error.value.code == "kind"
    assert not NoticeItem.objects.filter(notice=notice).exists()


def test_a_technology_notice_refuses_a_complex_item(
    call, resolved, open_survey, applicant, complete_answers, secretary, admin
):
    from tests.review.helpers import accepted_candidate

    notices.notice_publish(complex_notice(call, admin), actor=admin)
    entry = DesignatedComplex.objects.first()
    technology = accepted_candidate(open_survey, applicant, complete_answers, admin)
    notice = designated_notice(open_survey, [technology], secretary=secretary, admin=admin)

    with pytest.raises(DomainError) as error:
        complex_notices.complex_item_amend(
            notice, entry=entry, action=ComplexAction.CHANGE_AREA, area_m2="10", actor=admin
        )
    assert error.value.code == "kind"
    with translation.override("ko"):
        assert str(error.value.message) == ko("A notice of designated technologies cannot list a specialised complex.")
    with pytest.raises(DomainError):
        complex_notices.complex_items_draft(notice, [resolved[0]], in_force={})
    assert not ComplexNoticeItem.objects.filter(notice=notice).exists()


def test_technology_amendment_screens_do_not_exist_for_a_complex_notice(client, call, resolved, admin):
    notice = complex_notice(call, admin)
    log_in(client, admin)
    for name in ("review:notice_amend", "review:notice_revoke"):
        assert client.get(reverse(name, kwargs={"pk": notice.pk})).status_code == 404


def test_the_complex_change_screen_adds_an_item(client, call, resolved, admin):
    notices.notice_publish(complex_notice(call, admin), actor=admin)
    entry = DesignatedComplex.objects.first()
    draft = complex_notice(call, admin, number="산업통상자원부 고시 제2026-57호")
    log_in(client, admin)
    url = reverse("review:complex_notice_amend", kwargs={"pk": draft.pk})
    refused = client.post(url, {"entry": entry.pk, "action": "change_area", "area_m2": ""})
    assert refused.status_code == 400 and ko("Give the new area.") in refused.content.decode()
    response = client.post(url, {"entry": entry.pk, "action": "change_area", "area_m2": "2000000", "reason": "확장"})
    assert response.status_code == 302
    item = draft.complex_items.get()
    assert (item.action, item.entry, item.area_m2, item.note) == ("change_area", entry, Decimal("2000000"), "확장")


# -- the PDF ---------------------------------------------------------------------------------------------------------


def test_the_complex_notice_pdf_shows_name_area_and_anchor_companies(call, resolved, admin):
    notice = notices.notice_publish(complex_notice(call, admin), actor=admin)
    assert notices.notice_pdf_render(notice.pk) == "rendered"
    notice.refresh_from_db()
    with default_storage.open(notice.pdf.name, "rb") as handle:
        text = pdf_text(handle.read())
    assert notice.number.replace(" ", "") in text
    assert CHEONGJU.replace(" ", "") in text and ULSAN.replace(" ", "") in text
    assert "1,234,567m²" in text and "2,500,000.5m²" in text
    assert "에코배터리주식회사" in text and "한빛셀주식회사" in text and "15,700.5" in text  # investment total
    assert CONDITIONS.replace(" ", "") in text
    assert notices.notice_pdf_render(notice.pk) == "exists"


def test_register_entries_of_the_other_kind_are_left_alone(call, resolved, open_survey, admin):
    register_entries(open_survey, admin, 2)
    notices.notice_publish(complex_notice(call, admin), actor=admin)
    assert RegisterEntry.objects.count() == 2 and DesignatedComplex.objects.count() == 2
    assert notices.designated_candidates(call) == []
    assert date(2026, 4, 1) == Notice.objects.get(number="산업통상자원부 고시 제2026-40호").effective_on


def test_designated_helper_builds_a_draft(call, province, secretary, admin):
    candidates, notice = designated(call, province, secretary, admin, CHEONGJU, conditions=CONDITIONS)
    assert [i.candidate for i in notice.complex_items.all()] == candidates
    assert notice.complex_items.get().conditions == CONDITIONS


def test_a_change_made_directly_since_drafting_stops_the_publication(call, resolved, admin):
    notices.notice_publish(complex_notice(call, admin), actor=admin)
    ulsan = DesignatedComplex.objects.get(name=ULSAN)
    draft = complex_notice(call, admin, number="산업통상자원부 고시 제2026-58호")
    complex_notices.complex_item_amend(draft, entry=ulsan, action=ComplexAction.CONDITIONS_MET, actor=admin)
    complex_notices.complex_entry_amend(ulsan, action=ComplexAction.CONDITIONS_MET, reason="협약 체결", actor=admin)
    with pytest.raises(DomainError) as error:
        notices.notice_publish(draft, actor=admin)
    assert error.value.code == "conditions"
    draft.refresh_from_db()
    assert not draft.is_published and ulsan.events.count() == 2


def test_a_failed_notice_pdf_says_so_and_the_admin_has_it_prepared_again(
    client, call, resolved, admin, django_capture_on_commit_callbacks
):
    """A PDF that failed every attempt is shown as failed, not as still being prepared, and can be queued again."""
    from portal.enums import ArtefactStatus

    notice = notices.notice_publish(complex_notice(call, admin), actor=admin)
    Notice.objects.filter(pk=notice.pk).update(pdf_status=ArtefactStatus.FAILED, pdf_attempts=3)
    log_in(client, admin)
    edit = reverse("review:notice_edit", kwargs={"pk": notice.pk})
    retry = reverse("review:notice_pdf_retry", kwargs={"pk": notice.pk})

    with translation.override("ko"):
        failed, preparing = str(ArtefactStatus.FAILED.label), translation.gettext("The PDF is being prepared.")
    page = client.get(edit).content.decode()
    assert failed in page and retry in page and preparing not in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry, follow=True)
    assert response.status_code == 200
    notice.refresh_from_db()
    assert notice.pdf and notice.pdf_status == ArtefactStatus.READY and notice.pdf_attempts == 1
    assert AuditEvent.objects.filter(action="review.notice.pdf_requeued", object_id=str(notice.pk)).count() == 1
    assert retry not in response.content.decode()

    with pytest.raises(DomainError):  # a ready PDF is not prepared again
        notices.notice_pdf_retry(notice, actor=admin)
    assert client.post(retry).status_code == 302
    assert AuditEvent.objects.filter(action="review.notice.pdf_requeued").count() == 1


def test_artefacts_retry_prepares_the_failed_notice_pdfs_again(call, resolved, admin):
    from django.core.management import call_command

    from portal.enums import ArtefactStatus

    notice = notices.notice_publish(complex_notice(call, admin), actor=admin)
    Notice.objects.filter(pk=notice.pk).update(pdf="", pdf_status=ArtefactStatus.FAILED, pdf_attempts=3)

    call_command("artefacts_retry", stdout=io.StringIO())

    notice.refresh_from_db()
    assert (notice.pdf_status, notice.pdf_attempts) == (ArtefactStatus.PENDING, 0)
    event = AuditEvent.objects.get(action="review.notice.pdf_requeued", object_id=str(notice.pk))
    assert event.actor is None
