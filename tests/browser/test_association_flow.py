"""A company submits through its association, the association returns it, the company fixes it,
the association endorses and forwards it, and the ministry accepts it."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from portal.models.identity import AssociationMembership
from surveys.models import Application, ApplicationEvent, Candidate, ForwardBatch
from tests.applications.conftest import COMPLETE_ANSWERS, admin, applicant, open_survey  # noqa: F401 (fixtures)
from tests.browser.forms import fill_section
from tests.factories import PASSWORD, OrganizationFactory, make_user

pytestmark = pytest.mark.django_db(transaction=True)

AMENDED_NAME = "협동로봇용 초정밀 감속기"
RETURN_COMMENT = "국내 기술수준 근거 자료를 보완해 주십시오."
OPINION = "협회 회원사 의견을 종합한 결과 지정 필요성이 높습니다."
COVER_LETTER = "로봇산업협회 수요조사 취합 결과를 송부합니다."


def _fill_every_section(page, survey):
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
    fill_section(page, "level", COMPLETE_ANSWERS["level"])
    next_button.click()
    page.wait_for_url("**/edit/economy/")
    fill_section(page, "economy", COMPLETE_ANSWERS["economy"])
    next_button.click()
    page.wait_for_url("**/edit/contact/")
    fill_section(page, "contact", COMPLETE_ANSWERS["contact"])
    next_button.click()
    page.wait_for_url("**/edit/extra/")
    question = survey.questions.get()
    page.locator(f'[name="extra-{question.field_name}"]').fill("35")
    next_button.click()
    page.wait_for_url("**/attachments/")


def _submit_from_review(page, live_server, application_pk):
    page.goto(f"{live_server.url}/applications/{application_pk}/review/")
    expect(page.locator('[data-testid="missing-list"]')).to_have_count(0)
    page.locator('form[action$="/submit/"] button[type=submit]').click()
    page.wait_for_url(f"**/applications/{application_pk}/")


def _log_out(page):
    page.get_by_role("button", name="로그아웃").click()
    expect(page.locator("header").get_by_role("link", name="로그인")).to_be_visible()


def _decision_form(page, decision):
    return page.locator(f'main form:has(input[name="decision"][value="{decision}"])')


def _provenance_steps(page):
    return page.get_by_test_id("provenance").locator("li")


def test_company_submits_through_its_association_which_returns_endorses_and_forwards_to_the_ministry(
    page, live_server, log_in, open_survey, applicant, admin
):
    survey = open_survey
    assert survey.association_channel == "optional"
    company = applicant.memberships.get().organization
    association = OrganizationFactory(type="association", name="한국로봇산업협회")
    AssociationMembership.objects.create(member=company, association=association)
    staff = make_user("association_staff", organization=association)
    errors = []  # script errors and failed loads on any page, the browser's own favicon probe aside
    page.on(
        "console",
        lambda message: (
            errors.append(f"{message.text} {message.location['url']}")
            if message.type == "error" and not message.location["url"].endswith("/favicon.ico")
            else None
        ),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))

    # 1. The company applies through its association.
    log_in(applicant, PASSWORD)
    page.goto(f"{live_server.url}/calls/{survey.pk}/")
    apply_form = page.locator('form[action$="/apply/"]')
    apply_form.locator('select[name="association"]').select_option(str(association.pk))
    apply_form.locator("button[type=submit]").click()
    page.wait_for_url("**/edit/basic/")
    application = Application.objects.get(survey=survey, organization=company)
    assert application.association_id == association.pk
    assert application.channel == "association"

    _fill_every_section(page, survey)
    _submit_from_review(page, live_server, application.pk)
    expect(page.get_by_test_id("application-status")).to_be_visible()
    expect(page.get_by_test_id("receipt-number")).to_contain_text("-ROB-0001")
    application.refresh_from_db()
    assert application.status == "association_review"
    assert application.version_count == 1
    _log_out(page)

    # 2. The association returns it with a comment and a correction date.
    log_in(staff, PASSWORD)
    page.goto(f"{live_server.url}/association/calls/{survey.pk}/?association={association.pk}")
    page.locator(f'a[href$="/association/applications/{application.pk}/"]').click()
    page.wait_for_url(f"**/association/applications/{application.pk}/")
    expect(page.get_by_test_id("application-status")).to_be_visible()
    tomorrow = timezone.localdate() + timedelta(days=1)
    return_form = _decision_form(page, "return")
    return_form.locator('[name="comment"]').fill(RETURN_COMMENT)
    return_form.locator('[name="correction_due"]').fill(tomorrow.isoformat())
    steps = _provenance_steps(page).count()
    return_form.locator("button[type=submit]").click()
    expect(_provenance_steps(page)).to_have_count(steps + 1)  # the page came back with the new step
    expect(_decision_form(page, "return")).to_have_count(0)
    application.refresh_from_db()
    assert application.status == "association_returned"
    assert application.correction_due == tomorrow
    _log_out(page)

    # 3. The company reads the comment, amends the technology name and submits again.
    log_in(applicant, PASSWORD)
    page.goto(f"{live_server.url}/applications/{application.pk}/")
    notice = page.get_by_test_id("return-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text(RETURN_COMMENT)
    expect(notice).to_contain_text(tomorrow.isoformat())
    page.locator(f'a[href$="/applications/{application.pk}/edit/basic/"]').first.click()
    page.wait_for_url("**/edit/basic/")
    expect(page.locator('[name="basic-technology_name"]')).to_have_value(COMPLETE_ANSWERS["basic"]["technology_name"])
    page.locator('[name="basic-technology_name"]').fill(AMENDED_NAME)
    page.locator('button[name="action"][value="next"]').click()
    page.wait_for_url("**/edit/specification/")
    _submit_from_review(page, live_server, application.pk)
    expect(page.get_by_test_id("application-status")).to_be_visible()
    expect(page.get_by_test_id("return-notice")).to_have_count(0)
    application.refresh_from_db()
    assert application.status == "association_review"
    assert application.version_count == 2
    assert application.title == AMENDED_NAME
    _log_out(page)

    # 4. The association endorses it, then forwards it from the dashboard with a cover letter.
    log_in(staff, PASSWORD)
    page.goto(f"{live_server.url}/association/applications/{application.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(AMENDED_NAME)
    endorse_form = _decision_form(page, "endorse")
    endorse_form.locator('[name="opinion"]').fill(OPINION)
    steps = _provenance_steps(page).count()
    endorse_form.locator("button[type=submit]").click()
    expect(_provenance_steps(page)).to_have_count(steps + 1)
    expect(_provenance_steps(page).last).to_contain_text(OPINION)
    application.refresh_from_db()
    assert application.status == "endorsed"

    page.goto(f"{live_server.url}/association/calls/{survey.pk}/?association={association.pk}")
    forward_form = page.locator('form[action$="/forward/"]')
    forward_form.locator(f'input[name="applications"][value="{application.pk}"]').check()
    forward_form.locator('[name="cover_letter"]').fill(COVER_LETTER)
    forward_form.locator("button[type=submit]").click()
    expect(page.locator(".messages .alert-success")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/association/calls/{survey.pk}/?association={association.pk}")
    expect(page.locator('form[action$="/forward/"] input[name="applications"]')).to_have_count(0)
    application.refresh_from_db()
    assert application.status == "submitted"
    batch = ForwardBatch.objects.get()
    assert batch.association_id == association.pk
    assert batch.cover_letter == COVER_LETTER
    assert list(batch.applications.all()) == [application]
    _log_out(page)

    # 5. The ministry accepts it into technical review.
    log_in(admin, PASSWORD)
    page.goto(f"{live_server.url}/manage/calls/{survey.pk}/intake/")
    page.locator(f'a[href$="/intake/{application.pk}/"]').click()
    page.wait_for_url(f"**/intake/{application.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(AMENDED_NAME)
    page.locator('main form:has(input[name="decision"][value="accept"]) button[type=submit]').click()
    page.wait_for_url(f"**/manage/calls/{survey.pk}/intake/")
    application.refresh_from_db()
    assert application.status == "accepted"
    candidate = Candidate.objects.get(survey=survey)
    assert application.candidate_id == candidate.pk
    row = page.locator("table tbody tr", has=page.locator(f'a[href$="/intake/{application.pk}/"]'))
    expect(row).to_contain_text(candidate.number)

    # Provenance, in order.
    kinds = list(
        ApplicationEvent.objects.filter(application=application).order_by("at", "pk").values_list("kind", flat=True)
    )
    expected = ["drafted", "submitted", "association_returned", "submitted", "endorsed", "forwarded", "accepted"]
    remaining = iter(kinds)
    assert all(kind in remaining for kind in expected), kinds
    assert not errors, errors
