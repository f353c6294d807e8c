"""Selection within quotas: the secretary's proposal, the selection committee's decisions and category closures."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from portal.exceptions import DomainError
from portal.models import AuditEvent
from review.enums import SelectionDecision
from review.models import CategoryClosure, SelectionMeeting, SelectionProposal
from review.services import selection
from surveys.enums import SurveyStage
from tests.factories import make_user
from tests.international.selection_world import (
    candidate,
    decide_as_proposed,
    foundational,
    leap,
    meeting,
    propose_all,
    rnd_call,
)
from tests.review.helpers import log_in
from tests.surveys.helpers import ko, make_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary(db):
    return make_user("secretary", name="서간사")


@pytest.fixture
def call(admin):
    return rnd_call(admin)


@pytest.fixture
def three(call):
    """Leapfrogging: two essential candidates and one the panel judged not essential."""
    category = leap(call)
    return [
        candidate(call, category, "EUV 펠리클 소재", rank=1, score="91.50", countries=("BE", "NL")),
        candidate(call, category, "차세대 전고체 전해질", rank=2, score="88.00", countries=("DE",)),
        candidate(call, category, "국내 단독 가능 기술", rank=3, score="70.00", essential=False, countries=("US",)),
    ]


# -- the secretary's proposal ---------------------------------------------------------------------------------------


def test_the_proposal_page_lists_the_category_in_the_final_layer_order(client, call, three, secretary):
    log_in(client, secretary)
    response = client.get(reverse("review:selection_proposal", kwargs={"pk": leap(call).pk}))
    page = response.content.decode()
    assert response.status_code == 200
    positions = [page.index(c.title) for c in three]
    assert positions == sorted(positions)
    assert "91.50" in page and "88.00" in page
    assert ("벨기에" in page or "Belgium" in page) and ("네덜란드" in page or "Netherlands" in page)
    assert 'data-testid="quota"' in page and "48" in page


def test_proposing_a_candidate_the_panel_judged_not_essential_is_refused(client, call, three, secretary):
    log_in(client, secretary)
    category = leap(call)
    data = {f"rank_{c.pk}": str(i) for i, c in enumerate(three, start=1)}
    data.update({f"proposed_{c.pk}": "on" for c in three})
    data[f"note_{three[0].pk}"] = "파트너 MoU 체결"
    response = client.post(reverse("review:selection_proposal", kwargs={"pk": category.pk}), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert (
        ko(
            "“%(title)s”: the panel judged that international cooperation is not essential, so it cannot be selected.",
            title=three[2].title,
        )
        in page
    )
    assert "파트너 MoU 체결" in page  # the input is kept
    assert not SelectionProposal.objects.exists()


def test_a_proposal_is_saved_and_audited_and_counts_what_is_proposed(client, call, three, secretary):
    log_in(client, secretary)
    category = leap(call)
    data = {f"rank_{c.pk}": str(i) for i, c in enumerate(three, start=1)}
    data.update({f"proposed_{c.pk}": "on" for c in three[:2]})
    response = client.post(reverse("review:selection_proposal", kwargs={"pk": category.pk}), data)
    assert response.status_code == 302
    assert {p.candidate_id: (p.rank, p.proposed) for p in SelectionProposal.objects.all()} == {
        three[0].pk: (1, True),
        three[1].pk: (2, True),
        three[2].pk: (3, False),
    }
    assert AuditEvent.objects.filter(action="review.selection.proposed").count() == 1
    state = next(s for s in selection.category_states(call) if s.category == category)
    assert (state.candidates, state.proposed, state.undecided) == (3, 2, 3)


def test_moving_a_candidate_needs_a_note(call, three, secretary):
    category = leap(call)
    swapped = [
        selection.Choice(three[0].pk, True, 2),
        selection.Choice(three[1].pk, True, 1),
        selection.Choice(three[2].pk, False, 3),
    ]
    with pytest.raises(DomainError) as error:
        selection.proposal_save(category, choices=swapped, actor=secretary)
    assert error.value.code == "note"
    swapped[0].note, swapped[1].note = "파트너 계약 지연", "파트너 계약 완료"
    selection.proposal_save(category, choices=swapped, actor=secretary)
    assert [row.candidate for row in selection.category_rows(category)] == [three[1], three[0], three[2]]


def test_the_proposal_waits_for_the_selection_stage(admin, secretary):
    call = rnd_call(admin, stage=SurveyStage.PANEL_EVALUATION)
    first = candidate(call, leap(call), "EUV 펠리클 소재", rank=1)
    with pytest.raises(DomainError) as error:
        selection.proposal_save(leap(call), choices=[selection.Choice(first.pk, True, 1)], actor=secretary)
    assert error.value.code == "stage"


# -- the committee --------------------------------------------------------------------------------------------------


def test_a_meeting_needs_its_minutes_and_keeps_the_input(client, call, secretary):
    log_in(client, secretary)
    url = reverse("review:selection", kwargs={"pk": call.pk})
    response = client.post(
        url, {"held_on": "2027-03-02", "place": "세종", "chair": "김위원장", "members_present": "7", "minutes": "  "}
    )
    assert response.status_code == 400
    assert ko("Write the minutes of the meeting.") in response.content.decode()
    assert "김위원장" in response.content.decode()
    assert not SelectionMeeting.objects.exists()
    response = client.post(
        url,
        {
            "held_on": "2027-03-02",
            "place": "세종",
            "chair": "김위원장",
            "members_present": "7",
            "minutes": "분야별 선정 심의",
        },
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="review.selection.meeting_created").exists()


def test_a_decision_departing_from_the_proposal_needs_its_reasons(client, call, three, secretary):
    category = leap(call)
    propose_all(category, secretary)
    at = meeting(call, secretary)
    proposal = SelectionProposal.objects.get(candidate=three[1])
    log_in(client, secretary)
    url = reverse("review:selection_decide", kwargs={"pk": at.pk, "proposal_pk": proposal.pk})
    response = client.post(url, {"decision": SelectionDecision.RESERVE, "reason": ""})
    assert response.status_code == 400
    assert (
        ko("The decision on “%(title)s” departs from the secretary's proposal: give the reasons.", title=three[1].title)
        in response.content.decode()
    )
    response = client.post(url, {"decision": SelectionDecision.RESERVE, "reason": "파트너 협약 미비"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.decision, proposal.reason, proposal.meeting) == (SelectionDecision.RESERVE, "파트너 협약 미비", at)
    assert AuditEvent.objects.filter(action="review.selection.decided", object_id=str(proposal.pk)).exists()


def test_the_committee_cannot_select_a_candidate_judged_not_essential(call, three, secretary):
    propose_all(leap(call), secretary)
    with pytest.raises(DomainError) as error:
        selection.decision_record(
            SelectionProposal.objects.get(candidate=three[2]),
            meeting=meeting(call, secretary),
            decision=SelectionDecision.SELECTED,
            reason="위원회 판단",
            actor=secretary,
        )
    assert error.value.code == "essential"


def test_a_category_with_undecided_candidates_cannot_be_closed(call, three, secretary):
    propose_all(leap(call), secretary)
    at = meeting(call, secretary)
    selection.decision_record(
        SelectionProposal.objects.get(candidate=three[0]),
        meeting=at,
        decision=SelectionDecision.SELECTED,
        actor=secretary,
    )
    with pytest.raises(DomainError) as error:
        selection.category_close(leap(call), meeting=at, actor=secretary)
    assert error.value.code == "undecided" and "2" in error.value.message
    assert not CategoryClosure.objects.exists()


def test_a_category_over_its_quota_cannot_be_closed(client, call, three, secretary):
    category = leap(call)
    category.quota = 1
    category.save()
    propose_all(category, secretary)
    at = meeting(call, secretary)
    decide_as_proposed(category, at, secretary)  # two selected for a quota of one
    log_in(client, secretary)
    response = client.post(reverse("review:selection_category_close", kwargs={"pk": at.pk, "category_pk": category.pk}))
    assert response.status_code == 400
    assert (
        ko(
            "“%(category)s”: %(selected)d selected exceed its quota of %(quota)d.",
            category=category.name,
            selected=2,
            quota=1,
        )
        in response.content.decode()
    )
    assert not CategoryClosure.objects.exists()
    # one selection moved to the reserve list, with its reason: the category closes within its quota
    selection.decision_record(
        SelectionProposal.objects.get(candidate=three[1]),
        meeting=at,
        decision=SelectionDecision.RESERVE,
        reason="할당 초과로 예비",
        actor=secretary,
    )
    response = client.post(reverse("review:selection_category_close", kwargs={"pk": at.pk, "category_pk": category.pk}))
    assert response.status_code == 302
    closure = CategoryClosure.objects.get()
    assert (closure.selected, closure.quota, closure.meeting) == (1, 1, at)
    assert AuditEvent.objects.filter(action="review.selection.category_closed").exists()
    with pytest.raises(DomainError) as error:  # closed: the decisions hold
        selection.decision_record(
            SelectionProposal.objects.get(candidate=three[1]),
            meeting=at,
            decision=SelectionDecision.SELECTED,
            reason="재심의",
            actor=secretary,
        )
    assert error.value.code == "closed"


def test_the_database_refuses_a_closure_over_the_quota(call, secretary):
    at = meeting(call, secretary)
    with pytest.raises(IntegrityError), transaction.atomic():
        CategoryClosure.objects.create(
            category=foundational(call), meeting=at, selected=51, quota=50, closed_by=secretary
        )


def test_a_closed_meeting_takes_no_more_decisions(client, call, three, secretary):
    propose_all(leap(call), secretary)
    at = meeting(call, secretary)
    log_in(client, secretary)
    assert client.post(reverse("review:selection_meeting_close", kwargs={"pk": at.pk})).status_code == 302
    at.refresh_from_db()
    assert at.closed_at and at.closed_by == secretary
    assert AuditEvent.objects.filter(action="review.selection.meeting_closed").exists()
    with pytest.raises(DomainError) as error:
        selection.decision_record(
            SelectionProposal.objects.get(candidate=three[0]),
            meeting=at,
            decision=SelectionDecision.SELECTED,
            actor=secretary,
        )
    assert error.value.code == "meeting_closed"


def test_the_meeting_page_shows_each_category_with_its_quota(client, call, three, secretary):
    propose_all(leap(call), secretary)
    at = meeting(call, secretary)
    log_in(client, secretary)
    page = client.get(reverse("review:selection_meeting", kwargs={"pk": at.pk})).content.decode()
    assert leap(call).name in page and foundational(call).name in page
    assert all(c.title in page for c in three)
    assert page.count('data-testid="decision-form"') == 3
    assert "안건: 분야별 선정" in page


@pytest.mark.parametrize("role", ["applicant", "reviewer"])
def test_applicants_and_reviewers_get_404_on_the_selection_pages(client, call, three, secretary, role):
    propose_all(leap(call), secretary)
    at = meeting(call, secretary)
    proposal = SelectionProposal.objects.first()
    log_in(client, make_user(role))
    for url in (
        reverse("review:selection", kwargs={"pk": call.pk}),
        reverse("review:selection_proposal", kwargs={"pk": leap(call).pk}),
        reverse("review:selection_meeting", kwargs={"pk": at.pk}),
    ):
        assert client.get(url).status_code == 404, url
    decide = reverse("review:selection_decide", kwargs={"pk": at.pk, "proposal_pk": proposal.pk})
    assert client.post(decide, {"decision": SelectionDecision.SELECTED}).status_code == 404
    proposal.refresh_from_db()
    assert proposal.decision == ""


def test_a_technology_call_has_no_selection_pages(client, admin):
    log_in(client, admin)
    technology = make_survey(stage=SurveyStage.NATIONAL_COMMITTEE)
    assert client.get(reverse("review:selection", kwargs={"pk": technology.pk})).status_code == 404


def test_the_secretary_dashboard_and_the_call_tabs_lead_to_the_selection(client, call, secretary, admin):
    url = reverse("review:selection", kwargs={"pk": call.pk})
    log_in(client, secretary)
    assert url in client.get(reverse("dashboard", kwargs={"role": "secretary"})).content.decode()
    log_in(client, admin)
    assert url in client.get(reverse("surveys:manage_detail", kwargs={"pk": call.pk})).content.decode()
