"""An international R&D call's categories and its published candidate list."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from portal.exceptions import DomainError
from portal.services.audit import audit_log
from portal.tables import read_table
from surveys.enums import AuditAction
from surveys.models import ListedTechnology, Survey
from surveys.receivers import renew_form_stamp

LIST_HEADERS = {
    "title": {"기술명", "technology", "title", "후보기술"},
    "field": {"분야", "field", "분야코드", "field code"},
    "category": {"유형", "category", "구분"},
}
MAX_LIST_ROWS = 1000


@dataclass
class ListImport:
    added: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def _check_open(survey: Survey) -> None:
    if not survey.pipeline.has_categories:
        raise DomainError(_("This kind of call has no categories."), code="kind")
    if not survey.in_gate("filing") and survey.stage != "draft":
        raise DomainError(_("The candidate list can change only before collection ends."), code="stage")


def _field_codes(survey: Survey) -> dict[str, str]:
    """The call's field codes by their code, Korean name and English name, lower-cased."""
    codes = {}
    for f in survey.fields.all():
        codes.update({f.code.lower(): f.code, f.name.lower(): f.code, (f.name_en or f.code).lower(): f.code})
    return codes


def _categories_by_name(survey: Survey) -> dict:
    """The call's categories by their Korean and English names, lower-cased."""
    categories = {}
    for c in survey.categories.all():
        categories.update({c.name.lower(): c, (c.name_en or c.name).lower(): c})
    return categories


def _list_clear(survey: Survey) -> None:
    """Empty the candidate list before a replacing import, unless applications already name its technologies."""
    if survey.applications.exclude(answers__basic__listed_technology__isnull=True).exists():
        raise DomainError(
            _("Applications already name technologies of the list; add to it instead of replacing it."),
            code="in_use",
        )
    survey.listed_technologies.all().delete()


def _row_problem(title: str, field_name: str, category_name: str, *, code, category, taken: set[str]) -> str:
    """Why an imported row cannot join the list ("" when it can)."""
    if not title:
        return _("The technology name is missing.")
    if len(title) > 200:
        return _("The technology name is longer than 200 characters.")
    if code is None:
        return _("“%(field)s” is not a field of this call.") % {"field": field_name or "—"}
    if category is None:
        return _("“%(category)s” is not a category of this call.") % {"category": category_name or "—"}
    if title.lower() in taken:
        return _("“%(title)s” is already on the list.") % {"title": title}
    return ""


@transaction.atomic
def listed_technologies_import(survey: Survey, *, upload, actor, replace: bool = False) -> ListImport:
    """Import the published candidate list (CSV or XLSX: 기술명, 분야, 유형). Each bad row is reported;
    good rows are added (after the current list, or instead of it with ``replace``)."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    _check_open(survey)
    rows = read_table(
        upload,
        columns=LIST_HEADERS,
        required={"title", "field", "category"},
        max_rows=MAX_LIST_ROWS,
        header_error=_("The first row must name the columns 기술명 (technology), 분야 (field) and 유형 (category)."),
    )
    fields, categories = _field_codes(survey), _categories_by_name(survey)
    result = ListImport()
    if replace:
        _list_clear(survey)
    number = survey.listed_technologies.order_by("-number").values_list("number", flat=True).first() or 0
    taken = {t.lower() for t in survey.listed_technologies.values_list("title", flat=True)}
    new = []
    for line, row in rows:
        title, field_name, category_name = row["title"].strip(), row["field"].strip(), row["category"].strip()
        code, category = fields.get(field_name.lower()), categories.get(category_name.lower())
        problem = _row_problem(title, field_name, category_name, code=code, category=category, taken=taken)
        if problem:
            result.errors.append((line, problem))
            continue
        taken.add(title.lower())
        number += 1
        new.append(ListedTechnology(survey=survey, number=number, title=title, field_code=code, category=category))
    ListedTechnology.objects.bulk_create(new)
    result.added = len(new)
    renew_form_stamp([survey.pk], survey=survey)
    audit_log(
        AuditAction.CANDIDATE_LIST_IMPORTED,
        actor=actor,
        obj=survey,
        after={
            "file": getattr(upload, "name", ""),
            "added": result.added,
            "errors": len(result.errors),
            "replace": replace,
        },
    )
    return result
