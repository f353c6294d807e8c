import pytest
from playwright.sync_api import expect

from tests.applications.conftest import COMPLETE_ANSWERS, admin, applicant, open_survey  # noqa: F401 (fixtures)
from tests.browser.forms import fill_section
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_applicant_fills_step_by_step_returns_submits_and_downloads_the_pdf(
    page, live_server, log_in, open_survey, applicant, tmp_path
):
    log_in(applicant, PASSWORD)
    page.goto(f"{live_server.url}/calls/{open_survey.pk}/")
    page.locator('form[action$="/apply/"] button[type=submit]').click()
    page.wait_for_url("**/edit/basic/")

    next_button = page.locator('button[name="action"][value="next"]')
    fill_section(page, "basic", COMPLETE_ANSWERS["basic"])
    next_button.click()
    page.wait_for_url("**/edit/specification/")
    fill_section(page, "specification", COMPLETE_ANSWERS["specification"])
    next_button.click()
    page.wait_for_url("**/edit/criteria/")
    for number in range(1, 9):
        page.locator(f'[name="criteria-criterion_{number}"]').fill(f"기준 {number}에 대한 근거")
    next_button.click()
    page.wait_for_url("**/edit/level/")

    # leave, come back: the draft is there
    page.goto(f"{live_server.url}/applications/")
    page.get_by_role("link", name=COMPLETE_ANSWERS["basic"]["technology_name"]).click()
    page.locator('a[href$="/edit/basic/"]').first.click()
    expect(page.locator('[name="basic-technology_name"]')).to_have_value(COMPLETE_ANSWERS["basic"]["technology_name"])
    expect(page.locator('[name="criteria-criterion_1"]')).to_have_count(0)

    page.goto(page.url.replace("/edit/basic/", "/edit/level/"))
    fill_section(page, "level", COMPLETE_ANSWERS["level"])
    next_button.click()
    page.wait_for_url("**/edit/economy/")
    fill_section(page, "economy", COMPLETE_ANSWERS["economy"])
    next_button.click()
    page.wait_for_url("**/edit/contact/")
    fill_section(page, "contact", COMPLETE_ANSWERS["contact"])
    next_button.click()
    page.wait_for_url("**/edit/extra/")
    question = open_survey.questions.get()
    page.locator(f'[name="extra-{question.field_name}"]').fill("35")
    next_button.click()
    page.wait_for_url("**/attachments/")
    page.locator('a[href$="/review/"]').last.click()

    expect(page.locator('[data-testid="missing-list"]')).to_have_count(0)
    page.locator('form[action$="/submit/"] button[type=submit]').click()
    page.wait_for_url("**/applications/*/")
    expect(page.get_by_test_id("receipt-number")).to_contain_text("-ROB-0001")
    expect(page.get_by_test_id("application-status")).to_contain_text("제출")
    with page.expect_download() as download_info:
        page.get_by_test_id("pdf-link").click()
    download = download_info.value
    path = tmp_path / "receipt.pdf"
    download.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    assert download.suggested_filename.endswith("-v1.pdf")
