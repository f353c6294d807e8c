"""Each kind of call runs its own pipeline, defined here as data and nowhere else.

A pipeline names its stages in order, the stages a call may leave out (the complex call's public
hearing), the extra moves a kind allows (a skip forward, always with a reason), its review layers,
its default criteria and its outcome (what is published and in which register). Everything that asks
"may this happen now?" asks a named *gate* (``survey_in_gate(survey, "scoring")``), never a stage name.

Moves are derived from the order: to the next stage needs no reason; one step back (to correct a
mistake) needs one; a declared skip needs one; a stage the call does not have is never offered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from surveys.criteria import COMPLEX_CRITERIA, DEFAULT_CRITERIA, INTERNATIONAL_CRITERIA
from surveys.enums import SurveyKind, SurveyStage

S = SurveyStage

#: Stages from which a call never goes back.
FINAL_STAGES = frozenset({S.NOTICE, S.CLOSED})


@dataclass(frozen=True)
class ReviewLayer:
    key: str
    label: str
    stage: str
    #: Reviewers read a redacted copy and never learn who applied.
    blind: bool


@dataclass(frozen=True)
class Outcome:
    key: str
    #: What one published item is called ("designated technology").
    label: str
    #: What the published document is called ("designation notice").
    notice_label: str
    #: The URL name of the public register this outcome is listed in.
    register_url: str
    register_label: str


@dataclass(frozen=True)
class Pipeline:
    kind: str
    stages: tuple[str, ...]
    #: stage → the name of the call's boolean field that switches it on.
    optional: dict[str, str] = field(default_factory=dict)
    #: Extra forward moves (always with a reason): from → set of to.
    skips: dict[str, frozenset] = field(default_factory=dict)
    layers: tuple[ReviewLayer, ...] = ()
    default_criteria: tuple[tuple[str, str], ...] = ()
    outcome: Outcome | None = None
    #: gate name → stages in which it is open (before optional stages are taken out).
    gates: dict[str, frozenset] = field(default_factory=dict)
    #: Gates that are closed for a call that leaves out the named optional stage.
    gate_needs: dict[str, str] = field(default_factory=dict)
    #: Labels of stages that this kind names differently.
    labels: dict[str, str] = field(default_factory=dict)
    #: The body that confirms the list for the national committee.
    committee: str = _("Technical Coordination Committee")
    #: Proposals are filed in categories with a horizon and a quota (``surveys.Category``).
    has_categories: bool = False

    # -- stages --------------------------------------------------------------------------------
    def stages_of(self, survey) -> list[str]:
        """The stages this call has, in order."""
        return [stage for stage in self.stages if self._enabled(survey, stage)]

    def has_stage(self, survey, stage: str) -> bool:
        return stage in self.stages and self._enabled(survey, stage)

    def _enabled(self, survey, stage: str) -> bool:
        switch = self.optional.get(stage)
        return switch is None or bool(getattr(survey, switch, False))

    def label(self, stage: str) -> str:
        return self.labels.get(stage) or SurveyStage(stage).label

    def transitions(self, survey, current: str | None = None) -> dict[str, bool]:
        """Where the call may move from ``current`` (its stage by default): {to: reason required}."""
        current = current or survey.stage
        order = self.stages_of(survey)
        if current not in order:
            return {}
        index = order.index(current)
        moves: dict[str, bool] = {}
        if index + 1 < len(order):
            moves[order[index + 1]] = False
        for target in self.skips.get(current, ()):
            if target in order and target not in moves and order.index(target) > index:
                moves[target] = True
        if index > 0 and current not in FINAL_STAGES:
            moves[order[index - 1]] = True
        return moves

    def next_stage(self, survey) -> str | None:
        order = self.stages_of(survey)
        index = order.index(survey.stage) if survey.stage in order else -1
        return order[index + 1] if 0 <= index < len(order) - 1 else None

    # -- gates ---------------------------------------------------------------------------------
    def gate(self, survey, name: str) -> frozenset:
        if name not in self.gates:
            raise KeyError(f"unknown gate {name!r}")
        needs = self.gate_needs.get(name)
        if needs and not self.has_stage(survey, needs):
            return frozenset()
        return frozenset(stage for stage in self.gates[name] if self.has_stage(survey, stage))

    @property
    def review_label(self) -> str:
        """What the first review stage is called in this kind ("Technical review", "Expert advisory panel")."""
        return self.label(self.layers[0].stage) if self.layers else ""

    def layer(self, key: str) -> ReviewLayer | None:
        return next((layer for layer in self.layers if layer.key == key), None)


def _gates(**named) -> dict[str, frozenset]:
    return {name: frozenset(stages) for name, stages in named.items()}


_COMMON_GATES = dict(
    #: The call is visible to the public.
    public=[
        S.DISTRIBUTION,
        S.COLLECTION,
        S.TECHNICAL_REVIEW,
        S.ADVISORY_REVIEW,
        S.SUBCOMMITTEE,
        S.EXPERT_EVALUATION,
        S.PANEL_EVALUATION,
        S.SELECTION,
        S.HEARING,
        S.NATIONAL_COMMITTEE,
        S.NOTICE,
        S.CLOSED,
    ],
    #: Organisations may prepare applications and ask to exclude experts.
    filing=[S.DISTRIBUTION, S.COLLECTION],
    #: Applications may be submitted and amended (before the deadline).
    collection=[S.COLLECTION],
    #: What applicants answer and reviewers score (criteria, extra questions) may still change: not once
    #: the first review stage has begun.
    setup=[S.DRAFT, S.DISTRIBUTION, S.COLLECTION],
    #: The call's own settings may still change.
    editable=[
        S.DRAFT,
        S.DISTRIBUTION,
        S.COLLECTION,
        S.TECHNICAL_REVIEW,
        S.ADVISORY_REVIEW,
        S.SUBCOMMITTEE,
        S.EXPERT_EVALUATION,
        S.PANEL_EVALUATION,
        S.SELECTION,
        S.HEARING,
        S.NATIONAL_COMMITTEE,
    ],
    #: The national committee meets and resolves.
    deliberation=[S.NATIONAL_COMMITTEE],
    #: The national committee's meetings are listed for the secretary.
    national_list=[S.NATIONAL_COMMITTEE, S.NOTICE],
    #: The notice may be drafted and published.
    notice_drafting=[S.NATIONAL_COMMITTEE, S.NOTICE, S.CLOSED],
    #: Hearing comments are accepted.
    hearing_commenting=[S.HEARING],
    #: The ministry answers hearing comments.
    hearing_answering=[S.HEARING, S.NATIONAL_COMMITTEE],
    #: The hearing list and its comments are public.
    hearing_public=[S.HEARING, S.NATIONAL_COMMITTEE, S.NOTICE, S.CLOSED],
)
_HEARING_GATES = {"hearing_commenting": S.HEARING, "hearing_answering": S.HEARING, "hearing_public": S.HEARING}


def _stages(*review: str) -> tuple[str, ...]:
    """Every call is drafted, distributed and collected, and ends with its notice; the stages between are its own."""
    return (S.DRAFT, S.DISTRIBUTION, S.COLLECTION, *review, S.NOTICE, S.CLOSED)


#: A call may open straight for collection, without a distribution stage of its own.
_OPEN_EARLY = {S.DRAFT: frozenset({S.COLLECTION})}


TECHNOLOGY = Pipeline(
    kind=SurveyKind.TECHNOLOGY,
    stages=_stages(S.TECHNICAL_REVIEW, S.HEARING, S.NATIONAL_COMMITTEE),
    skips={**_OPEN_EARLY, S.TECHNICAL_REVIEW: frozenset({S.NATIONAL_COMMITTEE})},
    layers=(ReviewLayer("expert", _("Field-specific private review"), S.TECHNICAL_REVIEW, blind=True),),
    default_criteria=tuple(DEFAULT_CRITERIA),
    outcome=Outcome(
        "technology",
        _("Designated technology"),
        _("Designation notice"),
        "review:register",
        _("Register of designated technologies"),
    ),
    gates=_gates(
        **_COMMON_GATES,
        #: A returned application may still be corrected and resubmitted.
        correction=[S.COLLECTION, S.TECHNICAL_REVIEW],
        scoring=[S.TECHNICAL_REVIEW],
        recommending=[S.TECHNICAL_REVIEW],
        review_lists=[S.TECHNICAL_REVIEW, S.HEARING],
    ),
    gate_needs=_HEARING_GATES,
)

COMPLEX = Pipeline(
    kind=SurveyKind.COMPLEX,
    stages=_stages(S.ADVISORY_REVIEW, S.SUBCOMMITTEE, S.HEARING, S.NATIONAL_COMMITTEE),
    optional={S.HEARING: "with_hearing"},
    skips={**_OPEN_EARLY, S.SUBCOMMITTEE: frozenset({S.NATIONAL_COMMITTEE})},
    layers=(ReviewLayer("advisory", _("Expert advisory panel"), S.ADVISORY_REVIEW, blind=False),),
    default_criteria=tuple(COMPLEX_CRITERIA),
    outcome=Outcome(
        "complex",
        _("Designated specialised complex"),
        _("Designation notice of specialised complexes"),
        "review:complex_register",
        _("Register of designated specialised complexes"),
    ),
    gates=_gates(
        **_COMMON_GATES,
        correction=[S.COLLECTION, S.ADVISORY_REVIEW],
        scoring=[S.ADVISORY_REVIEW],
        site_visits=[S.ADVISORY_REVIEW, S.SUBCOMMITTEE],
        recommending=[S.SUBCOMMITTEE],
        review_lists=[S.ADVISORY_REVIEW, S.SUBCOMMITTEE, S.HEARING],
    ),
    gate_needs=_HEARING_GATES,
    labels={S.NATIONAL_COMMITTEE: _("National committee (chaired by the Prime Minister)")},
    committee=_("Specialised-complex subcommittee"),
)

INTERNATIONAL_RND = Pipeline(
    kind=SurveyKind.INTERNATIONAL_RND,
    stages=_stages(S.EXPERT_EVALUATION, S.PANEL_EVALUATION, S.SELECTION),
    skips={**_OPEN_EARLY},
    layers=(
        ReviewLayer("layer1", _("Layer 1: anonymous expert scoring"), S.EXPERT_EVALUATION, blind=True),
        ReviewLayer("layer2", _("Layer 2: independent anonymous panel"), S.PANEL_EVALUATION, blind=True),
    ),
    default_criteria=tuple(INTERNATIONAL_CRITERIA),
    outcome=Outcome(
        "rnd",
        _("Selected candidate technology"),
        _("Selection announcement"),
        "review:rnd_selected",
        _("Selected international R&D candidates"),
    ),
    gates=_gates(
        **{**_COMMON_GATES, "notice_drafting": [S.SELECTION, S.NOTICE, S.CLOSED], "national_list": []},
        correction=[S.COLLECTION, S.EXPERT_EVALUATION],
        scoring=[S.EXPERT_EVALUATION],
        recommending=[S.SELECTION],
        review_lists=[S.EXPERT_EVALUATION, S.PANEL_EVALUATION, S.SELECTION],
        #: The evaluation layers and their rules may still change.
        layer_setup=[S.DRAFT, S.DISTRIBUTION, S.COLLECTION],
        #: Members of the independent panels record their judgements.
        panel_judging=[S.PANEL_EVALUATION],
    ),
    gate_needs=_HEARING_GATES,
    labels={S.NOTICE: _("Selection announcement")},
    committee=_("Selection committee"),
    has_categories=True,
)

PIPELINES: dict[str, Pipeline] = {p.kind: p for p in (TECHNOLOGY, COMPLEX, INTERNATIONAL_RND)}


def pipeline_of(survey_or_kind) -> Pipeline:
    kind = getattr(survey_or_kind, "kind", survey_or_kind)
    return PIPELINES[kind]


def survey_in_gate(survey, name: str) -> bool:
    """Whether the gate ``name`` is open for this call now."""
    return survey is not None and survey.stage in pipeline_of(survey).gate(survey, name)


def gate_q(name: str, prefix: str = "") -> Q:
    """A filter for calls (or, with ``prefix="survey__"``, rows of calls) whose gate ``name`` is open."""
    parts = []
    for pipeline in PIPELINES.values():
        stages = set(pipeline.gates.get(name, ()))
        if not stages:
            continue
        needs = pipeline.gate_needs.get(name)
        if needs and needs not in pipeline.stages:
            continue
        stages &= set(pipeline.stages)
        switch = pipeline.optional.get(needs) if needs else None
        plain = {stage for stage in stages if stage not in pipeline.optional}
        optional = stages - plain
        condition = Q(**{f"{prefix}kind": pipeline.kind})
        if switch:
            condition &= Q(**{f"{prefix}{switch}": True})
        stage_q = Q(**{f"{prefix}stage__in": sorted(plain)}) if plain else Q(pk__in=[])
        for stage in optional:
            stage_q |= Q(**{f"{prefix}stage": stage, f"{prefix}{pipeline.optional[stage]}": True})
        parts.append(condition & stage_q)
    return reduce(or_, parts) if parts else Q(pk__in=[])


#: Checks other apps add to stage moves (``guard(survey, to)`` raises ``DomainError`` to refuse): the
#: evaluation layers of an international R&D call must be closed before its call moves on. Surveys knows
#: nothing of what is checked; the app that owns it registers the check in its ``AppConfig.ready``.
_transition_guards: list = []


def register_transition_guard(guard) -> None:
    if guard not in _transition_guards:
        _transition_guards.append(guard)


def check_transition_guards(survey, to: str) -> None:
    for guard in _transition_guards:
        guard(survey, to)
