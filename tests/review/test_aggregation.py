"""Aggregation: weighted totals, mean, median, trimmed mean, the disagreement flag and the page that shows it."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from review.enums import AggregationRule
from review.models import ReviewPlan
from review.services.aggregation import _apply, aggregate, weighted_total
from surveys.models import Criterion
from tests.factories import make_user
from tests.review.helpers import add_reviewer, assign, log_in, submit_review

pytestmark = pytest.mark.django_db

D = Decimal

# Weights: criterion 1 ×2.5, criterion 2 ×1.5, criteria 3–8 ×1 — they add up to 10.
WEIGHTS = {1: D("2.5"), 2: D("1.5"), **{n: D("1") for n in range(3, 9)}}


def _scores(c1, c2, rest):
    return {"1": str(c1), "2": str(c2), **{str(n): str(rest) for n in range(3, 9)}}


# Each reviewer's scores and, worked out by hand, their weighted total:
REVIEWS = [
    _scores(5, 4, 3),  # A: (5×2.5 + 4×1.5 + 6×3) / 10 = (12.5 + 6 + 18) / 10 = 3.65
    _scores(4, 2, 4),  # B: (10 + 3 + 24) / 10 = 3.70
    _scores(1, 1, 2),  # C: (2.5 + 1.5 + 12) / 10 = 1.60
    _scores(5, 5, 5),  # D: 5.00
    _scores(3, 5, 1),  # E: (7.5 + 7.5 + 6) / 10 = 2.10
]
TOTALS = [D("3.65"), D("3.70"), D("1.60"), D("5.00"), D("2.10")]


@pytest.fixture
def weighted(open_survey):
    for number, weight in WEIGHTS.items():
        Criterion.objects.filter(survey=open_survey, number=number).update(weight=weight)
    return open_survey


def _reviewed(candidate, admin, panel, reviews):
    for index, scores in enumerate(reviews):
        reviewer = add_reviewer(panel, name=f"평가자{index}")
        submit_review(assign(candidate, reviewer, admin), scores=scores)


def _plan(survey, **values) -> ReviewPlan:
    plan, _created = ReviewPlan.objects.update_or_create(survey=survey, defaults=values)
    return plan


# -- the arithmetic, without the database ---------------------------------------------------


def test_weighted_total_is_the_weighted_mean_of_the_criterion_scores():
    assert weighted_total({1: D(5), 2: D(2)}, {1: D(3), 2: D(1)}) == D("4.25")  # (15 + 2) / 4
    assert weighted_total({1: D(4), 2: D("2.5")}, {1: D("0.5"), 2: D(2)}) == D("2.8")  # (2 + 5) / 2.5
    assert weighted_total({1: D(3), 2: D(5)}, {1: D(1), 2: D(1)}) == D(4)


@pytest.mark.parametrize(
    ("rule", "values", "trim_min", "expected", "dropped"),
    [
        (AggregationRule.MEAN, ["3", "4", "8"], 5, D(5), []),
        (AggregationRule.MEDIAN, ["3", "8", "4"], 5, D(4), []),
        (AggregationRule.MEDIAN, ["3", "8", "4", "5"], 5, D("4.5"), []),
        (AggregationRule.TRIMMED_MEAN, ["9", "1", "4", "5", "6"], 5, D(5), [1, 0]),  # drops 1 and 9
        (AggregationRule.TRIMMED_MEAN, ["1", "4", "5", "9"], 5, D("4.75"), []),  # 4 < 5: the plain mean
        (AggregationRule.TRIMMED_MEAN, ["2", "7", "3"], 3, D(3), [0, 1]),  # three reviews, trimming from 3
        (AggregationRule.TRIMMED_MEAN, ["2", "7"], 1, D("4.5"), []),  # never trims fewer than three
        (AggregationRule.MEAN, [], 5, None, []),
    ],
)
def test_each_rule_over_plain_values(rule, values, trim_min, expected, dropped):
    value, dropped_indexes = _apply(rule, [D(v) for v in values], trim_min)
    assert value == expected
    assert dropped_indexes == dropped


# -- the aggregate of a candidate ------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "expected", "criterion_1"),
    [
        (AggregationRule.MEAN, D("3.21"), D("3.60")),  # 16.05 / 5; criterion 1: (5+4+1+5+3) / 5
        (AggregationRule.MEDIAN, D("3.65"), D("4.00")),  # 1.60 2.10 [3.65] 3.70 5.00; criterion 1: 1 3 [4] 5 5
        (AggregationRule.TRIMMED_MEAN, D("3.15"), D("4.00")),  # (3.65 + 3.70 + 2.10) / 3; criterion 1: (3+4+5) / 3
    ],
)
def test_five_weighted_reviews_under_each_rule(weighted, candidate, admin, panel, rule, expected, criterion_1):
    _reviewed(candidate, admin, panel, REVIEWS)
    result = aggregate(candidate, plan=_plan(weighted, aggregation=rule, trim_min_reviews=5))
    assert [t.total for t in result.reviews] == TOTALS
    assert result.value == expected
    assert result.per_criterion[1] == criterion_1
    assert (
        result.per_criterion[2]
        == {
            AggregationRule.MEAN: D("3.40"),
            AggregationRule.MEDIAN: D("4.00"),
            AggregationRule.TRIMMED_MEAN: D("3.67"),
        }[rule]
    )  # 4 2 1 5 5
    if rule == AggregationRule.TRIMMED_MEAN:
        assert [t.total for t in result.dropped] == [D("1.60"), D("5.00")]
        assert [t.total for t in result.used] == [D("3.65"), D("3.70"), D("2.10")]
    else:
        assert result.dropped == [] and len(result.used) == 5
    assert result.spread == D("3.40") and result.flagged


def test_the_trimmed_mean_with_fewer_reviews_than_the_threshold_is_the_mean(weighted, candidate, admin, panel):
    _reviewed(candidate, admin, panel, REVIEWS[:4])
    plan = _plan(weighted, aggregation=AggregationRule.TRIMMED_MEAN, trim_min_reviews=5)
    result = aggregate(candidate, plan=plan)
    assert result.value == D("3.49")  # (3.65 + 3.70 + 1.60 + 5.00) / 4 = 3.4875, rounded half up
    assert result.dropped == [] and len(result.used) == 4
    assert any("5" in step for step in result.steps[-3:])  # the step says why nothing was dropped

    median = aggregate(candidate, plan=_plan(weighted, aggregation=AggregationRule.MEDIAN))
    assert median.value == D("3.68")  # (3.65 + 3.70) / 2 = 3.675

    # with the threshold at four, the same four reviews are trimmed: (3.65 + 3.70) / 2
    trimmed = aggregate(candidate, plan=_plan(weighted, aggregation=AggregationRule.TRIMMED_MEAN, trim_min_reviews=4))
    assert trimmed.value == D("3.68")
    assert {t.total for t in trimmed.dropped} == {D("1.60"), D("5.00")}


def test_three_reviews_are_trimmed_once_the_threshold_allows(weighted, candidate, admin, panel):
    _reviewed(candidate, admin, panel, REVIEWS[:3])
    assert aggregate(candidate, plan=_plan(weighted, trim_min_reviews=3)).value == D("3.65")
    assert aggregate(candidate, plan=_plan(weighted, trim_min_reviews=4)).value == D("2.98")  # 8.95 / 3
    assert aggregate(candidate, plan=_plan(weighted, trim_min_reviews=2)).value == D("3.65")  # at least three


def test_drafts_and_ended_assignments_do_not_count(weighted, candidate, admin, panel):
    _reviewed(candidate, admin, panel, REVIEWS[:2])
    drafting = add_reviewer(panel, name="초안중")
    from review.services import reviewing
    from tests.review.helpers import accept, justifications

    assignment = accept(assign(candidate, drafting, admin))
    reviewing.review_save(
        assignment,
        reviewer=drafting,
        scores=_scores(1, 1, 1),
        justifications=justifications(weighted),
        recommendation="not_recommend",
    )
    result = aggregate(candidate, plan=_plan(weighted, aggregation=AggregationRule.MEAN))
    assert [t.total for t in result.reviews] == TOTALS[:2]
    assert result.value == D("3.68")  # (3.65 + 3.70) / 2 = 3.675


def test_no_review_gives_no_value_and_no_flag(weighted, candidate):
    result = aggregate(candidate, plan=_plan(weighted))
    assert (result.value, result.spread, result.flagged, result.reviews) == (None, None, False, [])


@pytest.mark.parametrize(
    ("threshold", "flagged"),
    [
        ("2.00", False),  # the spread equals the threshold
        ("2.01", False),  # the spread is just below it
        ("1.99", True),  # the spread is just above it
    ],
)
def test_the_disagreement_flag_around_the_threshold(weighted, candidate, admin, panel, threshold, flagged):
    _reviewed(candidate, admin, panel, [_scores(3, 3, 3), _scores(5, 5, 5)])  # totals 3.00 and 5.00
    result = aggregate(candidate, plan=_plan(weighted, disagreement_spread=D(threshold)))
    assert result.spread == D("2.00")
    assert result.flagged is flagged


def test_a_half_point_spread_just_above_the_threshold(weighted, candidate, admin, panel):
    weighted.half_points = True
    weighted.save(update_fields=["half_points"])
    _reviewed(candidate, admin, panel, [_scores(3, 3, 3), _scores("5", "4.5", "5")])  # 3.00 and 4.93 (49.25/10)
    at = aggregate(candidate, plan=_plan(weighted, disagreement_spread=D("1.93")))
    assert (at.spread, at.flagged) == (D("1.93"), False)
    above = aggregate(candidate, plan=_plan(weighted, disagreement_spread=D("1.92")))
    assert above.flagged


# -- “how was this computed” -------------------------------------------------------------------


def _rows(html: str) -> dict[str, list[str]]:
    return {
        label: re.findall(r"<td>(.*?)</td>", cells)
        for label, cells in re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', html, re.S)
    }


@pytest.mark.parametrize("role", ["secretary", "admin"])
def test_the_computation_page_lists_every_raw_score_and_the_rule(
    client,
    weighted,
    candidate,
    admin,
    panel,
    role,
):
    _reviewed(candidate, admin, panel, REVIEWS)
    plan = _plan(weighted, aggregation=AggregationRule.TRIMMED_MEAN, trim_min_reviews=5)
    viewer = admin if role == "admin" else make_user("secretary")
    log_in(client, viewer)
    response = client.get(reverse("review:aggregate", kwargs={"pk": candidate.pk}))
    assert response.status_code == 200
    html = response.content.decode()
    with translation.override(response.headers.get("Content-Language", "ko")):
        rule_label = str(AggregationRule.TRIMMED_MEAN.label)
        result = aggregate(candidate, plan=plan)
    assert rule_label in html
    rows = _rows(html)
    assert len(rows) == 5
    for letter, scores, total, pseudonym in zip("ABCDE", REVIEWS, TOTALS, [t.pseudonym for t in result.reviews]):
        assert pseudonym.endswith(letter)
        cells = rows[pseudonym]
        assert cells[:8] == [scores[str(n)] for n in range(1, 9)], pseudonym
        assert cells[8] == str(total)
    assert rows[result.reviews[2].pseudonym][9] != "✓" and rows[result.reviews[3].pseudonym][9] != "✓"
    assert rows[result.reviews[0].pseudonym][9] == "✓"
    assert re.search(r'data-testid="aggregate-value">3\.15<', html)
    assert "×2.5" in html and "×1.5" in html
    steps = re.search(r'data-testid="aggregate-steps">(.*?)</ol>', html, re.S).group(1)
    assert f"{result.reviews[0].pseudonym}: 1=5, 2=4, 3=3, 4=3, 5=3, 6=3, 7=3, 8=3 → 3.65" in steps
    assert "1.60" in steps and "5.00" in steps and "3.15" in steps


def test_the_computation_page_is_hidden_from_reviewers(client, weighted, candidate, admin, panel):
    _reviewed(candidate, admin, panel, REVIEWS[:1])
    reviewer = candidate.assignments.get().reviewer
    log_in(client, reviewer)
    assert client.get(reverse("review:aggregate", kwargs={"pk": candidate.pk})).status_code == 404
