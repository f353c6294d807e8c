import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db(transaction=True)

KOREAN_TITLES = {
    "applicant": "신청자",
    "association_staff": "협회 담당자",
    "ministry_liaison": "부처 담당자",
    "reviewer": "평가위원",
    "secretary": "위원회 간사",
    "admin": "산업부 관리자",
}


def test_each_role_logs_in_and_sees_its_korean_dashboard(page, live_server, log_in):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    for role, title in KOREAN_TITLES.items():
        user = make_user(role)
        log_in(user, PASSWORD)
        expect(page).to_have_url(f"{live_server.url}/dashboard/{role}/")
        heading = page.get_by_test_id("dashboard-title")
        expect(heading).to_contain_text(title)
        expect(page.locator("html")).to_have_attribute("lang", "ko")
        page.get_by_role("button", name="로그아웃").click()
        expect(page.locator("header").get_by_role("link", name="로그인")).to_be_visible()
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_korean_home_page_switches_to_english(page, live_server):
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("국가첨단전략기술 지정 수요조사")
    page.select_option("#language-select", "en")
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "National advanced strategic technology designation demand survey"
    )
