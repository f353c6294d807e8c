"""The ministry admin's screens for a call: create, edit, criteria, questions, files, preview, stage."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.exceptions import DomainError
from portal.permissions import permission_or_404
from surveys import selectors
from surveys.application_schema import section_form_class, sections_for
from surveys.forms import (
    BriefingForm,
    CandidateListImportForm,
    CategoryFormSet,
    CriterionFormSet,
    GuidanceFileForm,
    QuestionFormSet,
    SurveyForm,
    TransitionForm,
)
from surveys.models import Briefing, GuidanceFile, Survey
from surveys.services import categories, setup
from surveys.services.calls import (
    allowed_transitions,
    early_move,
    organizations_cut_short,
    survey_create,
    survey_transition,
    survey_update,
)

manage = permission_or_404("surveys.manage_survey")


@manage
def survey_list(request):
    return render(request, "surveys/manage/list.html", {"surveys": selectors.surveys_for_admin()})


@manage
def survey_new(request):
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey = survey_create(data=form.service_data(), fields=form.cleaned_data["fields"], actor=request.user)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The call was created as a draft with its kind's default criteria."))
            return redirect("surveys:manage_detail", pk=survey.pk)
    return render(request, "surveys/manage/edit.html", {"form": form})


def _render_detail(request, survey, transition_form, status=200):
    survey = Survey.objects.prefetch_related(
        "fields",
        "criteria",
        "questions",
        "guidance_files",
        "briefings",
        "briefings__signups__organization",
        "briefings__signups__user",
    ).get(pk=survey.pk)
    pipeline = survey.pipeline
    transitions = [
        ({"value": to, "label": pipeline.label(to)}, needs_reason)
        for to, needs_reason in allowed_transitions(survey).items()
    ]
    stages = [{"value": stage, "label": pipeline.label(stage)} for stage in pipeline.stages_of(survey)]
    early = early_move(survey)
    return render(
        request,
        "surveys/manage/detail.html",
        {
            "survey": survey,
            "transitions": transitions,
            "stages": stages,
            "stage_index": [stage["value"] for stage in stages].index(survey.stage)
            if survey.stage in pipeline.stages_of(survey)
            else -1,
            "transition_form": transition_form,
            "early": early,
            "cut_short": organizations_cut_short(survey).count() if early == "collection" else 0,
        },
        status=status,
    )


@manage
def survey_detail(request, pk: int):
    return _render_detail(request, get_object_or_404(Survey, pk=pk), TransitionForm())


@manage
def survey_edit(request, pk: int):
    survey = get_object_or_404(Survey, pk=pk)
    form = SurveyForm(request.POST or None, instance=Survey.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            survey_update(survey, data=form.service_data(), fields=form.cleaned_data["fields"], actor=request.user)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The call was saved."))
            return redirect("surveys:manage_detail", pk=survey.pk)
    return render(request, "surveys/manage/edit.html", {"form": form, "survey": survey})


def _formset_view(request, pk, formset_class, template, save, success):
    survey = get_object_or_404(Survey, pk=pk)
    formset = formset_class(request.POST or None, instance=survey)
    conflict = None
    if request.method == "POST" and formset.is_valid():
        try:
            save(survey, formset, actor=request.user)
        except DomainError as error:  # a stage that no longer allows it, or rows the database refuses
            conflict = error.message
        else:
            messages.success(request, success)
            return redirect("surveys:manage_detail", pk=survey.pk)
    return render(
        request, template, {"survey": survey, "formset": formset, "conflict": conflict}, status=400 if conflict else 200
    )


@manage
def criteria_edit(request, pk: int):
    return _formset_view(
        request,
        pk,
        CriterionFormSet,
        "surveys/manage/criteria.html",
        setup.criteria_save,
        _("The criteria were saved."),
    )


@manage
def categories_edit(request, pk: int):
    """An international R&D call's categories (horizon and quota) and its published candidate list."""
    survey = get_object_or_404(Survey, pk=pk)
    if not survey.pipeline.has_categories:
        raise Http404
    formset = CategoryFormSet(request.POST if request.POST.get("form") == "categories" else None, instance=survey)
    import_form = CandidateListImportForm(
        request.POST if request.POST.get("form") == "list" else None, request.FILES or None
    )
    result, conflict, status = None, None, 200
    if request.method == "POST" and request.POST.get("form") == "categories":
        status = 400
        if formset.is_valid():
            try:
                setup.categories_save(survey, formset, actor=request.user)
            except DomainError as error:
                conflict = error.message
            else:
                messages.success(request, _("The categories were saved."))
                return redirect("surveys:manage_categories", pk=survey.pk)
    elif request.method == "POST" and request.POST.get("form") == "list":
        status = 400
        if import_form.is_valid():
            try:
                result = categories.listed_technologies_import(
                    survey,
                    upload=import_form.cleaned_data["file"],
                    replace=import_form.cleaned_data["replace"],
                    actor=request.user,
                )
            except ValidationError as error:
                import_form.add_error("file", error)
            except DomainError as error:
                import_form.add_error(None, error.message)
            else:
                status = 200
                messages.success(
                    request,
                    _("%(added)d technologies added, %(errors)d rows with errors.")
                    % {"added": result.added, "errors": len(result.errors)},
                )
    elif request.method == "POST":
        raise Http404
    listed = survey.listed_technologies.select_related("category")
    return render(
        request,
        "surveys/manage/categories.html",
        {
            "survey": survey,
            "formset": formset,
            "import_form": import_form,
            "result": result,
            "conflict": conflict,
            "listed": listed,
        },
        status=status,
    )


@manage
def questions_edit(request, pk: int):
    return _formset_view(
        request,
        pk,
        QuestionFormSet,
        "surveys/manage/questions.html",
        setup.questions_save,
        _("The extra questions were saved."),
    )


@manage
def guidance_add(request, pk: int):
    survey = get_object_or_404(Survey, pk=pk)
    form = GuidanceFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            setup.guidance_add(
                survey, title=form.cleaned_data["title"], upload=form.cleaned_data["file"], actor=request.user
            )
        except ValidationError as error:
            form.add_error("file", error)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The guidance file was added."))
            return redirect("surveys:manage_detail", pk=survey.pk)
    return render(
        request,
        "surveys/manage/form_page.html",
        {"survey": survey, "form": form, "page_title": _("Add a guidance file")},
    )


@require_POST
@manage
def guidance_delete(request, pk: int, file_pk: int):
    guidance = get_object_or_404(GuidanceFile.objects.select_related("survey"), pk=file_pk, survey_id=pk)
    try:
        setup.guidance_delete(guidance, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The guidance file was removed."))
    return redirect("surveys:manage_detail", pk=pk)


@manage
def briefing_edit(request, pk: int, briefing_pk: int | None = None):
    survey = get_object_or_404(Survey, pk=pk)
    briefing = get_object_or_404(Briefing, pk=briefing_pk, survey=survey) if briefing_pk else Briefing(survey=survey)
    initial = {}
    if briefing.pk:
        local = timezone.localtime(briefing.starts_at)
        initial = {"starts_on": local.date(), "starts_time": local.time()}
    form = BriefingForm(request.POST or None, request.FILES or None, instance=briefing, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            setup.briefing_save(form.instance, upload=request.FILES.get("materials"), actor=request.user)
        except ValidationError as error:
            form.add_error("materials", error)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The briefing session was saved and is shown on the call page."))
            return redirect("surveys:manage_detail", pk=survey.pk)
    return render(
        request, "surveys/manage/form_page.html", {"survey": survey, "form": form, "page_title": _("Briefing session")}
    )


@manage
def survey_preview(request, pk: int):
    """The form exactly as an applicant will get it, section by section, not submittable."""
    survey = get_object_or_404(Survey.objects.prefetch_related("fields", "criteria", "questions"), pk=pk)
    sections = [(section, section_form_class(survey, section)(prefix=section.key)) for section in sections_for(survey)]
    return render(request, "surveys/manage/preview.html", {"survey": survey, "sections": sections})


@require_POST
@manage
def survey_stage(request, pk: int):
    survey = get_object_or_404(Survey, pk=pk)
    form = TransitionForm(request.POST)
    if form.is_valid():
        try:
            survey = survey_transition(
                survey,
                to=form.cleaned_data["to"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
                confirmed=form.cleaned_data["confirmed"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The call is now in stage “%(stage)s”.") % {"stage": survey.stage_label})
            return redirect("surveys:manage_detail", pk=pk)
    return _render_detail(request, survey, form, status=400)


@manage
def extensions(request, pk: int):
    from surveys.forms import ExtensionForm
    from surveys.services.applications import extension_grant

    survey = get_object_or_404(Survey, pk=pk)
    form = ExtensionForm(request.POST or None, survey=survey)
    if request.method == "POST" and form.is_valid():
        try:
            extension_grant(
                survey,
                organization=form.cleaned_data["organization"],
                deadline=form.cleaned_data["deadline"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The extension was granted and recorded."))
            return redirect("surveys:manage_extensions", pk=survey.pk)
    return render(
        request,
        "surveys/manage/extensions.html",
        {
            "survey": survey,
            "form": form,
            "extensions": survey.extensions.select_related("organization", "granted_by"),
        },
    )
