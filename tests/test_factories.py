"""The factories make consistent rows on their own, and their options change what they say they change."""

import pytest

from portal.enums import Role
from review.models import Assignment, Review
from surveys.models import Application
from tests.factories import (
    AdminFactory,
    ApplicantFactory,
    ApplicationFactory,
    ApplicationVersionFactory,
    AssignmentFactory,
    CandidateFactory,
    NoticeFactory,
    ObjectionFactory,
    PanelFactory,
    PanelMemberFactory,
    QuestionFactory,
    ReReviewFactory,
    ResolutionFactory,
    ResultFactory,
    ReviewerFactory,
    ReviewFactory,
    SurveyFactory,
    complete_answers,
    make_user,
    organization_of,
)

pytestmark = pytest.mark.django_db


def test_survey_has_its_pipelines_criteria_and_the_fields_asked_for():
    survey = SurveyFactory(fields=("ROB", "SEM"))
    assert survey.stage == "collection" and survey.is_open
    assert survey.criteria.count() == len(survey.pipeline.default_criteria) > 0
    assert sorted(survey.fields.values_list("code", flat=True)) == ["ROB", "SEM"]
    assert SurveyFactory(criteria=False).criteria.count() == 0
    assert SurveyFactory(stage="draft").published_at is None


def test_application_answers_cover_criteria_and_questions():
    question = QuestionFactory()
    application = ApplicationFactory(survey=question.survey, title="초정밀 감속기")
    assert application.status == "draft" and application.receipt_number is None
    assert application.answers == complete_answers(question.survey, "초정밀 감속기")
    assert application.answers["extra"] == {question.field_name: "35"}
    assert application.organization == organization_of(application.created_by)
    assert application.created_by.memberships.get().role == Role.APPLICANT


def test_accepted_application_has_a_candidate_on_its_call():
    application = ApplicationFactory(accepted=True, title="고출력 배터리")
    candidate = application.candidate
    assert application.status == "accepted" and application.receipt_number and application.submitted_at
    assert (candidate.survey, candidate.title) == (application.survey, "고출력 배터리")
    version = ApplicationVersionFactory(application=application)
    assert (version.number, version.receipt_number) == (1, application.receipt_number)
    assert ApplicationVersionFactory(application=application).number == 2


def test_review_scores_every_criterion_of_its_call():
    review = ReviewFactory(score=3)
    survey = review.assignment.candidate.survey
    assert review.scores == {str(c.number): "3" for c in survey.criteria.all()}
    assert Review.objects.get().assignment.status == "submitted"
    reviewer = review.assignment.reviewer
    assert reviewer.memberships.get().role == Role.REVIEWER and reviewer.reviewer_profile.organization_name


def test_assignments_on_one_candidate_and_panel_members():
    candidate = CandidateFactory()
    first, second = AssignmentFactory.create_batch(2, candidate=candidate)
    assert first.pseudonym != second.pseudonym and first.status == "assigned"
    assert AssignmentFactory(accepted=True).declared_at is not None
    panel = PanelFactory(survey=candidate.survey)
    assert PanelFactory(survey=candidate.survey) == panel
    member = PanelMemberFactory(panel=panel)
    assert list(panel.members.values_list("reviewer", flat=True)) == [member.reviewer_id]
    assert Assignment.objects.filter(candidate=candidate).count() == 2


def test_notice_and_resolution():
    admin = AdminFactory()
    notice = NoticeFactory(created_by=admin)
    assert notice.status == "draft" and not notice.is_published and notice.published_by is None
    published = NoticeFactory(published=True, created_by=admin)
    assert published.is_published and published.published_by == admin and published.number != notice.number
    resolution = ResolutionFactory(decision="reject")
    assert resolution.candidate.survey == resolution.meeting.survey
    assert resolution.recorded_by == resolution.meeting.created_by


def test_result_objection_and_re_review_hang_together():
    result = ResultFactory()
    assert result.notice.survey == result.application.survey and result.notice.is_published
    objection = ObjectionFactory(result=result)
    assert objection.submitted_by == result.application.created_by and objection.status == "submitted"
    assert objection.follow_up == "" and not objection.outcome
    re_review = ReReviewFactory()
    upheld = re_review.objection
    assert (upheld.status, upheld.outcome, upheld.follow_up) == ("decided", "upheld", "re_review")
    assert re_review.reviewer.has_role(Role.REVIEWER) and not re_review.submitted_at


def test_organization_of_prefers_the_applicant_membership():
    applicant = ApplicantFactory()
    staff = make_user("association_staff")
    assert organization_of(staff) == staff.memberships.get().organization
    second = make_user("association_staff").memberships.get().organization
    applicant.memberships.create(organization=second, role=Role.ASSOCIATION_STAFF)
    assert organization_of(applicant) == applicant.memberships.get(role=Role.APPLICANT).organization
    assert organization_of(applicant, Role.ASSOCIATION_STAFF) == second
    assert Application.objects.count() == 0
    assert ReviewerFactory(profile=None).memberships.get().role == Role.REVIEWER
