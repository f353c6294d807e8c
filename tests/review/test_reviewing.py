"""The reviewer's work: locked until pledge and declaration, the scale, draft and submit, others' reviews."""

from decimal import Decimal

import pytest
from django.urls import reverse

from portal.exceptions import DomainError
from review.enums import AssignmentStatus
from review.models import Assignment, Pledge, Review
from review.services import reviewing
from surveys.models import Field
from tests.applications.conftest import COMPLETE_ANSWERS
from tests.review.helpers import (
    accept,
    add_reviewer,
    assign,
    full_scores,
    justifications,
    log_in,
    submit_review,
)

pytestmark = pytest.mark.django_db

ANSWER_TEXTS = [
    COMPLETE_ANSWERS["basic"]["technology_name"],
    COMPLETE_ANSWERS["basic"]["summary"],
    COMPLETE_ANSWERS["specification"]["specification"],
    COMPLETE_ANSWERS["specification"]["mass_production"],
    COMPLETE_ANSWERS["economy"]["employment_effect"],
    COMPLETE_ANSWERS["economy"]["supply_chain_dependency"],
    COMPLETE_ANSWERS["level"]["world_leader"],
]
OTHER_TEXT = "평가위원 B의 근거: 양산 기술 검증 필요"


@pytest.fixture
def mine(candidate, admin, reviewers):
    return assign(candidate, reviewers[0], admin)


def _url(assignment):
    return reverse("review:assignment", kwargs={"pk": assignment.pk})


def _post(client, assignment, scores, texts, *, recommendation="", comment="", action="save"):
    data = {"action": action, "recommendation": recommendation, "comment": comment}
    for number, score in scores.items():
        data[f"score_{number}"] = score
    for number, text in texts.items():
        data[f"justification_{number}"] = text
    return client.post(_url(assignment), data)


# -- locked until pledge and declaration ---------------------------------------------------


def test_before_pledge_and_declaration_only_the_number_and_field_show(client, open_survey, candidate, mine, reviewers):
    reviewer = reviewers[0]
    field_name = Field.objects.get(code="ROB").display_name
    log_in(client, reviewer)

    response = client.get(_url(mine))  # nothing signed
    html = response.content.decode()
    assert response.status_code == 200
    assert candidate.number in html and field_name in html
    assert f'href="{reverse("review:pledge", kwargs={"pk": open_survey.pk})}"' in html
    for text in ANSWER_TEXTS:
        assert text not in html, text
    assert 'name="action"' not in html
    # the PDF and the attachments stay shut as well
    assert client.get(reverse("review:review_pdf", kwargs={"pk": mine.pk})).status_code == 404

    response = client.post(
        reverse("review:pledge", kwargs={"pk": open_survey.pk}), {"signed_name": "다른 이름", "agree": "on"}
    )
    assert response.status_code == 400
    assert not Pledge.objects.filter(reviewer=reviewer).exists()
    response = client.post(
        reverse("review:pledge", kwargs={"pk": open_survey.pk}), {"signed_name": reviewer.name}
    )  # the box is not ticked
    assert response.status_code == 400
    response = client.post(
        reverse("review:pledge", kwargs={"pk": open_survey.pk}), {"signed_name": f" {reviewer.name} ", "agree": "on"}
    )
    assert response.status_code == 302
    assert Pledge.objects.get(reviewer=reviewer, survey=open_survey).signed_name == reviewer.name

    response = client.get(_url(mine))  # pledged, not yet declared
    html = response.content.decode()
    assert 'name="choice"' in html
    for text in ANSWER_TEXTS:
        assert text not in html, text

    response = client.post(_url(mine), {"choice": "none"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == AssignmentStatus.ACCEPTED and mine.declared_at is not None

    response = client.get(_url(mine))  # now the redacted proposal
    html = response.content.decode()
    assert response.status_code == 200
    for text in ANSWER_TEXTS[1:]:
        assert text in html, text
    assert COMPLETE_ANSWERS["contact"]["contact_email"] not in html
    assert COMPLETE_ANSWERS["contact"]["contact_name"] not in html
    assert 'name="action" value="submit"' in html


def test_declaring_needs_the_pledge_first(candidate, mine, reviewers):
    with pytest.raises(DomainError) as caught:
        reviewing.declare(mine, reviewer=reviewers[0], has_conflict=False)
    assert caught.value.code == "pledge"
    with pytest.raises(DomainError):  # and only the assigned reviewer may declare
        reviewing.declare(mine, reviewer=reviewers[1], has_conflict=False)
    mine.refresh_from_db()
    assert mine.status == AssignmentStatus.ASSIGNED


# -- the scale ------------------------------------------------------------------------------


def _save(assignment, **scores):
    survey = assignment.candidate.survey
    return reviewing.review_save(
        assignment,
        reviewer=assignment.reviewer,
        scores=full_scores(survey, **scores),
        justifications=justifications(survey),
        recommendation="",
    )


@pytest.mark.parametrize("score", ["0", "6", "2.5", "4.25", "-1", "abc", "nan", "Infinity"])
def test_scores_off_the_scale_are_refused(open_survey, mine, score):
    accepted = accept(mine)
    with pytest.raises(DomainError):
        _save(accepted, c3=score)
    assert not Review.objects.filter(assignment=mine).exists()


def test_half_points_only_when_the_call_allows_them(client, open_survey, mine):
    accepted = accept(mine)
    log_in(client, mine.reviewer)
    html = client.get(_url(mine)).content.decode()
    assert 'value="4"' in html and 'value="4.5"' not in html

    open_survey.half_points = True
    open_survey.save(update_fields=["half_points"])
    html = client.get(_url(mine)).content.decode()
    assert 'value="4.5"' in html and 'value="5.5"' not in html
    review = _save(Assignment.objects.get(pk=accepted.pk), c3="2.5", c5="5")
    assert (review.scores["3"], review.scores["5"]) == ("2.5", "5")
    with pytest.raises(DomainError) as caught:
        _save(Assignment.objects.get(pk=accepted.pk), c3="2.25")
    assert caught.value.code == "scale"
    with pytest.raises(DomainError):
        _save(Assignment.objects.get(pk=accepted.pk), c3="5.5")


def test_a_wider_scale_is_enforced(open_survey, mine):
    open_survey.score_min, open_survey.score_max = 0, 10
    open_survey.save(update_fields=["score_min", "score_max"])
    accepted = accept(mine)
    assert _save(accepted, c1="0", c2="10").scores["2"] == "10"
    with pytest.raises(DomainError):
        _save(Assignment.objects.get(pk=accepted.pk), c1="11")


# -- draft, then submit -------------------------------------------------------------------------


def test_a_draft_is_saved_then_submitted(client, open_survey, mine):
    accept(mine)
    log_in(client, mine.reviewer)
    scores = full_scores(open_survey, "3")
    texts = justifications(open_survey, "초안 근거")
    partial = {k: v for k, v in texts.items() if k != "8"}

    response = _post(client, mine, scores, partial, action="save")
    assert response.status_code == 302
    review = Review.objects.get(assignment=mine)
    assert review.scores == scores and "8" not in review.justifications and review.submitted_at is None
    mine.refresh_from_db()
    assert mine.status == AssignmentStatus.ACCEPTED
    html = client.get(_url(mine)).content.decode()
    assert "초안 근거 1" in html  # the draft comes back on the form

    response = _post(client, mine, scores, partial, recommendation="recommend", action="submit")
    assert response.status_code == 400  # criterion 8 has no justification
    mine.refresh_from_db()
    assert mine.status == AssignmentStatus.ACCEPTED

    response = _post(client, mine, scores, texts, action="submit")
    assert response.status_code == 400  # no recommendation
    assert Review.objects.get(assignment=mine).submitted_at is None

    response = _post(client, mine, scores, texts, recommendation="conditional", comment="총평", action="submit")
    assert response.status_code == 302
    mine.refresh_from_db()
    review.refresh_from_db()
    assert mine.status == AssignmentStatus.SUBMITTED
    assert review.submitted_at is not None
    assert (review.recommendation, review.comment, review.justifications["8"]) == ("conditional", "총평", "초안 근거 8")


def test_submitting_needs_every_score_every_justification_and_a_recommendation(open_survey, mine):
    accepted = accept(mine)
    survey = open_survey
    cases = [
        ({k: v for k, v in full_scores(survey).items() if k != "2"}, justifications(survey), "recommend"),
        (full_scores(survey), {**justifications(survey), "5": "   "}, "recommend"),
        (full_scores(survey), justifications(survey), ""),
    ]
    for scores, texts, recommendation in cases:
        with pytest.raises(DomainError) as caught:
            reviewing.review_save(
                accepted,
                reviewer=mine.reviewer,
                scores=scores,
                justifications=texts,
                recommendation=recommendation,
                submit=True,
            )
        assert caught.value.code == "incomplete"
    with pytest.raises(DomainError):
        reviewing.review_save(
            accepted,
            reviewer=mine.reviewer,
            scores=full_scores(survey),
            justifications=justifications(survey),
            recommendation="maybe",
            submit=True,
        )
    mine.refresh_from_db()
    assert mine.status == AssignmentStatus.ACCEPTED
    assert not Review.objects.filter(assignment=mine, submitted_at__isnull=False).exists()


def test_scoring_needs_the_declaration(open_survey, mine):
    with pytest.raises(DomainError) as caught:
        reviewing.review_save(
            mine,
            reviewer=mine.reviewer,
            scores=full_scores(open_survey),
            justifications=justifications(open_survey),
            recommendation="recommend",
        )
    assert caught.value.code == "state"


# -- others' reviews ----------------------------------------------------------------------------


def test_others_reviews_are_hidden_until_one_submits_and_then_shown(
    client,
    open_survey,
    candidate,
    admin,
    mine,
    reviewers,
    panel,
):
    other = assign(candidate, reviewers[1], admin)
    submit_review(
        other, texts=justifications(open_survey, OTHER_TEXT), recommendation="not_recommend", comment="B의 총평"
    )
    drafting = accept(assign(candidate, reviewers[2], admin))
    reviewing.review_save(
        drafting,
        reviewer=reviewers[2],
        scores=full_scores(open_survey, "1"),
        justifications=justifications(open_survey, "C의 초안"),
        recommendation="",
    )
    accept(mine)
    log_in(client, reviewers[0])

    html = client.get(_url(mine)).content.decode()
    assert 'data-testid="other-review"' not in html
    assert OTHER_TEXT not in html and "B의 총평" not in html and "C의 초안" not in html

    submit_review(mine, texts=justifications(open_survey, "A의 근거"))
    html = client.get(_url(mine)).content.decode()
    assert html.count('data-testid="other-review"') == 1
    assert f"{OTHER_TEXT} 1" in html and "B의 총평" in html
    assert "C의 초안" not in html  # a draft is never shown
    assert other.label in html
    assert reviewers[1].name not in html and reviewers[1].email not in html
    assert reviewers[2].name not in html


def test_a_submitted_review_never_changes(client, open_survey, mine):
    review = submit_review(mine, scores=full_scores(open_survey, "4"), texts=justifications(open_survey, "최종"))
    before = (review.scores, review.justifications, review.recommendation, review.submitted_at)
    with pytest.raises(DomainError) as caught:
        reviewing.review_save(
            Assignment.objects.get(pk=mine.pk),
            reviewer=mine.reviewer,
            scores=full_scores(open_survey, "1"),
            justifications=justifications(open_survey, "변경"),
            recommendation="not_recommend",
            submit=True,
        )
    assert caught.value.code == "submitted"

    log_in(client, mine.reviewer)
    response = _post(
        client,
        mine,
        full_scores(open_survey, "1"),
        justifications(open_survey, "변경"),
        recommendation="not_recommend",
        action="submit",
    )
    assert response.status_code in (200, 400)
    assert 'name="action"' not in response.content.decode()
    review.refresh_from_db()
    assert (review.scores, review.justifications, review.recommendation, review.submitted_at) == before
    assert review.scores["1"] == "4" and Decimal(review.scores["1"]) == 4


def test_an_incomplete_submission_is_a_400_that_keeps_the_text(client, mine, reviewers):
    accept(mine)
    log_in(client, reviewers[0])
    response = client.post(
        _url(mine), {"score_1": "4", "justification_1": "국내 유일의 양산 검증 사례", "action": "submit"}
    )
    assert response.status_code == 400
    assert "국내 유일의 양산 검증 사례" in response.content.decode()
    assert not Review.objects.filter(assignment=mine, submitted_at__isnull=False).exists()


# -- the pledge's signature ------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["이도현", "이 도현", " 이도현  교수 ", "이도현교수", "이도현 교수님"])
def test_pledge_accepts_the_name_without_its_title_or_spaces(open_survey, panel, typed):
    reviewer = add_reviewer(panel, name="이도현 교수")
    pledge = reviewing.pledge_sign(open_survey, reviewer=reviewer, signed_name=typed)
    assert pledge.signed_name == " ".join(typed.split())
    assert reviewing.has_pledged(open_survey, reviewer)


@pytest.mark.parametrize("typed", ["이도현 박사", "Dr. 이도현"])
def test_pledge_accepts_a_title_the_registered_name_lacks(open_survey, panel, typed):
    reviewer = add_reviewer(panel, name="이도현")
    reviewing.pledge_sign(open_survey, reviewer=reviewer, signed_name=typed)
    assert reviewing.has_pledged(open_survey, reviewer)


@pytest.mark.parametrize("typed", ["이도", "이도현수", "교수", "  ", "김도현 교수"])
def test_pledge_refuses_another_name(open_survey, panel, typed):
    reviewer = add_reviewer(panel, name="이도현 교수")
    with pytest.raises(DomainError):
        reviewing.pledge_sign(open_survey, reviewer=reviewer, signed_name=typed)
    assert not reviewing.has_pledged(open_survey, reviewer)


def test_pledge_page_signs_with_the_plain_name(client, open_survey, panel, candidate, admin):
    reviewer = add_reviewer(panel, name="이도현 교수")
    assign(candidate, reviewer, admin)
    log_in(client, reviewer)
    response = client.post(
        reverse("review:pledge", kwargs={"pk": open_survey.pk}), {"signed_name": "이도현", "agree": "on"}
    )
    assert response.status_code == 302
    assert Pledge.objects.get(reviewer=reviewer, survey=open_survey).signed_name == "이도현"
