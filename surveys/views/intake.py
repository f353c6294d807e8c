"""MOTIE's intake of a call: the received list, decisions, candidates, counts and exports."""

import csv
import io

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, JSONField, Max, OuterRef, Prefetch, Subquery
from django.db.models.functions import TruncDate
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.downloads import XLSX, file_response
from portal.enums import OrganizationType
from portal.exceptions import DomainError
from portal.filters import search_terms
from portal.permissions import permission_or_404
from review.services.blind import attachment_scan
from surveys import selectors
from surveys.enums import RECEIVED_STATUSES, ApplicationStatus, Channel
from surveys.forms import BlindVersionRequestForm, DuplicateForm, IntakeReturnForm, MergeForm
from surveys.models import AccessAction, Application, ApplicationVersion, Candidate, Survey
from surveys.services import intake as service
from surveys.services.access import access_record
from surveys.services.applications import labelled_answers

intake = permission_or_404("surveys.run_intake")

EXPORT_COLUMNS = [
    (gettext_lazy("Receipt number"), lambda a: a.receipt_number),
    (gettext_lazy("Technology name"), lambda a: a.title),
    (gettext_lazy("Field"), lambda a: a.field_code),
    (gettext_lazy("Applicant organisation"), lambda a: a.organization.name),
    (gettext_lazy("Organisation type"), lambda a: a.organization.get_type_display()),
    (gettext_lazy("Channel"), lambda a: a.get_channel_display()),
    (gettext_lazy("Through association"), lambda a: a.association.name if a.association else ""),
    (gettext_lazy("Status"), lambda a: a.get_status_display()),
    (gettext_lazy("Versions"), lambda a: a.version_count),
    (gettext_lazy("Missing items"), lambda a: a.missing_count),
    (
        gettext_lazy("Last submitted"),
        lambda a: timezone.localtime(a.submitted_at).strftime("%Y-%m-%d %H:%M") if a.submitted_at else "",
    ),
    (gettext_lazy("Candidate"), lambda a: a.candidate.number if a.candidate else ""),
]


def _filtered(request, survey):
    """The call's received applications narrowed by the query string, the filters as read, and whether
    any of them narrowed the list."""
    filters = search_terms(request, selectors.INTAKE_FILTER_KEYS)
    applications, narrowed = selectors.intake_filtered(survey, filters)
    return applications, filters, narrowed


SUMMARY_SECONDS = 300


def _summary(survey) -> dict:
    """The counts and the chart over everything received. They scan the whole call, so they are cached
    until any of its applications changes (the key holds the latest change, read from an index), five
    minutes at most."""
    changed = Application.objects.filter(survey=survey).aggregate(changed=Max("updated_at"))["changed"]
    key = f"surveys:intake-summary:{survey.pk}:{changed.isoformat() if changed else '-'}:{translation.get_language()}"
    summary = cache.get(key)
    if summary is None:
        summary = _count_received(survey)
        cache.set(key, summary, SUMMARY_SECONDS)
    return summary


def _count_received(survey) -> dict:
    received = selectors.intake_applications(survey)
    per_day = (
        received.annotate(day=TruncDate("submitted_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by("day")
    )
    chart = {
        "labels": [row["day"].isoformat() for row in per_day if row["day"]],
        "counts": [row["n"] for row in per_day if row["day"]],
        "label": _("Applications received per day"),
    }
    fields = selectors.field_names()
    counts = {
        "field": [
            (fields.get(row["field_code"], row["field_code"] or "—"), row["n"])
            for row in received.values("field_code").annotate(n=Count("pk")).order_by("field_code")
        ],
        "channel": [
            (str(Channel(row["channel"]).label), row["n"])
            for row in received.values("channel").annotate(n=Count("pk")).order_by("channel")
        ],
        "type": [
            (str(OrganizationType(row["organization__type"]).label), row["n"])
            for row in received.values("organization__type").annotate(n=Count("pk")).order_by("organization__type")
        ],
    }
    return {"chart": chart, "counts": counts, "total": received.count()}


#: What the list never shows: the answers of each application and of the one it duplicates.
LIST_DEFERRED = ("answers", "duplicate_of__answers")


@intake
def intake_list(request, pk: int):
    survey = get_object_or_404(Survey, pk=pk)
    applications, filters, narrowed = _filtered(request, survey)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        return _export(survey, applications, export)
    summary = _summary(survey)
    paginator = Paginator(applications.defer(*LIST_DEFERRED), 50)
    if not narrowed:
        paginator.count = summary["total"]  # the summary counted the same list: spares a COUNT of the call
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "surveys/intake/list.html",
        {
            "survey": survey,
            "page": page,
            "filters": filters,
            "counts": summary["counts"],
            "total": summary["total"],
            "chart": summary["chart"],
            "field_choices": [(f.code, f.display_name) for f in survey.fields.all()],
            "channel_choices": Channel.choices,
            "type_choices": OrganizationType.choices,
            "status_choices": [(s.value, s.label) for s in ApplicationStatus if s in RECEIVED_STATUSES],
            "query": request.GET.urlencode(),
        },
    )


#: Excel keeps at most this many characters in a cell.
CELL_LIMIT = 32_000


def _as_text(value):
    """What an applicant typed stays text in a spreadsheet: no leading formula characters."""
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@", "\t", "\r")):
        return "'" + value
    return value


def _answer_columns(survey) -> list[tuple[tuple[str, str], str]]:
    """One column per question of the call's form, in form order, the criteria's justifications among
    them: [((section title, field name), header)]."""
    return [
        ((title, name), f"{title} · {label}")
        for title, rows in labelled_answers(survey, {})
        for name, label, _value in rows
    ]


def _answer_values(survey, answers: dict, columns) -> list[str]:
    """The answers as the ministry reads them (choices by their labels), in the columns' order."""
    by_key = {
        (title, name): value for title, rows in labelled_answers(survey, answers or {}) for name, _label, value in rows
    }
    return [by_key.get(key, "") for key, _header in columns]


def _with_submitted_answers(applications):
    """Each application with the answers of its latest submitted version (what intake reads), in the same
    query: the export's query count does not grow with its rows."""
    latest = ApplicationVersion.objects.filter(application=OuterRef("pk")).order_by("-number").values("answers")[:1]
    return applications.defer(*LIST_DEFERRED).annotate(submitted_answers=Subquery(latest, output_field=JSONField()))


def _export(survey, applications, kind):
    columns = _answer_columns(survey)
    headers = [str(title) for title, _getter in EXPORT_COLUMNS] + [header for _key, header in columns]
    rows = [
        [getter(a) for _title, getter in EXPORT_COLUMNS] + _answer_values(survey, a.submitted_answers, columns)
        for a in _with_submitted_answers(applications)
    ]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if kind == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")  # Excel opens UTF-8 Korean correctly with a BOM
        writer = csv.writer(buffer)
        writer.writerow(headers)
        writer.writerows([[_as_text(value) for value in row] for row in rows])
        return file_response(buffer.getvalue(), f"intake-{survey.code}-{stamp}.csv", "text/csv; charset=utf-8")
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font

    def cell_value(value):
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters an .xlsx cannot hold
            if len(value) > CELL_LIMIT:
                value = value[:CELL_LIMIT] + "…"
        return value

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Intake")[:31]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append([cell_value(value) for value in row])
        for cell in sheet[sheet.max_row]:
            if cell.data_type == "f":  # openpyxl reads a leading "=" as a formula
                cell.data_type = "s"
    sheet.freeze_panes = "C2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return file_response(buffer.getvalue(), f"intake-{survey.code}-{stamp}.xlsx", XLSX)


def _intake_decide(request, application, decision: str, *, return_form, duplicate_form, blind_form, findings) -> str:
    """Carry out the decision posted when its form is valid: the message that says it is done ("" when it is not)."""
    if decision == "accept":
        service.intake_accept(application, actor=request.user, note=request.POST.get("note", ""))
        return _("Accepted into technical review.")
    if decision == "return" and return_form.is_valid():
        service.intake_return(
            application,
            actor=request.user,
            reason=return_form.cleaned_data["reason"],
            correction_due=return_form.cleaned_data["correction_due"],
        )
        return _("Returned for correction; the applicant was told by mail.")
    if decision == "blind" and blind_form.is_valid():
        service.intake_request_blind_version(
            application,
            actor=request.user,
            findings=findings,
            correction_due=blind_form.cleaned_data["correction_due"],
        )
        return _("Returned for blind attachments; the applicant was told by mail.")
    if decision == "duplicate" and duplicate_form.is_valid():
        service.intake_mark_duplicate(
            application,
            of=duplicate_form.cleaned_data["of"],
            actor=request.user,
            note=duplicate_form.cleaned_data["note"],
        )
        return _("Marked as a duplicate.")
    return ""


@intake
def intake_application(request, pk: int, application_pk: int):
    survey = get_object_or_404(Survey, pk=pk)
    application = get_object_or_404(
        Application.objects.select_related("organization", "association", "candidate", "duplicate_of"),
        pk=application_pk,
        survey=survey,
        status__in=RECEIVED_STATUSES,
    )
    access_record(request.user, application, AccessAction.INTAKE_VIEW)
    others = selectors.intake_applications(survey).exclude(pk=application.pk).order_by("receipt_number")
    decision = request.POST.get("decision")
    return_form = IntakeReturnForm(request.POST if decision == "return" else None)
    duplicate_form = DuplicateForm(request.POST if decision == "duplicate" else None, queryset=others)
    blind_form = BlindVersionRequestForm(request.POST if decision == "blind" else None, prefix="blind")
    latest = application.versions.order_by("-number").first()
    findings = attachment_scan(application, latest.attachments) if latest else []
    status = 200
    if request.method == "POST":
        try:
            done = _intake_decide(
                request,
                application,
                decision,
                return_form=return_form,
                duplicate_form=duplicate_form,
                blind_form=blind_form,
                findings=findings,
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            if done:
                messages.success(request, done)
                return redirect("surveys:intake_list", pk=survey.pk)
        status = 400
    return render(
        request,
        "surveys/intake/application.html",
        {
            "survey": survey,
            "application": application,
            "latest": latest,
            "answers": labelled_answers(survey, latest.answers) if latest else [],
            "events": application.events.select_related("actor", "organization"),
            "return_form": return_form,
            "duplicate_form": duplicate_form,
            "blind_form": blind_form,
            "findings": findings,
        },
        status=status,
    )


@intake
def candidates(request, pk: int):
    survey = get_object_or_404(Survey, pk=pk)
    open_candidates = Candidate.objects.filter(survey=survey, merged_into__isnull=True).order_by("number")
    form = MergeForm(request.POST or None, queryset=open_candidates)
    if request.method == "POST" and form.is_valid():
        try:
            target = service.candidate_merge(
                form.cleaned_data["target"],
                list(form.cleaned_data["sources"]),
                actor=request.user,
                title=form.cleaned_data["title"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Merged into %(number)s.") % {"number": target.number})
            return redirect("surveys:intake_candidates", pk=survey.pk)
    listing = open_candidates.prefetch_related(
        Prefetch(
            "applications",
            queryset=Application.objects.select_related("organization", "association").order_by("receipt_number"),
        )
    )
    return render(
        request,
        "surveys/intake/candidates.html",
        {"survey": survey, "candidates": listing, "form": form},
        status=400 if request.method == "POST" else 200,
    )
