"""The specialised-complex pipeline from an accepted plan to the national committee's resolution."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from portal.exceptions import DomainError
from portal.models import AuditEvent
from review.enums import Decision, SubcommitteeRecommendation
from review.models import SiteVisit
from review.services import committee, national
from review.services.pool import panel_for
from review.services.site_visits import site_visit_record
from surveys.enums import SurveyStage
from surveys.models import Survey
from tests.complexes.world import complex_call, plan_answers, province_applicant
from tests.factories import make_user
from tests.review.helpers import accepted_candidate, add_reviewer, assign, submit_review

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _stage(survey, stage):
    Survey.objects.filter(pk=survey.pk).update(stage=stage)
    survey.refresh_from_db()
    return survey


@pytest.fixture
def province(db):
    return province_applicant()


@pytest.fixture
def plan(admin, province):
    call = complex_call(admin)
    return accepted_candidate(call, province, plan_answers(call), admin)


@pytest.fixture
def panel_members(plan):
    panel = panel_for(plan.survey, "BAT")
    return [add_reviewer(panel, name=name) for name in ("김자문", "이자문", "박자문")]


def test_a_member_from_the_applying_province_is_conflicted(admin, plan, province):
    organization = province.memberships.get().organization
    insider = add_reviewer(panel_for(plan.survey, "BAT"), name="도청직원", organization=organization)
    with pytest.raises(DomainError) as error:
        assign(plan, insider, admin)
    assert error.value.code == "conflict"


def test_the_advisory_panel_reads_the_plan_as_filed(client, admin, plan, panel_members):
    _stage(plan.survey, SurveyStage.ADVISORY_REVIEW)
    assignment = submit_review(assign(plan, panel_members[0], admin), comment="부지 확보 계획이 구체적임")
    client.force_login(panel_members[0], backend="django.contrib.auth.backends.ModelBackend")
    html = client.get(
        reverse(
            "review:assignment",
            kwargs={"pk": assignment.assignment_id if hasattr(assignment, "assignment_id") else assignment.pk},
        )
    ).content.decode()
    assert "한빛에너지소재" in html and "청주시" in html
    assert 'data-testid="site-visits-link"' in html


def test_site_visit_is_recorded_with_members_findings_and_photos(admin, plan, panel_members):
    _stage(plan.survey, SurveyStage.ADVISORY_REVIEW)
    for member in panel_members[:2]:
        assign(plan, member, admin)
    photo = SimpleUploadedFile("site.png", PNG, content_type="image/png")
    visit = site_visit_record(
        plan,
        visited_on=timezone.localdate(),
        members=panel_members[:2],
        findings="진입도로 확장 필요",
        photos=[photo],
        actor=panel_members[0],
    )
    assert set(visit.members.all()) == set(panel_members[:2])
    assert visit.photos.get().sha256
    assert AuditEvent.objects.filter(action="review.site_visit.recorded").exists()


def test_site_visit_refuses_members_not_on_the_plan_a_future_date_and_the_wrong_stage(admin, plan, panel_members):
    _stage(plan.survey, SurveyStage.ADVISORY_REVIEW)
    assign(plan, panel_members[0], admin)
    with pytest.raises(DomainError):
        site_visit_record(plan, visited_on=timezone.localdate(), members=[panel_members[1]], findings="x", actor=admin)
    with pytest.raises(DomainError):
        site_visit_record(
            plan,
            visited_on=timezone.localdate() + timedelta(days=2),
            members=[panel_members[0]],
            findings="x",
            actor=admin,
        )
    _stage(plan.survey, SurveyStage.NATIONAL_COMMITTEE)
    with pytest.raises(DomainError) as error:
        site_visit_record(plan, visited_on=timezone.localdate(), members=[panel_members[0]], findings="x", actor=admin)
    assert error.value.code == "stage"
    assert not SiteVisit.objects.exists()


def test_site_visit_pages_are_404_for_members_of_other_plans_and_applicants(
    client, admin, plan, panel_members, province
):
    _stage(plan.survey, SurveyStage.ADVISORY_REVIEW)
    assign(plan, panel_members[0], admin)
    url = reverse("review:site_visits", kwargs={"pk": plan.pk})
    for outsider in (panel_members[1], province, make_user("applicant")):
        client.force_login(outsider, backend="django.contrib.auth.backends.ModelBackend")
        assert client.get(url).status_code == 404
    client.force_login(panel_members[0], backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        url,
        {
            "visited_on": timezone.localdate().isoformat(),
            "members": [panel_members[0].pk],
            "findings": "용수 공급 확인",
        },
    )
    assert response.status_code == 302
    assert "용수 공급 확인" in client.get(url).content.decode()


def test_technology_calls_have_no_site_visits(client, admin):
    from surveys.models import Candidate
    from tests.surveys.helpers import make_survey

    survey = make_survey(stage=SurveyStage.TECHNICAL_REVIEW)
    candidate = Candidate.objects.create(survey=survey, number="ROB-001", title="감속기", field_code="ROB")
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("review:site_visits", kwargs={"pk": candidate.pk})).status_code == 404


def _to_subcommittee(plan, admin):
    survey = _stage(plan.survey, SurveyStage.SUBCOMMITTEE)
    committee.meeting_save(
        survey,
        field_code="BAT",
        held_on=date(2026, 5, 1),
        attendees="분과위원 7인",
        minutes="특화단지 분과위원회 평가",
        actor=admin,
    )
    return survey


def test_subcommittee_evaluates_with_complex_choices_and_conditions(admin, plan):
    _to_subcommittee(plan, admin)
    assert [v for v, _label in committee.recommendation_choices(plan.survey)] == [
        "designate",
        "designate_cond",
        "not_designate",
    ]
    with pytest.raises(DomainError) as error:
        committee.decision_record(plan, recommendation="recommend", rationale="기술 기준", actor=admin)
    assert error.value.code == "recommendation"
    with pytest.raises(DomainError) as error:
        committee.decision_record(plan, recommendation="designate_cond", rationale="조건부", actor=admin)
    assert error.value.code == "conditions"
    decision = committee.decision_record(
        plan,
        recommendation=SubcommitteeRecommendation.DESIGNATE_WITH_CONDITIONS,
        rationale="입지 우수",
        conditions="2028년까지 용수 확보",
        actor=admin,
    )
    assert decision.conditions == "2028년까지 용수 확보"


def test_confirming_the_evaluation_sends_the_call_to_the_national_committee_without_a_hearing(admin, plan):
    survey = _to_subcommittee(plan, admin)
    committee.decision_record(plan, recommendation="designate", rationale="적합", actor=admin)
    committee.committee_confirm(survey, candidate_ids=[plan.pk], held_on=date(2026, 5, 2), minutes="확정", actor=admin)
    survey.refresh_from_db()
    assert survey.stage == SurveyStage.NATIONAL_COMMITTEE


def test_a_complex_call_that_asks_for_a_hearing_needs_its_window(admin, province):
    call = complex_call(admin, with_hearing=True)
    plan = accepted_candidate(call, province, plan_answers(call), admin)
    survey = _to_subcommittee(plan, admin)
    committee.decision_record(plan, recommendation="designate", rationale="적합", actor=admin)
    with pytest.raises(DomainError):
        committee.committee_confirm(
            survey, candidate_ids=[plan.pk], held_on=date(2026, 5, 2), minutes="확정", actor=admin
        )
    today = timezone.localdate()
    committee.committee_confirm(
        survey,
        candidate_ids=[plan.pk],
        held_on=today,
        minutes="확정",
        actor=admin,
        hearing_starts_on=today,
        hearing_ends_on=today + timedelta(days=7),
    )
    survey.refresh_from_db()
    assert survey.stage == SurveyStage.HEARING


def test_national_committee_records_chair_quorum_and_conditions(admin, plan):
    survey = _to_subcommittee(plan, admin)
    committee.decision_record(
        plan, recommendation="designate_cond", rationale="적합", conditions="용수 확보", actor=admin
    )
    committee.committee_confirm(survey, candidate_ids=[plan.pk], held_on=date(2026, 5, 2), minutes="확정", actor=admin)
    meeting = national.meeting_create(
        survey, title="제3차 국가첨단전략산업위원회", held_on=date(2026, 6, 1), actor=admin
    )
    with pytest.raises(DomainError) as error:
        national.resolution_record(
            meeting, plan, decision=Decision.DESIGNATE_WITH_CONDITIONS, reason="의결", actor=admin
        )
    assert error.value.code == "conditions"
    resolution = national.resolution_record(
        meeting,
        plan,
        decision=Decision.DESIGNATE_WITH_CONDITIONS,
        reason="의결",
        conditions="2028년까지 용수 확보",
        actor=admin,
    )
    assert resolution.conditions == "2028년까지 용수 확보"
    with pytest.raises(DomainError) as error:
        national.meeting_close(meeting, actor=admin)
    assert error.value.code == "quorum"
    national.meeting_update(meeting, chair="국무총리", members_total=25, members_present=12, actor=admin)
    with pytest.raises(DomainError) as error:
        national.meeting_close(meeting, actor=admin)
    assert "12" in error.value.message
    national.meeting_update(meeting, members_present=18, actor=admin)
    closed = national.meeting_close(meeting, actor=admin)
    assert closed.is_closed and closed.chair == "국무총리"


def test_a_technology_resolution_cannot_carry_conditions(admin):
    from tests.surveys.helpers import make_survey

    survey = make_survey(stage=SurveyStage.NATIONAL_COMMITTEE)
    assert "designate_cond" not in dict(national.decision_choices(survey))
