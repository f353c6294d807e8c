import pytest
from playwright.sync_api import expect

from review.enums import AssignmentStatus
from review.models import Assignment, Review
from review.services.pool import panel_for
from tests.applications.conftest import admin, applicant, complete_answers, open_survey  # noqa: F401 (fixtures)
from tests.factories import PASSWORD
from tests.review.helpers import accepted_candidate, add_reviewer, assign, justifications, submit_review

pytestmark = pytest.mark.django_db(transaction=True)

OTHER_JUSTIFICATION = "타 위원 근거"
OTHER_COMMENT = "양산성 검증이 더 필요합니다"


def test_a_reviewer_pledges_declares_scores_submits_and_then_sees_the_other_review(
    page, live_server, log_in, open_survey, applicant, complete_answers, admin
):
    candidate = accepted_candidate(open_survey, applicant, complete_answers, admin)
    panel = panel_for(open_survey, "ROB")
    reviewer = add_reviewer(panel, name="이도현")
    other = add_reviewer(panel, name="최민준")
    mine = assign(candidate, reviewer, admin)
    submit_review(
        assign(candidate, other, admin),
        texts=justifications(open_survey, OTHER_JUSTIFICATION),
        recommendation="conditional",
        comment=OTHER_COMMENT,
    )
    criteria = list(open_survey.criteria.order_by("number").values_list("number", flat=True))

    log_in(reviewer, PASSWORD)
    page.goto(f"{live_server.url}/dashboard/reviewer/")
    row = page.locator(f'tr[data-assignment="{mine.pk}"]')
    expect(row).to_contain_text(candidate.number)
    row.locator(f'a[href$="/review/assignments/{mine.pk}/"]').click()
    page.wait_for_url(f"**/review/assignments/{mine.pk}/")
    expect(page.get_by_test_id("candidate-number")).to_have_text(candidate.number)
    expect(page.locator("main")).not_to_contain_text(complete_answers["specification"]["specification"])

    # the confidentiality pledge: the registered name, typed, and the box ticked
    page.locator(f'main a[href$="/review/calls/{open_survey.pk}/pledge/"]').click()
    page.wait_for_url("**/pledge/")
    expect(page.get_by_test_id("pledge-text")).to_be_visible()
    page.fill("#id_signed_name", reviewer.name)
    page.check("#id_agree")
    page.locator("form:has(#id_signed_name) button[type=submit]").click()
    page.wait_for_url("**/dashboard/reviewer/")

    # no conflict of interest with this candidate
    page.locator(f'tr[data-assignment="{mine.pk}"] a[href$="/review/assignments/{mine.pk}/"]').click()
    page.wait_for_url(f"**/review/assignments/{mine.pk}/")
    page.check('input[name="choice"][value="none"]')
    page.locator('form:has(input[name="choice"]) button[type=submit]').click()
    page.wait_for_url(f"**/review/assignments/{mine.pk}/")
    expect(page.locator("main")).to_contain_text(complete_answers["specification"]["specification"])
    expect(page.get_by_test_id("other-review")).to_have_count(0)

    # every criterion scored and justified, a recommendation, submit
    for number in criteria:
        page.select_option(f'select[name="score_{number}"]', str(1 + number % 5))
        page.fill(f'textarea[name="justification_{number}"]', f"기준 {number}: 근거 있는 평가")
    page.select_option('select[name="recommendation"]', "recommend")
    page.fill('textarea[name="comment"]', "지정 필요성이 높습니다.")
    page.locator('button[name="action"][value="submit"]').click()
    page.wait_for_url(f"**/review/assignments/{mine.pk}/")

    expect(page.locator('button[name="action"]')).to_have_count(0)
    others = page.get_by_test_id("other-review")
    expect(others).to_have_count(1)
    expect(others).to_contain_text(f"{OTHER_JUSTIFICATION} 1")
    expect(others).to_contain_text(OTHER_COMMENT)
    expect(others).not_to_contain_text(other.name)

    mine.refresh_from_db()
    assert mine.status == AssignmentStatus.SUBMITTED
    review = Review.objects.get(assignment=mine)
    assert review.scores == {str(n): str(1 + n % 5) for n in criteria}
    assert review.recommendation == "recommend" and review.submitted_at is not None
    assert Assignment.objects.filter(candidate=candidate, status=AssignmentStatus.SUBMITTED).count() == 2
