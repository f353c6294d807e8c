"""The international R&D call's selection within each category's quota, and its selection announcement.

The secretary proposes a selection per category from the final evaluation layer's outcome (``LayerOutcome`` of the
call's highest-numbered ``EvaluationLayer``); the selection committee decides each proposal at a minuted meeting and
closes each category within its quota. Once every category is closed, the selection announcement (a ``Notice`` of
the call, drafted and published by ``review.services.notices``) lists the selected candidates as ``SelectionItem``
rows, with their partner countries and first-year budget. It designates nothing and fills no register.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.exceptions import DomainError
from portal.services.audit import audit_log, snapshot
from review.enums import AuditAction, SelectionDecision
from review.models import (
    CategoryClosure,
    EvaluationLayer,
    LayerOutcome,
    Notice,
    SelectionItem,
    SelectionMeeting,
    SelectionProposal,
)
from surveys.application_schema import answer_of
from surveys.models import Application, Candidate, Category, Survey

MEETING_FIELDS = ["held_on", "place", "chair", "members_present", "minutes"]


# -- reading the proposals ------------------------------------------------------------------------------------------


def final_layer(survey: Survey) -> EvaluationLayer | None:
    """The call's last layer: its outcome is what the selection starts from."""
    return survey.evaluation_layers.order_by("-number").first()


def partner_countries(application: Application | None) -> list[str]:
    """The ISO codes of the partner institutions' countries, in the proposal's order, each once."""
    rows = answer_of(application, "partners", default=[]) if application is not None else []
    codes = []
    for row in rows if isinstance(rows, list) else []:
        code = str(row.get("country", "") if isinstance(row, dict) else "").strip().upper()
        if code and code not in codes:
            codes.append(code)
    return codes


def _year(row) -> int | None:
    try:
        return int(str(row.get("year", "")).strip())
    except (TypeError, ValueError):
        return None


def first_year_budget(application: Application | None) -> Decimal | None:
    """The total of the budget row with the earliest year (KRW 100 million)."""
    rows = answer_of(application, "budget", default=[]) if application is not None else []
    dated = [
        (year, row)
        for row in (rows if isinstance(rows, list) else [])
        if isinstance(row, dict)
        for year in [_year(row)]
        if year is not None
    ]
    if not dated:
        return None
    try:
        return Decimal(str(min(dated, key=lambda pair: pair[0])[1].get("total", "")).replace(",", "").strip())
    except InvalidOperation:
        return None


def country_names(codes) -> list[str]:
    from django_countries import countries

    return [str(countries.name(code) or code) for code in codes or []]


def latest_applications(candidate_ids) -> dict[int, Application]:
    """candidate id → its latest received application (one query)."""
    latest = {}
    for application in (
        Application.objects.filter(candidate_id__in=list(candidate_ids)).select_related("survey").order_by("pk")
    ):
        latest[application.candidate_id] = application
    return latest


@dataclass
class ProposalRow:
    """One candidate of a category as the secretary and the committee see it."""

    outcome: LayerOutcome
    proposal: SelectionProposal | None
    countries: list[str]

    @property
    def candidate(self) -> Candidate:
        return self.outcome.candidate

    @property
    def rank(self) -> int:
        return self.proposal.rank if self.proposal else (self.outcome.rank or 0)

    @property
    def proposed(self) -> bool:
        return bool(self.proposal and self.proposal.proposed)

    @property
    def essential(self) -> bool:
        return self.outcome.essential is not False


def category_outcomes(category: Category):
    layer = final_layer(category.survey)
    return (
        LayerOutcome.objects.filter(layer=layer, category=category)
        .select_related("candidate")
        .order_by("rank", "candidate__number")
    )


def category_rows(category: Category) -> list[ProposalRow]:
    """The category's candidates in the proposal's order (the final layer's rank where nothing is proposed yet)."""
    outcomes = list(category_outcomes(category))
    proposals = {
        p.candidate_id: p for p in SelectionProposal.objects.filter(category=category).select_related("meeting")
    }
    applications = latest_applications(o.candidate_id for o in outcomes)
    rows = [
        ProposalRow(
            outcome=o,
            proposal=proposals.get(o.candidate_id),
            countries=country_names(partner_countries(applications.get(o.candidate_id))),
        )
        for o in outcomes
    ]
    return sorted(rows, key=lambda row: (row.rank, row.candidate.number))


@dataclass
class CategoryState:
    category: Category
    candidates: int
    proposed: int
    selected: int
    undecided: int
    closure: CategoryClosure | None


def category_states(survey: Survey) -> list[CategoryState]:
    """Each category with its counts (three queries whatever the number of candidates)."""
    layer = final_layer(survey)
    counts = dict(
        LayerOutcome.objects.filter(layer=layer).values("category").annotate(n=Count("pk")).values_list("category", "n")
    )
    proposals = {
        row["category"]: row
        for row in SelectionProposal.objects.filter(category__survey=survey)
        .values("category")
        .annotate(
            proposed=Count("pk", filter=Q(proposed=True)),
            selected=Count("pk", filter=Q(decision=SelectionDecision.SELECTED)),
            decided=Count("pk", filter=~Q(decision="")),
        )
    }
    closures = {c.category_id: c for c in CategoryClosure.objects.filter(category__survey=survey)}
    states = []
    for category in survey.categories.all():
        row = proposals.get(category.pk, {})
        states.append(
            CategoryState(
                category=category,
                candidates=counts.get(category.pk, 0),
                proposed=row.get("proposed", 0),
                selected=row.get("selected", 0),
                undecided=counts.get(category.pk, 0) - row.get("decided", 0),
                closure=closures.get(category.pk),
            )
        )
    return states


def all_closed(survey: Survey) -> bool:
    categories = survey.categories.all()
    return categories.exists() and not categories.filter(closure__isnull=True).exists()


# -- the secretary's proposal ---------------------------------------------------------------------------------------


def _check_gate(survey: Survey) -> None:
    if not survey.in_gate("recommending"):
        raise DomainError(
            _(
                "The selection can be proposed and decided only while the call is in “%(stage)s”; it is "
                "now in “%(current)s”."
            )
            % {"stage": survey.pipeline.label("selection"), "current": survey.stage_label},
            code="stage",
        )


def _check_open(category: Category) -> None:
    if CategoryClosure.objects.filter(category=category).exists():
        raise DomainError(
            _("The selection of “%(category)s” is closed; it can no longer change.") % {"category": category.name},
            code="closed",
        )


def _not_essential(outcome: LayerOutcome) -> DomainError:
    return DomainError(
        _("“%(title)s”: the panel judged that international cooperation is not essential, so it cannot be selected.")
        % {"title": outcome.candidate.title},
        code="essential",
    )


@dataclass
class Choice:
    """The secretary's choice for one candidate."""

    candidate_id: int
    proposed: bool
    rank: int
    note: str = ""


def _check_choice(choice: Choice, outcome: LayerOutcome | None) -> None:
    if outcome is None:
        raise DomainError(_("A candidate is not in this category."), code="candidate")
    if choice.proposed and outcome.essential is False:
        raise _not_essential(outcome)
    if outcome.rank is not None and choice.rank != outcome.rank and not choice.note.strip():
        raise DomainError(
            _("“%(title)s” is moved from place %(panel)d to %(rank)d: give the reason in its note.")
            % {"title": outcome.candidate.title, "panel": outcome.rank, "rank": choice.rank},
            code="note",
        )


@transaction.atomic
def proposal_save(category: Category, *, choices: list[Choice], actor) -> list[SelectionProposal]:
    """Record the secretary's proposal for a category: which candidates are proposed, in which order, with notes."""
    category = Category.objects.select_for_update().select_related("survey").get(pk=category.pk)
    _check_gate(category.survey)
    _check_open(category)
    if SelectionProposal.objects.filter(category=category).exclude(decision="").exists():
        raise DomainError(
            _("The committee has begun deciding this category; the proposal can no longer change."), code="decided"
        )
    outcomes = {o.candidate_id: o for o in category_outcomes(category)}
    ranks = [choice.rank for choice in choices]
    if any(rank < 1 for rank in ranks) or len(set(ranks)) != len(ranks):
        raise DomainError(_("Give each candidate a different place, from 1."), code="rank")
    for choice in choices:
        _check_choice(choice, outcomes.get(choice.candidate_id))
    saved = []
    for choice in choices:
        proposal, _created = SelectionProposal.objects.update_or_create(
            candidate_id=choice.candidate_id,
            defaults={
                "category": category,
                "rank": choice.rank,
                "proposed": choice.proposed,
                "note": choice.note.strip(),
                "proposed_by": actor,
            },
        )
        saved.append(proposal)
    audit_log(
        AuditAction.SELECTION_PROPOSED,
        actor=actor,
        obj=category,
        after={
            "proposed": [p.candidate_id for p in saved if p.proposed],
            "order": [p.candidate_id for p in sorted(saved, key=lambda p: p.rank)],
        },
    )
    return saved


# -- the selection committee ----------------------------------------------------------------------------------------


def _clean_meeting(data: dict) -> dict:
    data = {name: data.get(name) for name in MEETING_FIELDS}
    for name in ("place", "chair", "minutes"):
        data[name] = (data[name] or "").strip()
    if not data["held_on"]:
        raise DomainError(_("Give the date of the meeting."), code="held_on")
    if not data["chair"]:
        raise DomainError(_("Name the chair of the meeting."), code="chair")
    if not data["members_present"] or data["members_present"] < 1:
        raise DomainError(_("Give the number of members present."), code="members_present")
    if not data["minutes"]:
        raise DomainError(_("Write the minutes of the meeting."), code="minutes")
    return data


@transaction.atomic
def meeting_create(survey: Survey, *, actor, **data) -> SelectionMeeting:
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    _check_gate(survey)
    meeting = SelectionMeeting.objects.create(survey=survey, created_by=actor, **_clean_meeting(data))
    audit_log(AuditAction.SELECTION_MEETING_CREATED, actor=actor, obj=meeting, after=snapshot(meeting, MEETING_FIELDS))
    return meeting


def _lock_open_meeting(meeting: SelectionMeeting) -> SelectionMeeting:
    meeting = SelectionMeeting.objects.select_for_update().select_related("survey").get(pk=meeting.pk)
    if meeting.closed_at is not None:
        raise DomainError(_("The meeting is closed; its decisions can no longer change."), code="meeting_closed")
    _check_gate(meeting.survey)
    return meeting


def _expected(proposal: SelectionProposal) -> str:
    return SelectionDecision.SELECTED if proposal.proposed else SelectionDecision.NOT_SELECTED


@transaction.atomic
def decision_record(
    proposal: SelectionProposal, *, meeting: SelectionMeeting, decision: str, reason: str = "", actor
) -> SelectionProposal:
    """The committee's decision on one proposal; a decision that departs from the proposal needs its reason."""
    meeting = _lock_open_meeting(meeting)
    proposal = SelectionProposal.objects.select_for_update().select_related("category", "candidate").get(pk=proposal.pk)
    if proposal.category.survey_id != meeting.survey_id:
        raise DomainError(_("This proposal belongs to another call."), code="survey")
    _check_open(proposal.category)
    if decision not in SelectionDecision.values:
        raise DomainError(_("Choose selected, reserve or not selected."), code="decision")
    reason = (reason or "").strip()
    if decision != _expected(proposal) and not reason:
        raise DomainError(
            _("The decision on “%(title)s” departs from the secretary's proposal: give the reasons.")
            % {"title": proposal.candidate.title},
            code="reason",
        )
    if decision == SelectionDecision.SELECTED:
        outcome = LayerOutcome.objects.filter(layer=final_layer(meeting.survey), candidate=proposal.candidate).first()
        if outcome is not None and outcome.essential is False:
            raise _not_essential(outcome)
    before = snapshot(proposal, ["decision", "reason"])
    proposal.decision, proposal.reason, proposal.meeting = decision, reason, meeting
    proposal.decided_by, proposal.decided_at = actor, timezone.now()
    proposal.save(update_fields=["decision", "reason", "meeting", "decided_by", "decided_at"])
    audit_log(
        AuditAction.SELECTION_DECIDED,
        actor=actor,
        obj=proposal,
        before=before,
        after={"decision": decision, "reason": reason, "meeting": meeting.pk, "candidate": proposal.candidate.number},
    )
    return proposal


@transaction.atomic
def category_close(category: Category, *, meeting: SelectionMeeting, actor) -> CategoryClosure:
    """Close a category's selection: every candidate decided and no more selected than its quota."""
    meeting = _lock_open_meeting(meeting)
    category = Category.objects.select_for_update().get(pk=category.pk)
    if category.survey_id != meeting.survey_id:
        raise DomainError(_("This category belongs to another call."), code="survey")
    _check_open(category)
    candidates = set(category_outcomes(category).values_list("candidate_id", flat=True))
    decided = set(
        SelectionProposal.objects.filter(category=category, candidate_id__in=candidates)
        .exclude(decision="")
        .values_list("candidate_id", flat=True)
    )
    if candidates - decided:
        raise DomainError(
            _("%(n)d candidates of “%(category)s” are still undecided; decide each one before closing.")
            % {"n": len(candidates - decided), "category": category.name},
            code="undecided",
        )
    selected = SelectionProposal.objects.filter(category=category, decision=SelectionDecision.SELECTED).count()
    if selected > category.quota:
        raise DomainError(
            _("“%(category)s”: %(selected)d selected exceed its quota of %(quota)d.")
            % {"category": category.name, "selected": selected, "quota": category.quota},
            code="quota",
        )
    closure = CategoryClosure.objects.create(
        category=category, meeting=meeting, selected=selected, quota=category.quota, closed_by=actor
    )
    audit_log(
        AuditAction.SELECTION_CATEGORY_CLOSED,
        actor=actor,
        obj=category,
        after={"meeting": meeting.pk, "selected": selected, "quota": category.quota},
    )
    return closure


@transaction.atomic
def meeting_close(meeting: SelectionMeeting, *, actor) -> SelectionMeeting:
    meeting = _lock_open_meeting(meeting)
    meeting.closed_at, meeting.closed_by = timezone.now(), actor
    meeting.save(update_fields=["closed_at", "closed_by"])
    audit_log(
        AuditAction.SELECTION_MEETING_CLOSED,
        actor=actor,
        obj=meeting,
        after={"closed_at": meeting.closed_at, "decisions": meeting.decisions.count()},
    )
    return meeting


# -- the selection announcement -------------------------------------------------------------------------------------


def refuse_unless_selection(notice: Notice) -> None:
    if not notice.lists_selection:
        raise DomainError(_("Only a selection announcement lists selected international R&D candidates."), code="kind")


def check_draft(survey: Survey) -> None:
    """The announcement may be drafted once the committee closed every category."""
    if not all_closed(survey):
        raise DomainError(
            _("The selection announcement can be drafted once the selection committee has closed every category."),
            code="open_categories",
        )


def selected_proposals(survey: Survey):
    return (
        SelectionProposal.objects.filter(
            category__survey=survey, decision=SelectionDecision.SELECTED, category__closure__isnull=False
        )
        .select_related("category", "candidate")
        .order_by("category__order", "category__pk", "rank")
    )


def selection_items_draft(notice: Notice) -> list[str]:
    """One item per selected candidate, grouped per category (called by ``notices.notice_draft``)."""
    refuse_unless_selection(notice)
    proposals = list(selected_proposals(notice.survey))
    applications = latest_applications(p.candidate_id for p in proposals)
    orders: dict[int, int] = {}
    items = []
    for proposal in proposals:
        orders[proposal.category_id] = orders.get(proposal.category_id, 0) + 1
        application, candidate = applications.get(proposal.candidate_id), proposal.candidate
        items.append(
            SelectionItem(
                notice=notice,
                category=proposal.category,
                candidate=candidate,
                order=orders[proposal.category_id],
                title=(candidate.title or (answer_of(application, "title") if application else ""))[:200],
                field_code=candidate.field_code or (application.field_code if application else ""),
                partner_countries=partner_countries(application),
                first_year_budget=first_year_budget(application),
                horizon_years=proposal.category.horizon_years,
            )
        )
    SelectionItem.objects.bulk_create(items)
    return [proposal.candidate.number for proposal in proposals]


def selection_items_publish(notice: Notice, *, actor, now) -> list[str]:
    """Check that every item is still a selection of a closed category (called by ``notices.notice_publish``)."""
    refuse_unless_selection(notice)
    selected = set(selected_proposals(notice.survey).values_list("candidate_id", flat=True))
    for item in notice.selection_items.all():
        if item.candidate_id not in selected:
            raise DomainError(
                _("“%(title)s” is not selected in a closed category; draft the announcement again.")
                % {"title": item.title},
                code="selection",
            )
    return []


@dataclass(frozen=True)
class SelectionRow:
    """A selection item ready to show: field and country names resolved."""

    item: SelectionItem
    field_name: str
    countries: list[str]


def selection_rows(items) -> list[SelectionRow]:
    from surveys.selectors import field_names

    items = list(items)
    names = field_names({item.field_code for item in items})
    return [
        SelectionRow(
            item=item,
            field_name=names.get(item.field_code, item.field_code),
            countries=country_names(item.partner_countries),
        )
        for item in items
    ]


def notice_pdf_context(notice: Notice) -> dict:
    return {"notice": notice, "rows": selection_rows(notice.selection_items.select_related("category"))}
