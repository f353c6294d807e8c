"""Stored aggregates and the paged ranking built on them."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

from review.enums import AggregationRule, SubcommitteeRecommendation
from review.models import CandidateScore
from review.selectors import committee as committee_reads
from review.services import committee, reviewing, scores
from review.services.aggregation import aggregate
from review.services.assignment import review_plan
from surveys.enums import SurveyStage
from surveys.models import Candidate, Survey
from surveys.services.intake import candidate_merge
from tests.review.helpers import accept, add_reviewer, assign, full_scores, justifications, log_in, submit_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def five(panel):
    return [add_reviewer(panel, name=f"평가위원{i}") for i in range(5)]


def _review_stage(survey):
    Survey.objects.filter(pk=survey.pk).update(stage=SurveyStage.TECHNICAL_REVIEW)
    survey.refresh_from_db()


def _candidate(survey, number, field_code="ROB", title=None):
    return Candidate.objects.create(
        survey=survey, number=number, title=title or f"기술 {number}", field_code=field_code
    )


def _scored(survey, admin, reviewers, number, values, **kwargs):
    candidate = _candidate(survey, number, **kwargs)
    for reviewer, value in zip(reviewers, values):
        submit_review(assign(candidate, reviewer, admin), scores=full_scores(survey, value))
    return candidate


def _stored(candidate) -> CandidateScore:
    return CandidateScore.objects.get(candidate=candidate)


def _meeting(survey, secretary):
    committee.meeting_save(
        survey, field_code="ROB", held_on=timezone.localdate(), attendees="분과위원", minutes="회의록", actor=secretary
    )


def _field_url(survey, **query):
    url = reverse("review:committee_field", kwargs={"pk": survey.pk, "field_code": "ROB"})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


# kept in step -----------------------------------------------------------------------------------------------


def test_each_submitted_review_updates_the_stored_score_to_the_explained_aggregate(open_survey, admin, five):
    candidate = _candidate(open_survey, "ROB-T001")
    values = [5, 1, 4, 3, 4]
    for count, (reviewer, value) in enumerate(zip(five, values), start=1):
        scores_given = full_scores(open_survey, value, c1=max(1, value - 1))
        submit_review(assign(candidate, reviewer, admin), scores=scores_given)
        stored = _stored(candidate)
        explained = aggregate(candidate, plan=review_plan(open_survey))
        assert stored.reviews == count == len(explained.reviews)
        assert (stored.value, stored.spread, stored.flagged) == (explained.value, explained.spread, explained.flagged)
        assert stored.per_criterion == {str(n): str(v) for n, v in explained.per_criterion.items()}
    # five reviews: the trimmed mean dropped the highest and the lowest
    assert _stored(candidate).value == explained.value and len(explained.dropped) == 2


def test_a_draft_review_leaves_the_stored_score_alone(open_survey, admin, five):
    candidate = _scored(open_survey, admin, five[:1], "ROB-T001", [4])
    assignment = accept(assign(candidate, five[1], admin))
    reviewing.review_save(
        assignment,
        reviewer=five[1],
        scores=full_scores(open_survey, 1),
        justifications=justifications(open_survey),
        recommendation="recommend",
        submit=False,
    )
    assert (_stored(candidate).reviews, _stored(candidate).value) == (1, Decimal("4.00"))


def test_a_new_plan_or_weight_recomputes_the_scores_before_the_ranking_is_read(
    client, secretary, open_survey, admin, five
):
    _review_stage(open_survey)
    candidate = _scored(open_survey, admin, five, "ROB-T001", [5, 1, 1, 1, 1])
    assert _stored(candidate).value == Decimal("1.00")  # trimmed mean of 1, 1, 1
    plan = review_plan(open_survey)
    plan.aggregation = AggregationRule.MEAN
    plan.save()
    log_in(client, secretary)
    assert client.get(_field_url(open_survey)).status_code == 200
    assert _stored(candidate).value == Decimal("1.80")
    criterion = open_survey.criteria.get(number=1)
    criterion.weight = Decimal("0")
    criterion.save()
    client.get(_field_url(open_survey))
    assert _stored(candidate).basis == scores.current_basis(open_survey)


def test_a_merged_candidate_leaves_the_stored_ranking(open_survey, admin, five):
    target = _scored(open_survey, admin, five[:1], "ROB-T001", [4])
    source = _scored(open_survey, admin, five[1:2], "ROB-T002", [5])
    candidate_merge(target, [source], actor=admin)
    assert (_stored(source).active, _stored(target).active) == (False, True)
    ordered, rank_of, count = committee_reads.standings(open_survey, "ROB")
    assert [s.number for s in ordered] == ["ROB-T001"] and count == 1


def test_candidates_made_outside_intake_get_their_scores_when_the_ranking_is_read(open_survey, admin, five):
    _scored(open_survey, admin, five[:2], "ROB-T001", [4, 2])
    bare = _candidate(open_survey, "ROB-T002")
    CandidateScore.objects.filter(candidate=bare).delete()
    ordered, _rank_of, count = committee_reads.standings(open_survey, "ROB")
    assert count == 2 and _stored(bare).value is None and _stored(bare).reviews == 0


@pytest.mark.slow  # concurrent database sessions
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_reviews_submitted_at_once_are_both_in_the_stored_score(open_survey, admin, five):
    candidate = _candidate(open_survey, "ROB-T001")
    first, second = (accept(assign(candidate, reviewer, admin)) for reviewer in five[:2])

    def submit(assignment, value):
        reviewing.review_save(
            assignment,
            reviewer=assignment.reviewer,
            scores=full_scores(open_survey, value),
            justifications=justifications(open_survey),
            recommendation="recommend",
            submit=True,
        )

    started, finished = threading.Event(), threading.Event()

    def other():
        started.wait(10)
        try:
            submit(second, 2)  # waits for the first transaction's lock on the candidate
        finally:
            connections.close_all()
            finished.set()

    thread = threading.Thread(target=other)
    thread.start()
    with transaction.atomic():
        submit(first, 4)
        started.set()
        assert not finished.wait(1.0), "the second submission did not wait for the first"
    thread.join(10)
    stored = _stored(candidate)
    assert (stored.reviews, stored.value) == (2, Decimal("3.00"))


# the paged ranking ----------------------------------------------------------------------------------------------


@pytest.fixture
def crowded(open_survey, admin, five, secretary):
    """57 scored robot candidates: values 5.00 down to 1.00 in steps, three sharing 2.00 across pages 1 and 2."""
    _review_stage(open_survey)
    made = []
    for index in range(57):
        value = 2 if 48 <= index <= 50 else max(1, 5 - index // 12)
        made.append(_scored(open_survey, admin, five[:1], f"ROB-T{index:03d}", [value]))
    return made


@pytest.mark.slow  # a field of 57 scored candidates
def test_the_ranking_is_paged_with_ranks_counted_over_the_whole_field(client, secretary, open_survey, crowded):
    log_in(client, secretary)
    first = client.get(_field_url(open_survey))
    second = client.get(_field_url(open_survey, page=2))
    rows = [row for row, _form in first.context["rows"]] + [row for row, _form in second.context["rows"]]
    assert len(first.context["rows"]) == 50 and len(second.context["rows"]) == 7
    assert [r.candidate.number for r in rows] == sorted(
        (c.number for c in crowded), key=lambda n: (-_stored(Candidate.objects.get(number=n)).value, n)
    )
    expected, previous = [], None
    for position, row in enumerate(rows, start=1):
        expected.append(expected[-1] if previous == row.score.value else position)
        previous = row.score.value
    assert [r.rank for r in rows] == expected
    assert "1–50" in first.content.decode() and "57" in first.content.decode()


@pytest.mark.slow  # a field of 57 scored candidates
def test_filters_keep_the_field_wide_rank(client, secretary, open_survey, crowded):
    _meeting(open_survey, secretary)
    for top in crowded[:12]:  # every candidate at 5.00
        committee.decision_record(
            top, recommendation=SubcommitteeRecommendation.RECOMMEND, rationale="우수", actor=secretary
        )
    log_in(client, secretary)
    undecided = client.get(_field_url(open_survey, show="undecided"))
    rows = [row for row, _form in undecided.context["rows"]]
    assert len(rows) == 45 and not {c.number for c in crowded[:12]} & {r.candidate.number for r in rows}
    assert (rows[0].score.value, rows[0].rank) == (Decimal("4.00"), 13)
    flagged = client.get(_field_url(open_survey, show="flagged"))
    assert flagged.context["rows"] == [] and "일치하는 후보가 없습니다" in flagged.content.decode()
    found = client.get(_field_url(open_survey, q="T050"))
    assert [(row.candidate.number, row.rank) for row, _form in found.context["rows"]] == [
        (
            "ROB-T050",
            [
                r.rank
                for r, _f in client.get(_field_url(open_survey, page=2)).context["rows"]
                if r.candidate.number == "ROB-T050"
            ][0],
        )
    ]
    nothing = client.get(_field_url(open_survey, q="없는기술"))
    assert nothing.status_code == 200 and nothing.context["rows"] == []
    odd = client.get(_field_url(open_survey, show="everything", page="x"))
    assert odd.status_code == 200 and len(odd.context["rows"]) == 50


@pytest.mark.slow  # a field of 57 scored candidates
def test_a_refused_recommendation_from_another_page_keeps_its_form_in_view(client, secretary, open_survey, crowded):
    _meeting(open_survey, secretary)
    last = crowded[-1]
    log_in(client, secretary)
    response = client.post(
        _field_url(open_survey),
        {"form": "decision", "candidate": last.pk, f"c{last.pk}-recommendation": "hold", f"c{last.pk}-rationale": " "},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="candidate-{last.pk}"' in html and f'name="c{last.pk}-rationale"' in html
    assert f"c{last.pk}-rationale-error" in html
    saved = client.post(
        _field_url(open_survey, page=2),
        {
            "form": "decision",
            "candidate": last.pk,
            f"c{last.pk}-recommendation": "hold",
            f"c{last.pk}-rationale": "추가 검토",
        },
    )
    assert saved.status_code == 302 and saved["Location"].endswith(f"?page=2#candidate-{last.pk}")
