"""An international R&D call at its selection: two closed evaluation layers, candidates with the final layer's outcome
per category, and helpers to carry it through the committee to the selection announcement."""

from datetime import date, timedelta
from decimal import Decimal
from itertools import count

from django.utils import timezone

from portal.enums import OrganizationType
from review.enums import LayerKind, SelectionDecision
from review.models import EvaluationLayer, LayerOutcome
from review.services import notices, selection
from surveys.enums import ApplicationStatus, SurveyKind, SurveyStage
from surveys.models import Application, Candidate
from tests.factories import OrganizationFactory, make_user
from tests.surveys.helpers import make_survey

_serial = count(1)


def rnd_call(admin=None, *, stage=SurveyStage.SELECTION):
    """The call with its two default categories (leapfrogging: 5 years, 48; foundational: 10 years, 50) and two
    closed layers."""
    survey = make_survey(
        kind=SurveyKind.INTERNATIONAL_RND,
        stage=stage,
        fields=("SEM", "BAT"),
        eligible_types=(OrganizationType.COMPANY,),
        actor=admin,
    )
    # The call was given its default layers when it was created; both are closed here.
    assert sorted(survey.evaluation_layers.values_list("number", "kind")) == [
        (1, LayerKind.SCORING),
        (2, LayerKind.PANEL),
    ]
    EvaluationLayer.objects.filter(survey=survey).update(closed_at=timezone.now())
    return survey


def leap(survey):
    return survey.categories.get(horizon_years=5)


def foundational(survey):
    return survey.categories.get(horizon_years=10)


def proposal_answers(title: str, *, countries=("BE",), budget=None, category=None) -> dict:
    budget = (
        budget
        if budget is not None
        else [
            {"year": "2028", "government": "35", "private": "15", "total": "50"},
            {"year": "2027", "government": "30", "private": "10", "total": "40"},
        ]
    )
    return {
        "basic": {"technology_name": title, "field": "SEM", "category": str(category.pk) if category else ""},
        "cooperation": {
            "partners": [
                {"country": code, "institution": f"기관 {code}", "role": "공동 연구", "agreement": "mou"}
                for code in countries
            ],
            "why_cooperation": "국내에 검증 인프라가 없음",
        },
        "budget": {"budget": budget},
    }


def applicant(name: str = "가람반도체"):
    return make_user("applicant", organization=OrganizationFactory(name=name), manager=True)


def candidate(
    survey, category, title: str, *, rank: int, essential=True, score="80.00", user=None, countries=("BE",), budget=None
) -> Candidate:
    """A received proposal, its candidate, and the final layer's outcome for it."""
    n = next(_serial)
    user = user or applicant(f"국제협력 {n}")
    organization = user.memberships.get().organization
    found = Candidate.objects.create(survey=survey, number=f"IRD-{survey.pk}-{n:04d}", title=title, field_code="SEM")
    Application.objects.create(
        survey=survey,
        organization=organization,
        status=ApplicationStatus.ACCEPTED,
        field_code="SEM",
        title=title,
        receipt_number=f"R-{survey.pk}-{n:05d}",
        version_count=1,
        submitted_at=timezone.now(),
        candidate=found,
        answers=proposal_answers(title, countries=countries, budget=budget, category=category),
        created_by=user,
        updated_by=user,
    )
    layer = selection.final_layer(survey)
    LayerOutcome.objects.create(
        layer=layer,
        candidate=found,
        category=category,
        score=Decimal(score),
        rank=rank,
        essential=essential,
        computed_at=timezone.now(),
    )
    return found


def propose_all(category, actor, *, proposed=None):
    """Propose the candidates of a category in the final layer's order; ``proposed`` limits who is proposed."""
    rows = selection.category_rows(category)
    choices = [
        selection.Choice(
            candidate_id=row.candidate.pk,
            rank=row.outcome.rank,
            proposed=(row.essential if proposed is None else row.candidate in proposed),
        )
        for row in rows
    ]
    return selection.proposal_save(category, choices=choices, actor=actor)


def meeting(survey, actor):
    return selection.meeting_create(
        survey,
        held_on=date.today(),
        place="정부세종청사",
        chair="김위원장",
        members_present=7,
        minutes="안건: 분야별 선정",
        actor=actor,
    )


def decide_as_proposed(category, at, actor):
    for proposal in category.proposals.all():
        decision = SelectionDecision.SELECTED if proposal.proposed else SelectionDecision.NOT_SELECTED
        selection.decision_record(proposal, meeting=at, decision=decision, actor=actor)


def closed_selection(survey, actor):
    """Every category proposed as the panel ranked it, decided as proposed and closed at one meeting."""
    at = meeting(survey, actor)
    for category in survey.categories.all():
        if not category.proposals.exists():
            propose_all(category, actor)
        decide_as_proposed(category, at, actor)
        selection.category_close(category, meeting=at, actor=actor)
    return at


def announcement(survey, admin, *, number="산업통상자원부 공고 제2027-101호"):
    return notices.notice_draft(
        survey,
        number=number,
        title="국제공동 R&D 후보기술 선정 공고",
        effective_on=timezone.localdate() + timedelta(days=1),
        actor=admin,
    )
