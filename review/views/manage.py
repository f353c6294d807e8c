"""The ministry admin's review screens: plan, panels, assignments, aggregates."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.enums import Role
from portal.exceptions import DomainError
from portal.filters import search_terms
from portal.permissions import permission_or_404
from portal.selectors import people_with_role
from portal.services.audit import audit_log
from review.enums import ACTIVE_ASSIGNMENTS, AuditAction
from review.forms import ManualAssignForm, ReviewerForm, ReviewerImportForm, ReviewPlanForm
from review.models import Assignment, EvaluationLayer, Panel
from review.services import assignment as assigning
from review.services import pool
from review.services import scores as stored_scores
from review.services.aggregation import aggregate
from review.services.layers import ensure_layers
from surveys.models import Candidate, Survey

manage = permission_or_404("review.manage")

PAGE_SIZE = 50


@manage
def overview(request, pk: int):
    survey = get_object_or_404(Survey, pk=pk)
    plan = assigning.review_plan(survey)
    form = ReviewPlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        form.save()
        audit_log(
            AuditAction.PLAN_CHANGED,
            actor=request.user,
            obj=survey,
            after={k: str(v) for k, v in form.cleaned_data.items()},
        )
        messages.success(request, _("The review plan was saved."))
        return redirect("review:overview", pk=survey.pk)
    stored_scores.ensure(survey)
    filters = search_terms(request, ["q", "field"])
    candidates = Candidate.objects.filter(survey=survey, merged_into__isnull=True)
    if filters["field"]:
        candidates = candidates.filter(field_code=filters["field"])
    if filters["q"]:
        candidates = candidates.filter(Q(number__icontains=filters["q"]) | Q(title__icontains=filters["q"]))
    page = Paginator(
        candidates.select_related("score")
        .order_by("number")
        .prefetch_related(
            Prefetch("assignments", queryset=Assignment.objects.select_related("reviewer").order_by("pseudonym"))
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    panels = Panel.objects.filter(survey=survey, layer=1).annotate(size=Count("members"))
    field_codes = list(survey.fields.values_list("code", flat=True))
    return render(
        request,
        "review/manage/overview.html",
        {
            "survey": survey,
            "site_visits": "site_visits" in survey.pipeline.gates,
            "form": form,
            "page": page,
            "filters": filters,
            "panels": panels,
            "field_codes": field_codes,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@manage
def auto_assign(request, pk: int):
    survey = get_object_or_404(Survey, pk=pk)
    result = assigning.assign_automatically(survey, actor=request.user)
    report_assigned(
        request, result, short=_("Not enough reviewers without conflicts for: %(list)s. Add reviewers to the panels.")
    )
    return redirect("review:overview", pk=survey.pk)


def report_assigned(request, result, *, short: str) -> None:
    """Say how many assignments were made and, with ``short`` (a message with ``%(list)s``), which candidates are
    still short of reviewers and by how many."""
    messages.success(request, _("%(n)d assignments were made.") % {"n": result.created})
    if result.short:
        messages.warning(request, short % {"list": ", ".join(f"{number} (−{n})" for number, n in result.short)})


@manage
def panel(request, pk: int, field_code: str, layer: int = 1):
    """A field's panel (of ``layer``: an international R&D call's later layers have panels of their own)."""
    survey = get_object_or_404(Survey, pk=pk)
    if not survey.fields.filter(code=field_code).exists():
        raise Http404
    if layer != 1 and not EvaluationLayer.objects.filter(survey=survey, number=layer).exists():
        raise Http404
    the_panel = pool.panel_for(survey, field_code, layer)
    form = ReviewerForm(request.POST if request.POST.get("form") == "one" else None)
    import_form = ReviewerImportForm(
        request.POST if request.POST.get("form") == "import" else None, request.FILES or None
    )
    result = None
    status = 200
    if request.method == "POST":
        status = 400
        if request.POST.get("form") == "one" and form.is_valid():
            try:
                pool.reviewer_add(the_panel, actor=request.user, **form.cleaned_data)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("The reviewer was added and invited; they set up two-factor authentication at first log-in."),
                )
                return redirect(request.path)
        elif request.POST.get("form") == "import" and import_form.is_valid():
            try:
                result = pool.reviewers_import(the_panel, upload=import_form.cleaned_data["file"], actor=request.user)
            except ValidationError as error:
                import_form.add_error("file", error)
            else:
                status = 200
                messages.success(request, _("%(n)d reviewers added.") % {"n": result.added})
    members = (
        the_panel.members.select_related("reviewer__reviewer_profile")
        .annotate(load=Count("reviewer__assignments", filter=Q(reviewer__assignments__status__in=ACTIVE_ASSIGNMENTS)))
        .order_by("reviewer__name")
    )
    return render(
        request,
        "review/manage/panel.html",
        {
            "survey": survey,
            "panel": the_panel,
            "members": members,
            "form": form,
            "import_form": import_form,
            "result": result,
        },
        status=status,
    )


@manage
def candidate_assign(request, pk: int):
    candidate = get_object_or_404(Candidate.objects.select_related("survey"), pk=pk)
    reviewers = (
        people_with_role(Role.REVIEWER)
        .exclude(assignments__candidate=candidate)
        .select_related("reviewer_profile")
        .distinct()
        .order_by("name")
    )
    open_layers = [layer for layer in ensure_layers(candidate.survey) if not layer.is_closed]
    form = ManualAssignForm(request.POST or None, queryset=reviewers, layers=open_layers)
    if request.method == "POST" and form.is_valid():
        try:
            assigning.assign_by_hand(
                candidate, form.cleaned_data["reviewer"], actor=request.user, layer=form.cleaned_data.get("layer") or 1
            )
        except DomainError as error:
            form.add_error("reviewer", error.message)
        else:
            messages.success(request, _("The reviewer was assigned."))
            return redirect("review:overview", pk=candidate.survey_id)
    return render(
        request,
        "review/manage/assign.html",
        {"candidate": candidate, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@permission_or_404("review.see_scores")
def candidate_aggregate(request, pk: int):
    """How the aggregate was computed: each raw score and the rule applied."""
    candidate = get_object_or_404(Candidate.objects.select_related("survey"), pk=pk)
    plan = assigning.review_plan(candidate.survey)
    return render(
        request,
        "review/manage/aggregate.html",
        {
            "candidate": candidate,
            "plan": plan,
            "result": aggregate(candidate, plan=plan),
            "criteria": candidate.survey.criteria.order_by("number"),
        },
    )
