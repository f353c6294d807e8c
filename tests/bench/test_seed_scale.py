"""seed_scale writes the data set it promises, fast enough, and refuses to write it twice."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from portal.middleware import has_two_factor
from portal.models import User
from review import scale
from review.enums import AssignmentStatus, NoticeStatus
from review.models import Assignment, ConfirmedCandidate, HearingComment, Notice, RegisterEntry, Review
from surveys.enums import ApplicationStatus, Channel, SurveyStage
from surveys.models import Application, ApplicationVersion, Candidate, Survey
from surveys.services.applications import application_submit, completeness

pytestmark = pytest.mark.django_db

N, REVIEWERS = 50, 30


@pytest.fixture
def seeded():
    out = StringIO()
    call_command("seed_scale", applications=N, reviewers=REVIEWERS, stdout=out)
    return out.getvalue()


def test_seed_scale_creates_the_applications_across_calls_fields_and_channels(seeded):
    assert Application.objects.count() == N
    assert set(Survey.objects.values_list("code", flat=True)) == set(scale.CODES)
    assert dict(Survey.objects.values_list("code", "stage")) == {s.code: s.stage for s in scale.CALLS}
    assert set(Application.objects.values_list("field_code", flat=True)) == set(scale.FIELD_CODES)
    assert set(Application.objects.values_list("channel", flat=True)) == set(Channel.values)
    assert "applications of SC3" in seeded and f"{N:>10,}  applications" in seeded


def test_submitted_applications_have_their_immutable_versions_and_receipts(seeded):
    submitted = Application.objects.exclude(status=ApplicationStatus.DRAFT)
    assert submitted.exists()
    assert ApplicationVersion.objects.count() == sum(submitted.values_list("version_count", flat=True))
    for application in submitted:
        numbers = list(application.versions.order_by("number").values_list("number", flat=True))
        assert numbers == list(range(1, application.version_count + 1))
        assert application.receipt_number and application.versions.last().receipt_number == application.receipt_number
    assert not Application.objects.filter(status=ApplicationStatus.DRAFT, version_count__gt=0).exists()
    assert (
        Application.objects.exclude(receipt_number=None).values("receipt_number").distinct().count()
        == submitted.count()
    )


def test_the_open_call_holds_complete_drafts_that_really_submit(seeded):
    drafts = Application.objects.filter(
        survey__stage=SurveyStage.COLLECTION, status=ApplicationStatus.DRAFT, channel=Channel.DIRECT
    ).select_related("survey", "organization", "created_by")
    assert drafts.exists()
    for draft in drafts:
        assert completeness(draft) == []
    draft = drafts.first()
    version = application_submit(draft, actor=draft.created_by)
    draft.refresh_from_db()
    assert (draft.status, version.number) == (ApplicationStatus.SUBMITTED, 1)


def test_accepted_applications_are_candidates_reviewed_by_five_reviewers_with_scores(seeded):
    accepted = Application.objects.filter(status=ApplicationStatus.ACCEPTED)
    assert accepted.count() == Candidate.objects.count() > 0
    assert not accepted.filter(candidate=None).exists()
    per_candidate = Candidate.objects.annotate(
        n=Count("assignments"), people=Count("assignments__reviewer", distinct=True)
    )
    assert {(c.n, c.people) for c in per_candidate} == {(5, 5)}
    reviews = Review.objects.select_related("assignment")
    assert reviews.count() == Assignment.objects.filter(status=AssignmentStatus.SUBMITTED).count() > 0
    criteria = {s.pk: sorted(str(n) for n in s.criteria.values_list("number", flat=True)) for s in Survey.objects.all()}
    assert all(len(numbers) == 8 for numbers in criteria.values())  # the technology kind's defaults
    assert all(
        sorted(r.scores) == criteria[r.assignment.candidate.survey_id] and r.assignment.status == "submitted"
        for r in reviews.select_related("assignment__candidate")
    )
    assert User.objects.filter(memberships__role="reviewer").count() == REVIEWERS
    reviewer = User.objects.filter(memberships__role="reviewer").first()
    assert has_two_factor(reviewer)


def test_hearing_comments_and_the_register(seeded):
    assert HearingComment.objects.exists()
    confirmed = set(ConfirmedCandidate.objects.values_list("candidate_id", flat=True))
    assert set(HearingComment.objects.values_list("candidate_id", flat=True)) <= confirmed
    assert HearingComment.objects.filter(candidate__survey__stage=SurveyStage.HEARING).exists()
    notice = Notice.objects.get()
    assert notice.status == NoticeStatus.PUBLISHED
    assert RegisterEntry.objects.filter(notice=notice).exists()
    assert RegisterEntry.objects.values("number").distinct().count() == RegisterEntry.objects.count()


def test_a_second_run_refuses_clearly_and_changes_nothing(seeded):
    before = (Application.objects.count(), ApplicationVersion.objects.count(), User.objects.count())
    with pytest.raises(CommandError, match="already in this database"):
        call_command("seed_scale", applications=N, reviewers=REVIEWERS, stdout=StringIO())
    assert (Application.objects.count(), ApplicationVersion.objects.count(), User.objects.count()) == before


def test_too_few_reviewers_or_applications_are_refused(db):
    with pytest.raises(CommandError, match="reviewers"):
        call_command("seed_scale", applications=N, reviewers=10, stdout=StringIO())
    with pytest.raises(CommandError, match="at least"):
        call_command("seed_scale", applications=2, stdout=StringIO())
    assert not Application.objects.exists()


def test_the_data_set_follows_the_criteria_a_call_has(monkeypatch):
    """Scores and justifications are written for the call's own criteria, however many its kind defines."""
    from dataclasses import replace

    from surveys.enums import SurveyKind
    from surveys.pipelines import PIPELINES

    technology = PIPELINES[SurveyKind.TECHNOLOGY]
    monkeypatch.setitem(
        PIPELINES, SurveyKind.TECHNOLOGY, replace(technology, default_criteria=technology.default_criteria[:3])
    )
    scale.build(len(scale.CALLS) * 3, reviewers=REVIEWERS)
    assert {tuple(s.criteria.values_list("number", flat=True)) for s in Survey.objects.all()} == {(1, 2, 3)}
    reviews = Review.objects.all()
    assert reviews.exists()
    assert all(sorted(r.scores) == sorted(r.justifications) == ["1", "2", "3"] for r in reviews)
    answers = Application.objects.values_list("answers", flat=True)
    assert all(sorted(a["criteria"]) == ["criterion_1", "criterion_2", "criterion_3"] for a in answers)
