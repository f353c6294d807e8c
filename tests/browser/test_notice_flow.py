"""The secretary records the national committee's designation and closes the meeting; the admin drafts and
publishes the notice; the public register lists the technology."""

import re

import pytest
from playwright.sync_api import expect

from review.enums import Decision, NoticeStatus
from review.models import Notice, RegisterEntry, Resolution
from surveys.enums import SurveyStage
from surveys.models import Field
from tests.applications.conftest import admin, applicant, complete_answers, open_survey  # noqa: F401 (fixtures)
from tests.factories import PASSWORD, make_user
from tests.review.helpers import accepted_candidate
from tests.review.national_world import confirm, set_stage

pytestmark = pytest.mark.django_db(transaction=True)

NUMBER = "산업통상자원부 고시 제2026-17호"


@pytest.fixture
def robot_field(transactional_db):
    """A transactional test may follow another that emptied the migrated fields."""
    return Field.objects.get_or_create(code="ROB", defaults={"name": "로봇", "name_en": "Robots"})[0]


def test_designation_is_resolved_published_and_listed_in_the_register(
    page, live_server, log_in, robot_field, open_survey, applicant, complete_answers, admin
):
    candidate = accepted_candidate(open_survey, applicant, complete_answers, admin)
    secretary = make_user("secretary", name="서간사")
    set_stage(open_survey)
    confirm(open_survey, [candidate], secretary)
    technology = complete_answers["basic"]["technology_name"]
    page.on("dialog", lambda dialog: dialog.accept())

    # the secretary opens a meeting from the dashboard, records the designation and closes the meeting
    log_in(secretary, PASSWORD)
    page.goto(f"{live_server.url}/dashboard/secretary/")
    page.locator(f'a[data-national-survey="{open_survey.pk}"]').click()
    page.wait_for_url(f"**/manage/calls/{open_survey.pk}/national/")
    page.fill("#id_title", "제5차 국가첨단전략산업위원회")
    page.fill("#id_held_on", "2026-03-20")
    page.fill("#id_attendees", "위원장 외 20인")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/manage/national/meetings/\d+/$"))

    agenda = page.locator(f'section[data-candidate="{candidate.number}"]')
    expect(agenda).to_contain_text(candidate.title)
    prefix = f"c{candidate.pk}"
    agenda.locator(f'input[name="{prefix}-decision"][value="designate"]').check()
    agenda.locator(f"#id_{prefix}-votes_for").fill("18")
    agenda.locator(f"#id_{prefix}-votes_against").fill("1")
    agenda.locator(f"#id_{prefix}-reason").fill("공급망 안보 효과가 크고 기술 난이도가 높음")
    agenda.locator("form button[type=submit]").click()
    expect(page.locator(f'section[data-candidate="{candidate.number}"] [data-resolution]')).to_have_count(1)

    page.get_by_test_id("close-meeting").click()
    expect(page.get_by_test_id("meeting-status")).to_be_visible()
    expect(page.get_by_test_id("resolution-form")).to_have_count(0)
    resolution = Resolution.objects.get(candidate=candidate)
    assert resolution.decision == Decision.DESIGNATE and resolution.votes_for == 18
    assert resolution.meeting.closed_at is not None

    # the admin drafts the notice and publishes it
    page.context.clear_cookies()
    log_in(admin, PASSWORD)
    page.goto(f"{live_server.url}/manage/calls/{open_survey.pk}/notices/")
    page.fill("#id_number", NUMBER)
    page.fill("#id_title", "국가첨단전략기술 지정 고시")
    page.fill("#id_preamble", "국가첨단전략산업법 제11조에 따라 다음과 같이 고시합니다.")
    page.fill("#id_effective_on", "2026-04-01")
    page.locator("form:has(#id_number) button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/manage/notices/\d+/$"))
    expect(page.locator("tr[data-item]")).to_contain_text(technology)
    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("publish")).to_have_count(0)
    notice = Notice.objects.get(number=NUMBER)
    assert notice.status == NoticeStatus.PUBLISHED
    open_survey.refresh_from_db()
    assert open_survey.stage == SurveyStage.NOTICE

    # anyone reads the register
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/")
    page.locator('nav a[href="/register/"]').click()
    page.wait_for_url("**/register/")
    entry = RegisterEntry.objects.get(candidate=candidate)
    row = page.locator(f'tr[data-entry="{entry.number}"]')
    expect(row).to_contain_text(technology)
    expect(row).to_contain_text(NUMBER)
    row.locator(f'a[href="/notices/{notice.pk}/"]').click()
    expect(page.get_by_test_id("notice-number")).to_have_text(NUMBER)
