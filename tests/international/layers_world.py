"""An international R&D call carried into its evaluation layers, made through the services."""

from types import SimpleNamespace

from portal.enums import OrganizationType
from review.models import Assignment, EvaluationLayer
from review.services import assignment as assigning
from review.services import layers
from review.services.pool import panel_for
from surveys.enums import SurveyKind, SurveyStage
from surveys.models import Survey
from tests.factories import OrganizationFactory, make_user
from tests.international.test_proposal import _answers
from tests.review.helpers import (
    accepted_candidate,
    add_reviewer,
    full_scores,
    justifications,
    submit_review,
)
from tests.surveys.helpers import make_survey

#: Names that must never reach a later layer's member.
APPLICANTS = ("가람반도체", "누리소재")
CONTACT = "서지우"
EXPERTS = ("김전문가", "박심사위원", "최평가위원")


def at_stage(survey: Survey, stage: str) -> Survey:
    Survey.objects.filter(pk=survey.pk).update(stage=stage)
    survey.refresh_from_db()
    return survey


def candidate_of(call, admin, organization_name: str, title: str):
    user = make_user("applicant", organization=OrganizationFactory(name=organization_name), manager=True)
    answers = _answers(call)
    # Not signed yet: nothing to attach (a signed agreement must be attached before submitting).
    answers["cooperation"]["partners"][0]["agreement"] = "none"
    return accepted_candidate(call, user, answers, admin, title=title), user


def international_world(admin, *, experts=2, members=2, count=2) -> SimpleNamespace:
    """A call in collection with two layers (``experts`` per candidate in layer 1, ``members`` in layer 2),
    two candidates of the leapfrogging category from two companies, and layer 1 assigned in the expert
    evaluation."""
    w = SimpleNamespace(admin=admin)
    w.call = make_survey(
        kind=SurveyKind.INTERNATIONAL_RND,
        stage=SurveyStage.COLLECTION,
        fields=("SEM",),
        eligible_types=(OrganizationType.COMPANY,),
    )
    layers.layers_save(
        w.call,
        count=count,
        actor=admin,
        rules={
            1: {"reviewers_per_candidate": experts},
            2: {"reviewers_per_candidate": members, "max_adjustment": 2},
            3: {"reviewers_per_candidate": 1},
        },
    )
    (w.first, w.applicant), (w.second, w.other_applicant) = (
        candidate_of(w.call, admin, APPLICANTS[0], "차세대 EUV 펠리클 소재"),
        candidate_of(w.call, admin, APPLICANTS[1], "고순도 불화수소 정제"),
    )
    w.layer1, w.layer2, *_third = EvaluationLayer.objects.filter(survey=w.call).order_by("number")
    w.panel1, w.panel2 = panel_for(w.call, "SEM"), panel_for(w.call, "SEM", 2)
    w.experts = [add_reviewer(w.panel1, name=name) for name in EXPERTS[:experts]]
    w.members = [add_reviewer(w.panel2, name=f"검증위원{n}") for n in range(members)]
    at_stage(w.call, SurveyStage.EXPERT_EVALUATION)
    assigning.assign_automatically(w.call, actor=admin)
    return w


def score_layer1(w, values=None) -> None:
    """Every layer-1 expert submits: ``values`` maps a candidate to the score the experts give it."""
    values = values or {w.first.pk: "5", w.second.pk: "3"}
    for assignment in Assignment.objects.filter(candidate__survey=w.call, layer=1).select_related("candidate"):
        submit_review(
            assignment,
            scores=full_scores(w.call, value=values[assignment.candidate_id]),
            texts=justifications(w.call, text=f"{assignment.candidate.number} 근거"),
            comment=f"{assignment.candidate.number} 종합의견",
        )


def into_layer2(w, secretary) -> None:
    """Layer 1 scored and closed, the call in the panel evaluation, layer 2 assigned."""
    score_layer1(w)
    layers.layer_close(w.layer1, actor=secretary)
    at_stage(w.call, SurveyStage.PANEL_EVALUATION)
    assigning.assign_automatically(w.call, actor=w.admin, layer=2)
