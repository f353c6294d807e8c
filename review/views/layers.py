"""An international R&D call's evaluation layers: set-up, the secretary's dashboard, closing a layer, how each
layer's outcome was computed, and a panel member's judgement page."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.exceptions import DomainError
from portal.permissions import permission_or_404
from review.enums import AssignmentStatus, LayerKind
from review.layer_forms import JudgementForm, LayerCountForm, LayerRulesForm
from review.models import Assignment, EvaluationLayer, LayerOutcome, PanelJudgement
from review.models.international import MAX_LAYERS
from review.services import assignment as assigning
from review.services import judgements, layers, reviewing
from review.services.blind import blind_proposals, blind_title
from review.views.manage import report_assigned
from review.views.reviewer import _record, work_on_assignment
from surveys.models import AccessAction, Candidate, Survey
from surveys.selectors import field_names

run_layers = permission_or_404("review.run_layers")


def _international(pk: int) -> Survey:
    survey = get_object_or_404(Survey, pk=pk)
    if not layers.uses_layers(survey):
        raise Http404
    return survey


def _rules_forms(survey: Survey, current: list[EvaluationLayer], data) -> list[LayerRulesForm]:
    by_number = {layer.number: layer for layer in current}
    third = EvaluationLayer(survey=survey, number=MAX_LAYERS, kind=LayerKind.PANEL, name=layers.THIRD_LAYER_NAME)
    return [
        LayerRulesForm(data, instance=by_number.get(n) or third, prefix=f"layer{n}") for n in range(1, MAX_LAYERS + 1)
    ]


@run_layers
def setup(request, pk: int):
    """How many layers and each layer's rules, while the call has not reached the expert evaluation."""
    survey = _international(pk)
    current = layers.ensure_layers(survey)
    editable = survey.in_gate("layer_setup")
    data = request.POST if request.method == "POST" else None
    count_form = LayerCountForm(data, initial={"count": len(current)}, prefix="layers")
    forms = _rules_forms(survey, current, data)
    if request.method == "POST":
        if count_form.is_valid():
            wanted = forms[: count_form.cleaned_data["count"]]
            if all([form.is_valid() for form in wanted]):  # noqa: C419 (every form shows its errors)
                try:
                    layers.layers_save(
                        survey,
                        count=count_form.cleaned_data["count"],
                        actor=request.user,
                        rules={form.instance.number: form.cleaned_data for form in wanted},
                    )
                except DomainError as error:
                    count_form.add_error(None, error.message)
                else:
                    messages.success(request, _("The evaluation layers were saved."))
                    return redirect("review:layers_setup", pk=survey.pk)
    return render(
        request,
        "review/layers/setup.html",
        {
            "survey": survey,
            "count_form": count_form,
            "forms": forms,
            "editable": editable,
            "layers": current,
        },
        status=400 if request.method == "POST" else 200,
    )


def _dashboard_groups(survey: Survey, current: list[EvaluationLayer]) -> list[dict]:
    """Candidates by category, each with its counts and outcome in every layer: five queries at any size."""
    annotations = {}
    for layer in current:
        annotations.update(layers.layer_counts_q(layer.number))
    candidates = (
        Candidate.objects.filter(survey=survey, merged_into__isnull=True).annotate(**annotations).order_by("number")
    )
    outcomes = {(o.layer_id, o.candidate_id): o for o in LayerOutcome.objects.filter(layer__survey=survey)}
    chosen = layers.candidate_categories(survey)
    groups = {category.pk: {"category": category, "rows": []} for category in survey.categories.all()}
    groups[None] = {"category": None, "rows": []}
    for candidate in candidates:
        cells = [
            {
                "layer": layer,
                "assigned": getattr(candidate, f"assigned_{layer.number}"),
                "submitted": getattr(candidate, f"submitted_{layer.number}"),
                "outcome": outcomes.get((layer.pk, candidate.pk)),
            }
            for layer in current
        ]
        groups[chosen.get(candidate.pk)]["rows"].append({"candidate": candidate, "cells": cells})
    return [group for key, group in groups.items() if key is not None or group["rows"]]


@run_layers
def dashboard(request, pk: int):
    survey = _international(pk)
    current = layers.ensure_layers(survey)
    groups = _dashboard_groups(survey, current)
    totals = {layer.number: {"assigned": 0, "submitted": 0} for layer in current}
    for group in groups:
        for row in group["rows"]:
            for cell in row["cells"]:
                totals[cell["layer"].number]["assigned"] += cell["assigned"]
                totals[cell["layer"].number]["submitted"] += cell["submitted"]
    summaries = [{"layer": layer, **totals[layer.number]} for layer in current]
    return render(
        request,
        "review/layers/dashboard.html",
        {
            "survey": survey,
            "groups": groups,
            "summaries": summaries,
            "layers": current,
            "field_codes": list(survey.fields.values_list("code", flat=True)),
            "can_assign": request.user.has_perm("review.manage"),
        },
    )


def _layer(survey: Survey, number: int) -> EvaluationLayer:
    return get_object_or_404(EvaluationLayer, survey=survey, number=number)


@require_POST
@run_layers
def close(request, pk: int, number: int):
    survey = _international(pk)
    layer = _layer(survey, number)
    try:
        outcomes = layers.layer_close(layer, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Layer %(n)d was closed; %(count)d outcomes were computed.") % {"n": number, "count": len(outcomes)},
        )
    return redirect("review:layers", pk=survey.pk)


@require_POST
@permission_or_404("review.manage")
def assign(request, pk: int, number: int):
    survey = _international(pk)
    _layer(survey, number)
    try:
        result = assigning.assign_automatically(survey, actor=request.user, layer=number)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        report_assigned(
            request,
            result,
            short=_("Not enough members without conflicts for: %(list)s. Add members to the layer's panels."),
        )
    return redirect("review:layers", pk=survey.pk)


@run_layers
def computed(request, pk: int, number: int):
    """How the layer's outcome was computed: its rules, counts and each candidate's anonymous inputs."""
    survey = _international(pk)
    layer = _layer(survey, number)
    outcomes = list(
        LayerOutcome.objects.filter(layer=layer)
        .select_related("candidate", "category")
        .order_by("category__order", "category_id", "rank", "candidate__number")
    )
    plan = assigning.review_plan(survey) if not layer.is_panel else None
    return render(
        request,
        "review/layers/computed.html",
        {
            "survey": survey,
            "layer": layer,
            "outcomes": outcomes,
            "plan": plan,
            "judged": sum(o.members for o in outcomes),
            "criteria": {str(c.number): c for c in survey.criteria.all()},
        },
    )


@work_on_assignment
def judgement(request, pk: int, obj: Assignment):
    """A panel member's page: the blind proposal, the earlier layers' anonymous outcome, the judgement form."""
    assignment = obj
    if assignment.layer == 1:
        raise Http404
    survey = assignment.candidate.survey
    if not reviewing.has_pledged(survey, request.user) or assignment.status == AssignmentStatus.ASSIGNED:
        return redirect("review:assignment", pk=assignment.pk)  # the pledge and the declaration come first
    if assignment.status not in (AssignmentStatus.ACCEPTED, AssignmentStatus.SUBMITTED):
        raise Http404
    layer = _layer(survey, assignment.layer)
    saved = PanelJudgement.objects.filter(assignment=assignment).first()
    initial = {}
    if saved:
        initial = {
            "essential": {True: "yes", False: "no"}.get(saved.essential, ""),
            "essential_reason": saved.essential_reason,
            "adjustment": saved.adjustment,
            "adjustment_reason": saved.adjustment_reason,
            "comment": saved.comment,
        }
    form = JudgementForm(request.POST if request.method == "POST" else None, layer=layer, initial=initial)
    if request.method == "GET":
        _record(request, assignment, AccessAction.REVIEW_VIEW)
    elif form.is_valid():
        submit = request.POST.get("action") == "submit"
        try:
            judgements.judgement_save(assignment, reviewer=request.user, submit=submit, **form.service_data())
        except DomainError as error:
            form.add_error(error.code if error.code in form.fields else None, error.message)
        else:
            messages.success(request, _("Your judgement was submitted.") if submit else _("Your draft was saved."))
            return redirect("review:layer_judgement", pk=assignment.pk)
    candidate = assignment.candidate
    return render(
        request,
        "review/layers/judgement.html",
        {
            "assignment": assignment,
            "candidate": candidate,
            "survey": survey,
            "layer": layer,
            "form": form,
            "judgement": saved,
            "earlier": layers.earlier_outcomes(candidate, layer.number),
            "proposals": blind_proposals(candidate),
            "title": blind_title(candidate),
            "criteria": {str(c.number): c for c in survey.criteria.all()},
            "field_name": field_names([candidate.field_code]).get(candidate.field_code, candidate.field_code),
        },
        status=400 if request.method == "POST" else 200,
    )
