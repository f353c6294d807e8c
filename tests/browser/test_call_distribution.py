"""An admin creates a call, adds a question, publishes it, invites companies; the call is listed in Korean."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from portal.enums import OrganizationType
from surveys.enums import SurveyStage
from surveys.models import Field, Survey
from tests.factories import PASSWORD, OrganizationFactory, make_user

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "로봇 분야 국가첨단전략기술 지정 수요조사"


def test_admin_creates_publishes_and_distributes_a_call(page, live_server, log_in):
    # A transactional test may follow another that emptied the migrated fields.
    robot, _ = Field.objects.get_or_create(code="ROB", defaults={"name": "로봇", "name_en": "Robots"})
    company = OrganizationFactory(name="한빛로보틱스 주식회사", type=OrganizationType.COMPANY)
    make_user("applicant", organization=company, email="ceo@hanbit.example")
    admin = make_user("admin")
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    log_in(admin, PASSWORD)
    page.goto(f"{live_server.url}/manage/calls/new/")
    # A deadline a couple of hours away, in Korea time, so that the countdown ticks in seconds.
    deadline = timezone.localtime() + timedelta(hours=2, minutes=30)
    page.select_option("#id_kind", "technology")
    page.fill("#id_title", TITLE)
    page.fill("#id_code", "ROB")
    page.fill("#id_description", "로봇 분야 국가첨단전략기술 지정 수요를 조사합니다.")
    page.check(f"input[name=fields][value='{robot.pk}']")
    page.check("input[name=eligible_types][value=company]")
    page.check("input[name=eligible_types][value=research_institute]")
    page.fill("#id_opens_on", timezone.localdate().isoformat())
    page.fill("#id_opens_time", "00:00")  # opening at 09:00 would follow the deadline when run before 06:30 KST
    page.fill("#id_deadline_on", deadline.date().isoformat())
    page.fill("#id_deadline_time", deadline.strftime("%H:%M"))
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/manage/calls/\d+/$"))
    survey = Survey.objects.get(title=TITLE)
    assert survey.stage == SurveyStage.DRAFT and survey.criteria.count() == 8
    assert abs(survey.deadline - deadline.replace(second=0, microsecond=0)) < timedelta(seconds=1)

    page.locator(f"a[href='/manage/calls/{survey.pk}/questions/']").click()
    page.select_option("#id_questions-0-type", "short_text")
    page.fill("#id_questions-0-label", "주요 수요기업")
    page.check("#id_questions-0-required")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/manage/calls/{survey.pk}/")
    assert list(survey.questions.values_list("label", "required")) == [("주요 수요기업", True)]

    page.locator("button[name=to][value=distribution]").click()
    expect(page).to_have_url(f"{live_server.url}/manage/calls/{survey.pk}/")
    expect(page.locator("button[name=to][value=collection]")).to_be_visible()
    survey.refresh_from_db()
    assert survey.stage == SurveyStage.DISTRIBUTION and survey.published_at is not None

    page.locator(f"a[href='/manage/calls/{survey.pk}/recipients/']").click()
    selection = page.locator(f"form[action='/manage/calls/{survey.pk}/recipients/']")
    selection.locator("input[name=types][value=company]").check()
    selection.locator("button[type=submit]").click()
    row = page.locator("tr[data-recipient='ceo@hanbit.example']")
    expect(row).to_contain_text("한빛로보틱스 주식회사")

    page.locator(f"form[action='/manage/calls/{survey.pk}/invitations/'] button[type=submit]").click()
    expect(row.locator(".badge.text-bg-success")).to_be_visible()
    assert [m.to for m in mail.outbox] == [["ceo@hanbit.example"]]
    assert TITLE in mail.outbox[0].subject

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/calls/")
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    card = page.locator("article", has=page.get_by_role("link", name=TITLE))
    expect(card).to_be_visible()
    expect(card).to_contain_text("KST")
    countdown = card.locator("[data-deadline]")
    expect(countdown).to_have_count(1)
    expect(countdown).not_to_have_text("")
    first = countdown.inner_text()
    expect(countdown).not_to_have_text(first, timeout=5000)
    assert not [e for e in errors if "Content Security Policy" in e], errors
