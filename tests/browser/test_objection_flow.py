"""An upheld objection, in Chromium: the admin upholds it and asks an independent expert to re-review; the expert
signs the pledge and scores the candidate blind; the admin refers the findings to the national committee and
records its re-deliberation; the applicant reads where their objection ended."""

import re

import pytest
from playwright.sync_api import expect

from review.enums import ObjectionFollowUp
from review.models import Objection, ReReview
from review.selectors import effective_resolutions
from review.services.pool import panel_for
from surveys.models import Field
from tests.applications.conftest import admin, applicant, open_survey  # noqa: F401 (fixtures)
from tests.factories import PASSWORD
from tests.review.helpers import add_reviewer
from tests.review.results_helpers import published_result

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def robot_field(transactional_db):
    """A transactional test may follow another that emptied the migrated fields."""
    return Field.objects.get_or_create(code="ROB", defaults={"name": "로봇", "name_en": "Robots"})[0]


def test_an_upheld_objection_is_re_reviewed_and_re_deliberated(
    page, live_server, log_in, robot_field, open_survey, applicant, admin
):
    result = published_result(open_survey, applicant, admin)
    objection = Objection.objects.create(
        result=result, ground="fact", body="수출 실적이 평가에 반영되지 않았습니다.", submitted_by=applicant
    )
    expert = add_reviewer(panel_for(open_survey, "ROB"), name="재검토위원")
    manage = f"{live_server.url}/manage/objections/{objection.pk}/"

    # the admin upholds the objection and asks the expert to re-review
    log_in(admin, PASSWORD)
    page.goto(manage)
    page.locator('input[name="outcome"][value="upheld"]').check()
    page.fill("#id_reason", "수출 실적 재확인이 필요함")
    page.locator('form:has(input[value="decide"]) button[type=submit]').click()
    expect(page.get_by_test_id("follow-up-state")).to_have_text("재검토 진행 중")
    page.locator(f'input[name="reviewers"][value="{expert.pk}"]').check()
    page.fill("#id_due_on", "2026-12-20")
    page.locator('form:has(input[value="re_review"]) button[type=submit]').click()
    expect(page.locator("[data-re-review]")).to_contain_text("재검토위원")

    # the expert signs the pledge, then scores every criterion and submits
    page.context.clear_cookies()
    log_in(expert, PASSWORD)
    page.goto(f"{live_server.url}/dashboard/reviewer/")
    page.locator("tr[data-re-review] a").click()
    page.get_by_test_id("re-review-pledge").locator("a").click()
    page.fill("#id_signed_name", expert.name)
    page.check("#id_agree")
    page.locator("main form button[type=submit]").click()
    page.goto(f"{live_server.url}/dashboard/reviewer/")
    page.locator("tr[data-re-review] a").click()
    for criterion in open_survey.criteria.order_by("number"):
        page.select_option(f"#id_score_{criterion.number}", "4")
        page.fill(f"#id_justification_{criterion.number}", f"기준 {criterion.number}: 수출 실적 반영 시 충족")
    page.locator('button[name="action"][value="submit"]').click()
    expect(page.get_by_test_id("re-review-state")).to_have_text("제출")
    assert ReReview.objects.get(objection=objection).submitted_at is not None

    # the admin refers the findings, then records the national committee's re-deliberation in a new meeting
    page.context.clear_cookies()
    log_in(admin, PASSWORD)
    page.goto(manage)
    expect(page.get_by_test_id("re-review-summary")).to_be_visible()
    page.fill("#id_note", "재검토 결과 수출 실적 누락 확인")
    page.locator('form:has(input[value="follow_up"]) button[type=submit]').click()
    expect(page.get_by_test_id("follow-up-state")).to_have_text("국가첨단전략산업위원회 재심의 회부")
    page.fill("#id_new_title", "제3차 국가첨단전략산업위원회")
    page.fill("#id_new_held_on", "2026-12-28")
    page.locator('input[name="decision"][value="designate"]').check()
    page.fill("#id_votes_for", "12")
    page.fill("#id_reason", "재검토 결과 기술 수준 충족")
    page.locator('form:has(input[value="redeliberate"]) button[type=submit]').click()
    expect(page.get_by_test_id("follow-up-state")).to_have_text("국가첨단전략산업위원회 재심의 완료")
    resolution = effective_resolutions(open_survey)[result.application.candidate_id]
    assert resolution.decision == "designate" and resolution.meeting.title == "제3차 국가첨단전략산업위원회"
    assert Objection.objects.get(pk=objection.pk).follow_up == ObjectionFollowUp.CONCLUDED

    # the applicant reads the committee's decision on their objection
    page.context.clear_cookies()
    log_in(applicant, PASSWORD)
    page.goto(f"{live_server.url}/applications/{result.application_id}/objection/")
    expect(page.get_by_test_id("follow-up-decision")).to_have_text("지정")
    expect(page.get_by_test_id("follow-up-meeting")).to_contain_text("제3차 국가첨단전략산업위원회")
    expect(page).to_have_url(re.compile(r"/objection/$"))
