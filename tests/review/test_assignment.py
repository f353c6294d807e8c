"""Assignment: never a conflicted reviewer, never twice, never too many, load balanced; by hand; replacement."""

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.enums import OrganizationType, Role
from portal.exceptions import DomainError
from portal.models import Membership
from portal.models.identity import AssociationMembership
from review.enums import ACTIVE_ASSIGNMENTS, AssignmentStatus
from review.models import Assignment, ExclusionRequest, ReviewerConflict, ReviewPlan
from review.services import assignment as assigning
from review.services import reviewing
from tests.factories import OrganizationFactory, make_user
from tests.review.helpers import accepted_application, add_reviewer, assign, log_in, organization_of

pytestmark = pytest.mark.django_db

ASSOCIATION_NAME = "한국로봇산업협회"

# How a reviewer's stated organisation may be spelled: the normalised name must still match.
COMPANY_SPELLINGS = [
    lambda base: f"{base} 주식회사",
    lambda base: base,
    lambda base: f"(주){base}",
    lambda base: f"{base}(주)",
    lambda base: f"㈜{base}",
    lambda base: f"주식회사 {base}",
    lambda base: f"  {base[:2]} {base[2:]} ",
]
ASSOCIATION_SPELLINGS = [
    lambda base: base,
    lambda base: "한국 로봇산업 협회",
    lambda base: f" {base} ",
]

AFFILIATION = st.one_of(
    st.just(("none",)),
    st.tuples(st.just("company_fk"), st.integers(0, 2)),
    st.tuples(st.just("company_name"), st.integers(0, 2), st.integers(0, len(COMPANY_SPELLINGS) - 1)),
    st.tuples(st.just("company_member"), st.integers(0, 2)),
    st.just(("association_fk",)),
    st.tuples(st.just("association_name"), st.integers(0, len(ASSOCIATION_SPELLINGS) - 1)),
)
REVIEWER = st.fixed_dictionaries(
    {
        # most experts work elsewhere; some for a submitter (or its association) in one of several ways
        "affiliation": st.one_of(st.just(("none",)), AFFILIATION),
        # organisations declared as standing conflicts: companies 0–2, 3 is the association
        "declared": st.sets(st.integers(0, 3), max_size=2),
        # candidates whose applicant asked to exclude this expert, by e-mail (any case) or by name
        "excluded_by_email": st.sets(st.integers(0, 2), max_size=2),
        "excluded_by_name": st.sets(st.integers(0, 2), max_size=1),
    }
)
SCENARIO = st.fixed_dictionaries(
    {
        "per_candidate": st.integers(1, 4),
        "reviewers": st.lists(REVIEWER, min_size=2, max_size=7),
    }
)


@pytest.fixture
def world(open_survey, complete_answers, admin, panel):
    """Three candidates from three companies; companies 0 and 1 belong to the robot association."""
    association = OrganizationFactory(type=OrganizationType.ASSOCIATION, name=ASSOCIATION_NAME, code="KAR")
    companies, candidates = [], []
    for index in range(3):
        base = f"한빛로보틱스{index}"
        company = OrganizationFactory(type=OrganizationType.COMPANY, name=f"{base} 주식회사")
        if index < 2:
            AssociationMembership.objects.create(member=company, association=association)
        user = make_user("applicant", organization=company, manager=True)
        application = accepted_application(open_survey, user, complete_answers, admin, title=f"기술 {index}")
        companies.append((company, base))
        candidates.append(application.candidate)
    return {"association": association, "companies": companies, "candidates": candidates, "panel": panel}


def _organizations_of_candidate(index: int) -> set[int]:
    """The oracle: candidate i's submitter is company i; companies 0 and 1 add the association (3)."""
    return {index, 3} if index < 2 else {index}


def _expected_conflict(spec: dict, index: int) -> bool:
    organizations = _organizations_of_candidate(index)
    kind, *args = spec["affiliation"]
    if kind in ("company_fk", "company_name", "company_member") and args[0] in organizations:
        return True
    if kind in ("association_fk", "association_name") and 3 in organizations:
        return True
    return bool(spec["declared"] & organizations) or index in spec["excluded_by_email"] | spec["excluded_by_name"]


def _build_reviewer(world, spec: dict, number: int):
    association = world["association"]
    organization_of_index = {i: company for i, (company, _base) in enumerate(world["companies"])}
    organization_of_index[3] = association
    kind, *args = spec["affiliation"]
    name = f"평가위원{number}호"
    profile = {"organization_name": "한국기계연구원", "organization": None}
    if kind == "company_fk":
        company, _base = world["companies"][args[0]]
        profile = {"organization_name": company.name, "organization": company}
    elif kind == "company_name":
        _company, base = world["companies"][args[0]]
        profile = {"organization_name": COMPANY_SPELLINGS[args[1]](base), "organization": None}
    elif kind == "association_fk":
        profile = {"organization_name": association.name, "organization": association}
    elif kind == "association_name":
        profile = {"organization_name": ASSOCIATION_SPELLINGS[args[0]](association.name), "organization": None}
    reviewer = add_reviewer(world["panel"], name=name, **profile)
    if kind == "company_member":
        company, _base = world["companies"][args[0]]
        Membership.objects.create(user=reviewer, organization=company, role=Role.APPLICANT)
    for index in spec["declared"]:
        ReviewerConflict.objects.create(reviewer=reviewer, organization=organization_of_index[index])
    for index in spec["excluded_by_email"]:
        application = world["candidates"][index].applications.get()
        ExclusionRequest.objects.create(application=application, email=reviewer.email.upper(), reason="경쟁사")
    for index in spec["excluded_by_name"]:
        application = world["candidates"][index].applications.get()
        ExclusionRequest.objects.create(application=application, name=f" {name[:3]} {name[3:]}", reason="공동연구")
    return reviewer


@pytest.mark.slow  # assigns a large field and checks every pair
def test_automatic_assignment_is_conflict_free_unique_bounded_and_balanced(open_survey, admin, world):
    candidates = world["candidates"]
    checked = {"examples": 0, "assignments": 0, "conflicts": 0}

    @settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
    @given(SCENARIO)
    def run(scenario):
        with transaction.atomic():
            ReviewPlan.objects.update_or_create(
                survey=open_survey, defaults={"reviewers_per_candidate": scenario["per_candidate"]}
            )
            specs = scenario["reviewers"]
            reviewers = [_build_reviewer(world, spec, n) for n, spec in enumerate(specs)]

            result = assigning.assign_automatically(open_survey, actor=admin)

            loads = {reviewer.pk: 0 for reviewer in reviewers}
            eligible_everywhere = set(loads)
            for index, candidate in enumerate(candidates):  # the order assign_automatically fills them in
                facts = assigning.conflict_facts(candidate)
                eligible = set()
                for spec, reviewer in zip(specs, reviewers):
                    reason = assigning.conflict_reason(reviewer, facts)
                    expected = _expected_conflict(spec, index)
                    assert (reason is not None) == expected, (spec, index, reason)
                    if reason is None:
                        eligible.add(reviewer.pk)
                    else:
                        eligible_everywhere.discard(reviewer.pk)
                        checked["conflicts"] += 1
                chosen = list(Assignment.objects.filter(candidate=candidate).values_list("reviewer_id", flat=True))
                # never twice, never a conflicted reviewer, never more than the plan asks for
                assert len(chosen) == len(set(chosen))
                assert set(chosen) <= eligible
                active = Assignment.objects.filter(candidate=candidate, status__in=ACTIVE_ASSIGNMENTS).count()
                assert active <= scenario["per_candidate"]
                # filled whenever the panel can, reported short otherwise
                assert active == min(scenario["per_candidate"], len(eligible))
                shortfall = scenario["per_candidate"] - active
                assert ((candidate.number, shortfall) in result.short) == (shortfall > 0)
                # least loaded first: nobody passed over had fewer assignments than someone chosen
                passed_over = eligible - set(chosen)
                if chosen and passed_over:
                    assert max(loads[pk] for pk in chosen) <= min(loads[pk] for pk in passed_over)
                for pk in chosen:
                    loads[pk] += 1
                checked["assignments"] += len(chosen)
            assert result.created == sum(loads.values())
            # reviewers free to review every candidate end up within one assignment of each other
            balanced = [loads[pk] for pk in eligible_everywhere]
            if balanced:
                assert max(balanced) - min(balanced) <= 1, loads
            # running it again adds nothing: every candidate is full or its panel exhausted
            assert assigning.assign_automatically(open_survey, actor=admin).created == 0
            checked["examples"] += 1
            transaction.set_rollback(True)

    run()
    assert checked["examples"] >= 40
    assert checked["assignments"] > 0 and checked["conflicts"] > 0
    assert not Assignment.objects.exists()  # every example rolled back


@pytest.mark.parametrize("spelling", range(len(COMPANY_SPELLINGS)))
def test_a_reviewer_naming_the_submitting_company_in_any_spelling_is_in_conflict(world, spelling):
    company, base = world["companies"][2]
    spec = {
        "affiliation": ("company_name", 2, spelling),
        "declared": set(),
        "excluded_by_email": set(),
        "excluded_by_name": set(),
    }
    reviewer = _build_reviewer(world, spec, 1)
    facts = [assigning.conflict_facts(candidate) for candidate in world["candidates"]]
    assert assigning.conflict_reason(reviewer, facts[2]) is not None, reviewer.reviewer_profile.organization_name
    assert assigning.conflict_reason(reviewer, facts[0]) is None


@pytest.mark.parametrize("spelling", range(len(ASSOCIATION_SPELLINGS)))
def test_a_reviewer_naming_the_association_is_in_conflict_with_its_members_only(world, spelling):
    spec = {
        "affiliation": ("association_name", spelling),
        "declared": set(),
        "excluded_by_email": set(),
        "excluded_by_name": set(),
    }
    reviewer = _build_reviewer(world, spec, 1)
    reasons = [assigning.conflict_reason(reviewer, assigning.conflict_facts(c)) for c in world["candidates"]]
    assert [reason is not None for reason in reasons] == [True, True, False]


# -- by hand -------------------------------------------------------------------------------


def test_assign_by_hand_refuses_a_reviewer_from_the_submitting_company(candidate, applicant, admin, panel):
    company = organization_of(applicant)
    insider = add_reviewer(panel, name="정내부", organization_name=company.name, organization=company)
    with pytest.raises(DomainError) as caught:
        assigning.assign_by_hand(candidate, insider, actor=admin)
    assert caught.value.code == "conflict"
    reason = assigning.conflict_reason(insider, assigning.conflict_facts(candidate))
    assert reason and reason in caught.value.message
    assert not Assignment.objects.filter(candidate=candidate).exists()


def test_assign_by_hand_refuses_declared_conflicts_and_exclusions(candidate, applicant, admin, panel):
    declared = add_reviewer(panel, name="한선언")
    ReviewerConflict.objects.create(reviewer=declared, organization=organization_of(applicant), note="전 직장")
    excluded = add_reviewer(panel, name="오제외")
    ExclusionRequest.objects.create(application=candidate.applications.get(), email=excluded.email, reason="경쟁")
    for reviewer in (declared, excluded):
        with pytest.raises(DomainError) as caught:
            assigning.assign_by_hand(candidate, reviewer, actor=admin)
        assert caught.value.code == "conflict"
    assert not Assignment.objects.filter(candidate=candidate).exists()


def test_assign_by_hand_refuses_non_reviewers_and_duplicates(candidate, admin, reviewers, secretary):
    with pytest.raises(DomainError):
        assigning.assign_by_hand(candidate, secretary, actor=admin)
    assignment = assign(candidate, reviewers[0], admin)
    assert (assignment.status, assignment.pseudonym) == (AssignmentStatus.ASSIGNED, "A")
    with pytest.raises(DomainError):
        assigning.assign_by_hand(candidate, reviewers[0], actor=admin)
    assert assign(candidate, reviewers[1], admin).pseudonym == "B"
    assert Assignment.objects.filter(candidate=candidate).count() == 2


def test_the_assign_screen_shows_the_conflict_message(client, candidate, applicant, admin, panel):
    company = organization_of(applicant)
    insider = add_reviewer(panel, name="정내부", organization_name=f"(주){company.name.replace(' 주식회사', '')}")
    log_in(client, admin)
    url = reverse("review:candidate_assign", kwargs={"pk": candidate.pk})
    response = client.post(url, {"reviewer": insider.pk})
    assert response.status_code == 400
    reason = assigning.conflict_reason(insider, assigning.conflict_facts(candidate))
    assert reason and reason in response.content.decode()
    assert not Assignment.objects.filter(candidate=candidate).exists()


# -- decline and conflict: replacement -----------------------------------------------------


@pytest.fixture
def one_per_candidate(open_survey):
    return ReviewPlan.objects.create(survey=open_survey, reviewers_per_candidate=1)


def _admin_mails(admin):
    return [m for m in mail.outbox if admin.email in m.to]


def test_a_decline_ends_the_assignment_replaces_the_reviewer_and_mails_the_admins(
    open_survey,
    candidate,
    admin,
    reviewers,
    secretary,
    one_per_candidate,
    django_capture_on_commit_callbacks,
):
    other_admin = make_user("admin")
    with django_capture_on_commit_callbacks(execute=True):
        assigning.assign_automatically(open_survey, actor=admin)
    first = Assignment.objects.get(candidate=candidate)
    assert first.reviewer == reviewers[0]
    mail.outbox.clear()

    with pytest.raises(DomainError):
        reviewing.decline(first, reviewer=reviewers[0], reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        reviewing.decline(first, reviewer=reviewers[0], reason="해외 출장으로 기한 내 평가가 어렵습니다.")

    first.refresh_from_db()
    assert first.status == AssignmentStatus.DECLINED
    active = Assignment.objects.filter(candidate=candidate, status__in=ACTIVE_ASSIGNMENTS)
    assert [a.reviewer for a in active] == [reviewers[1]]
    assert active.get().pseudonym == "B"  # a fresh letter: A stays with the declined assignment
    for person in (admin, other_admin):
        sent = [m for m in mail.outbox if person.email in m.to]
        assert len(sent) == 1 and candidate.number in sent[0].subject
    assert not [m for m in mail.outbox if secretary.email in m.to]
    assert [m for m in mail.outbox if reviewers[1].email in m.to]  # the replacement is asked
    assert not [m for m in mail.outbox if reviewers[0].email in m.to]


def test_a_declared_conflict_ends_the_assignment_and_replaces_the_reviewer(
    open_survey,
    candidate,
    admin,
    reviewers,
    one_per_candidate,
    django_capture_on_commit_callbacks,
):
    assigning.assign_automatically(open_survey, actor=admin)
    first = Assignment.objects.get(candidate=candidate)
    reviewing.pledge_sign(open_survey, reviewer=first.reviewer, signed_name=first.reviewer.name)
    with pytest.raises(DomainError):
        reviewing.declare(first, reviewer=first.reviewer, has_conflict=True, note="")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reviewing.declare(first, reviewer=first.reviewer, has_conflict=True, note="신청기관 자문위원으로 활동 중")
    first.refresh_from_db()
    assert first.status == AssignmentStatus.CONFLICTED and first.declared_at is not None
    replacement = Assignment.objects.get(candidate=candidate, status=AssignmentStatus.ASSIGNED)
    assert replacement.reviewer == reviewers[1]
    assert len(_admin_mails(admin)) == 1
    # the reviewer who declared cannot move the assignment on any more
    with pytest.raises(DomainError):
        reviewing.declare(first, reviewer=first.reviewer, has_conflict=False)


def test_a_conflict_declared_through_the_screen_replaces_the_reviewer(
    client,
    open_survey,
    candidate,
    admin,
    reviewers,
    one_per_candidate,
    django_capture_on_commit_callbacks,
):
    assignment = assign(candidate, reviewers[2], admin)
    reviewing.pledge_sign(open_survey, reviewer=reviewers[2], signed_name=reviewers[2].name)
    log_in(client, reviewers[2])
    url = reverse("review:assignment", kwargs={"pk": assignment.pk})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"choice": "conflict", "note": "신청기관과 공동연구 수행 중"})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.CONFLICTED
    assert Assignment.objects.filter(candidate=candidate, status=AssignmentStatus.ASSIGNED).count() == 1
    assert len(_admin_mails(admin)) == 1
    assert client.get(url).status_code == 404  # an ended assignment is closed to its reviewer
