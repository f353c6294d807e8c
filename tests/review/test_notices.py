"""The ministerial notice: drafting, editing, publishing into the register, amendments, revocations, the PDF."""

import hashlib
from datetime import date

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.exceptions import DomainError
from portal.models import AuditEvent
from review.enums import Decision, EntryStatus, NoticeAction, NoticeStatus
from review.models import Notice, NoticeItem, RegisterEntry, RegisterEvent, Resolution, Result
from review.services import national, notices
from surveys.enums import SurveyStage
from surveys.models import Application
from tests.applications.conftest import COMPLETE_ANSWERS
from tests.review.helpers import accepted_candidate, log_in, pdf_text
from tests.review.national_world import SECRET_SPEC, confirm, resolve_and_close, set_stage

pytestmark = pytest.mark.django_db

SECOND = "자율주행 로봇 측위 기술"
THIRD = "로봇 손 촉각 센서"
YEAR = timezone.localdate().year


@pytest.fixture
def three(open_survey, applicant, complete_answers, admin):
    return [
        accepted_candidate(open_survey, applicant, complete_answers, admin),
        accepted_candidate(open_survey, applicant, complete_answers, admin, title=SECOND),
        accepted_candidate(open_survey, applicant, complete_answers, admin, title=THIRD),
    ]


@pytest.fixture
def resolved(open_survey, three, secretary):
    """Designate, reject, defer — at a closed meeting."""
    set_stage(open_survey)
    confirm(open_survey, three, secretary)
    resolve_and_close(
        open_survey, {three[0]: Decision.DESIGNATE, three[1]: Decision.DESIGNATE, three[2]: Decision.REJECT}, secretary
    )
    return three


def _draft(client, survey, **overrides):
    data = {
        "number": "산업통상자원부 고시 제2026-17호",
        "title": "국가첨단전략기술 지정 고시",
        "preamble": "다음과 같이 고시합니다.",
        "effective_on": "2026-04-01",
        **overrides,
    }
    return client.post(reverse("review:notices", kwargs={"pk": survey.pk}), data)


# -- drafting --------------------------------------------------------------------------------------------------------


def test_drafting_prefills_the_designated_technologies_from_the_applications(client, open_survey, resolved, admin):
    log_in(client, admin)
    response = _draft(client, open_survey)
    notice = Notice.objects.get()
    assert response.status_code == 302 and response.url == reverse("review:notice_edit", kwargs={"pk": notice.pk})
    assert (notice.status, notice.created_by, notice.effective_on) == (NoticeStatus.DRAFT, admin, date(2026, 4, 1))
    items = list(notice.items.all())
    assert [(i.candidate, i.action) for i in items] == [(resolved[0], "designate"), (resolved[1], "designate")]
    first = items[0]
    assert first.title == COMPLETE_ANSWERS["basic"]["technology_name"] and first.field_code == "ROB"
    assert first.scope == COMPLETE_ANSWERS["basic"]["summary"]
    assert first.specification == COMPLETE_ANSWERS["specification"]["specification"]
    assert items[1].title == SECOND
    assert AuditEvent.objects.filter(action="review.notice.drafted", object_id=str(notice.pk)).exists()
    html = client.get(response.url).content.decode()
    assert html.count("data-item=") == 2 and THIRD not in html


def test_only_resolutions_of_closed_meetings_are_drafted(open_survey, three, secretary, admin):
    set_stage(open_survey)
    confirm(open_survey, three, secretary)
    meeting = national.meeting_create(open_survey, title="진행 중 회의", held_on=date(2026, 3, 20), actor=secretary)
    national.resolution_record(meeting, three[0], decision="designate", reason="지정", actor=secretary)
    assert notices.designated_candidates(open_survey) == []
    national.meeting_close(meeting, actor=secretary)
    assert notices.designated_candidates(open_survey) == [three[0]]


def test_a_duplicate_number_is_a_clear_form_error(client, open_survey, resolved, admin):
    log_in(client, admin)
    _draft(client, open_survey)
    response = _draft(client, open_survey, title="두 번째 초안 제목")
    assert response.status_code == 400 and Notice.objects.count() == 1
    html = response.content.decode()
    assert "두 번째 초안 제목" in html and 'id="id_number"' in html and "is-invalid" in html
    with pytest.raises(DomainError) as error:
        notices.notice_draft(
            open_survey, number="산업통상자원부 고시 제2026-17호", title="t", effective_on=date(2026, 4, 1), actor=admin
        )
    assert error.value.code == "number"


def test_a_notice_cannot_be_drafted_before_the_national_committee(client, open_survey, three, admin):
    set_stage(open_survey, SurveyStage.HEARING)
    log_in(client, admin)
    response = _draft(client, open_survey)
    assert response.status_code == 400 and not Notice.objects.exists()


def test_an_item_is_edited_and_marked_sensitive_while_draft(client, open_survey, resolved, admin):
    log_in(client, admin)
    _draft(client, open_survey)
    item = NoticeItem.objects.order_by("order").first()
    url = reverse("review:notice_item", kwargs={"pk": item.pk})
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "title": "협동로봇용 정밀 감속기",
            "scope": "감속기 설계·제조",
            "specification": SECRET_SPEC,
            "sensitive": ["specification"],
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.specification, item.sensitive) == (
        "협동로봇용 정밀 감속기",
        SECRET_SPEC,
        ["specification"],
    )
    response = client.post(url, {"title": "", "scope": "남는 범위", "sensitive": ["nonsense"]})
    assert response.status_code == 400 and "남는 범위" in response.content.decode()
    assert AuditEvent.objects.filter(action="review.notice.item_updated").count() == 1


# -- publishing ------------------------------------------------------------------------------------------------------


def test_publishing_fills_the_register_moves_the_call_and_renders_the_pdf(
    client, open_survey, resolved, admin, django_capture_on_commit_callbacks
):
    log_in(client, admin)
    _draft(client, open_survey)
    notice = Notice.objects.get()
    NoticeItem.objects.filter(notice=notice, candidate=resolved[1]).update(
        sensitive=["specification"], specification=SECRET_SPEC
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("review:notice_publish", kwargs={"pk": notice.pk}))
    assert response.status_code == 302
    notice.refresh_from_db()
    open_survey.refresh_from_db()
    assert (notice.status, notice.published_by) == (NoticeStatus.PUBLISHED, admin) and notice.published_at
    assert open_survey.stage == SurveyStage.NOTICE
    entries = list(RegisterEntry.objects.order_by("number"))
    assert [e.number for e in entries] == [f"{YEAR}-ROB-01", f"{YEAR}-ROB-02"]
    assert [e.candidate for e in entries] == resolved[:2]
    assert entries[1].sensitive == ["specification"] and entries[1].specification == SECRET_SPEC
    assert all(e.notice == notice and e.status == EntryStatus.ACTIVE for e in entries)
    events = list(RegisterEvent.objects.order_by("pk"))
    assert [(e.entry, e.action, e.notice) for e in events] == [
        (entries[0], "designate", notice),
        (entries[1], "designate", notice),
    ]
    assert events[0].snapshot["title"] == COMPLETE_ANSWERS["basic"]["technology_name"]
    assert events[1].snapshot["sensitive"] == ["specification"] and events[1].snapshot["notice"] == notice.number
    assert set(NoticeItem.objects.filter(notice=notice).values_list("entry", flat=True)) == {e.pk for e in entries}
    assert AuditEvent.objects.filter(action="review.notice.published", object_id=str(notice.pk)).exists()
    assert AuditEvent.objects.filter(action="surveys.survey.stage_changed", object_id=str(open_survey.pk)).exists()
    # every applicant of the call is told a result
    assert Result.objects.filter(notice=notice).count() == Application.objects.filter(survey=open_survey).count() == 3
    # the PDF, rendered once, with its hash
    assert notice.pdf and notice.pdf_sha256 == hashlib.sha256(default_storage.open(notice.pdf.name).read()).hexdigest()
    assert notices.notice_pdf_render(notice.pk) == "exists"
    # signed by the ministry's certificate, and known to the verification page by its number
    from portal.services.documents import document_for
    from portal.services.signing import pdf_signatures_check

    assert [check.valid for check in pdf_signatures_check(default_storage.open(notice.pdf.name).read())] == [True]
    document = document_for(notice)
    assert (document.reference, document.sha256, document.is_signed) == (notice.number, notice.pdf_sha256, True)


def test_a_published_notice_cannot_be_edited_or_published_again(client, open_survey, resolved, admin, secretary):
    notice = notices.notice_draft(
        open_survey, number="산업통상자원부 고시 제2026-17호", title="고시", effective_on=date(2026, 4, 1), actor=admin
    )
    notices.notice_publish(notice, actor=admin)
    item = notice.items.first()
    log_in(client, admin)
    edit = reverse("review:notice_edit", kwargs={"pk": notice.pk})
    page = client.get(edit)
    assert page.status_code == 200 and 'data-testid="publish"' not in page.content.decode()
    assert (
        client.post(edit, {"number": "바꾼 번호", "title": "바꾼 제목", "effective_on": "2026-05-01"}).status_code
        == 404
    )
    assert client.get(reverse("review:notice_item", kwargs={"pk": item.pk})).status_code == 404
    assert client.post(reverse("review:notice_item_remove", kwargs={"pk": item.pk})).status_code == 404
    assert client.get(reverse("review:notice_amend", kwargs={"pk": notice.pk})).status_code == 404
    assert client.get(reverse("review:notice_revoke", kwargs={"pk": notice.pk})).status_code == 404
    again = client.post(reverse("review:notice_publish", kwargs={"pk": notice.pk}))
    assert again.status_code == 400 and RegisterEntry.objects.count() == 2
    with pytest.raises(DomainError):
        notices.notice_item_update(item, title="x", actor=admin)
    notice.refresh_from_db()
    assert notice.title == "고시"


def test_an_empty_notice_is_not_published(client, open_survey, resolved, admin):
    notice = notices.notice_draft(
        open_survey, number="산업통상자원부 고시 제2026-17호", title="고시", effective_on=date(2026, 4, 1), actor=admin
    )
    notice.items.all().delete()
    log_in(client, admin)
    response = client.post(reverse("review:notice_publish", kwargs={"pk": notice.pk}))
    assert response.status_code == 400
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.DRAFT and not RegisterEntry.objects.exists()


def test_a_designation_corrected_away_after_drafting_blocks_publication(open_survey, resolved, admin, secretary):
    notice = notices.notice_draft(
        open_survey, number="산업통상자원부 고시 제2026-17호", title="고시", effective_on=date(2026, 4, 1), actor=admin
    )
    original = Resolution.objects.get(candidate=resolved[1])
    national.resolution_correct(original, decision="reject", reason="정정: 미지정", actor=secretary)
    with pytest.raises(DomainError) as error:
        notices.notice_publish(notice, actor=admin)
    assert error.value.code == "resolution"
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.DRAFT and not RegisterEntry.objects.exists()
    open_survey.refresh_from_db()
    assert open_survey.stage == SurveyStage.NATIONAL_COMMITTEE


# -- amendments and revocations --------------------------------------------------------------------------------------


def test_a_later_notice_amends_one_entry_and_revokes_another(client, open_survey, resolved, admin):
    first = notices.notice_draft(
        open_survey,
        number="산업통상자원부 고시 제2026-17호",
        title="지정 고시",
        effective_on=date(2026, 4, 1),
        actor=admin,
    )
    notices.notice_publish(first, actor=admin)
    amended, revoked = RegisterEntry.objects.order_by("number")
    log_in(client, admin)
    _draft(client, open_survey, number="산업통상자원부 고시 제2026-31호", title="변경 고시")
    second = Notice.objects.get(number="산업통상자원부 고시 제2026-31호")
    assert not second.items.exists()  # nothing newly designated

    amend_url = reverse("review:notice_amend", kwargs={"pk": second.pk})
    prefilled = client.get(amend_url, {"entry": amended.pk}).content.decode()
    assert amended.scope in prefilled
    response = client.post(
        amend_url,
        {
            "entry": amended.pk,
            "title": "협동로봇용 초정밀 감속기",
            "scope": "범위 변경",
            "specification": SECRET_SPEC,
            "sensitive": ["specification"],
        },
    )
    assert response.status_code == 302
    response = client.post(reverse("review:notice_revoke", kwargs={"pk": second.pk}), {"entry": revoked.pk})
    assert response.status_code == 302
    # an entry already in the notice is not offered again
    assert (
        client.post(reverse("review:notice_revoke", kwargs={"pk": second.pk}), {"entry": revoked.pk}).status_code == 400
    )
    assert [i.action for i in second.items.all()] == [NoticeAction.AMEND, NoticeAction.REVOKE]

    assert client.post(reverse("review:notice_publish", kwargs={"pk": second.pk})).status_code == 302
    amended.refresh_from_db()
    revoked.refresh_from_db()
    assert (amended.title, amended.scope, amended.sensitive, amended.notice) == (
        "협동로봇용 초정밀 감속기",
        "범위 변경",
        ["specification"],
        second,
    )
    assert amended.status == EntryStatus.ACTIVE and amended.number == f"{YEAR}-ROB-01"
    assert (revoked.status, revoked.notice) == (EntryStatus.REVOKED, second)
    assert [(e.action, e.notice) for e in amended.events.all()] == [("designate", first), ("amend", second)]
    assert [(e.action, e.notice) for e in revoked.events.all()] == [("designate", first), ("revoke", second)]
    history = amended.events.all()
    assert history[0].snapshot["title"] == COMPLETE_ANSWERS["basic"]["technology_name"]
    assert history[1].snapshot["title"] == "협동로봇용 초정밀 감속기"
    assert revoked.events.last().snapshot["status"] == EntryStatus.REVOKED

    # a revoked entry can be neither amended nor revoked again
    third = notices.notice_draft(
        open_survey, number="산업통상자원부 고시 제2026-40호", title="t", effective_on=date(2026, 6, 1), actor=admin
    )
    with pytest.raises(DomainError):
        notices.notice_item_revoke(third, entry=revoked, actor=admin)


# -- the PDF ---------------------------------------------------------------------------------------------------------


def test_the_notice_pdf_shows_the_technologies_and_redacts_the_sensitive_parts(open_survey, resolved, admin, secretary):
    notice = notices.notice_draft(
        open_survey,
        number="산업통상자원부 고시 제2026-17호",
        title="국가첨단전략기술 지정 고시",
        effective_on=date(2026, 4, 1),
        actor=admin,
    )
    item = notice.items.get(candidate=resolved[1])
    notices.notice_item_update(
        item, title=SECOND, scope="측위 모듈 전반", specification=SECRET_SPEC, sensitive=["specification"], actor=admin
    )
    notices.notice_publish(notice, actor=admin)
    assert notices.notice_pdf_render(notice.pk) == "rendered"
    notice.refresh_from_db()
    data = default_storage.open(notice.pdf.name).read()
    assert notice.pdf_sha256 == hashlib.sha256(data).hexdigest()
    text = pdf_text(data)
    for expected in (
        "산업통상자원부고시제2026-17호",
        "산업통상자원부",
        SECOND.replace(" ", ""),
        COMPLETE_ANSWERS["basic"]["technology_name"].replace(" ", ""),
        "측위모듈전반",
    ):
        assert expected in text
    assert SECRET_SPEC.replace(" ", "") not in text
    assert COMPLETE_ANSWERS["specification"]["specification"].replace(" ", "") in text  # the other item's is public
    assert notices.notice_pdf_render(notice.pk) == "exists"
    notice.refresh_from_db()
    assert notice.pdf_sha256 == hashlib.sha256(data).hexdigest()


def test_a_draft_gets_no_pdf(open_survey, resolved, admin, secretary):
    notice = notices.notice_draft(
        open_survey, number="산업통상자원부 고시 제2026-17호", title="고시", effective_on=date(2026, 4, 1), actor=admin
    )
    assert notices.notice_pdf_render(notice.pk) == "draft"
    notice.refresh_from_db()
    assert not notice.pdf


# -- query counts ----------------------------------------------------------------------------------------------------


def _count(client, url, marker) -> tuple[int, int]:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode().count(marker)


def test_the_notice_pages_do_not_grow_with_items_or_notices(client, open_survey, admin):
    set_stage(open_survey)
    notice = notices.notice_draft(
        open_survey, number="산업통상자원부 고시 제2026-17호", title="고시", effective_on=date(2026, 4, 1), actor=admin
    )
    log_in(client, admin)
    edit = reverse("review:notice_edit", kwargs={"pk": notice.pk})
    listing = reverse("review:notices", kwargs={"pk": open_survey.pk})

    def grow(size):
        for index in range(notice.items.count(), size):
            entry = RegisterEntry.objects.create(
                number=f"2025-ROB-{index + 1:02d}", title=f"기존 기술 {index}", field_code="ROB", notice=notice
            )
            notices.notice_item_amend(notice, entry=entry, title=f"변경 기술 {index}", scope="범위", actor=admin)
            Notice.objects.create(
                survey=open_survey,
                number=f"산업통상자원부 고시 제2025-{index + 1}호",
                title="지난 고시",
                effective_on=date(2025, 4, 1),
                created_by=admin,
            )
        return _count(client, edit, "data-item="), _count(client, listing, "data-notice=")

    (edit_small, items), (list_small, listed) = grow(2)
    assert (items, listed) == (2, 3)
    (edit_large, items), (list_large, listed) = grow(10)
    assert (items, listed) == (10, 11)
    assert (edit_small, list_small) == (edit_large, list_large)
