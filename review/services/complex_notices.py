"""The outcome of a specialised-complex call: the complexes of its designation notice, their publication into the
register of designated complexes, the ministry's later changes to a complex (area, conditions met, revocation) and
the notice's PDF context.

A notice belongs to one call, and the call's pipeline says what it lists: a complex call's notice has
``complex_items`` and never technology items (``review.services.notices`` refuses those), and a technology call's
notice never has complex items (refused here).
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from portal.exceptions import DomainError
from portal.services.audit import audit_log, snapshot
from review.enums import (
    COMPLEX_AMENDMENTS,
    COMPLEX_AUDIT,
    AuditAction,
    ComplexAction,
    EntryStatus,
)
from review.models import ComplexEvent, ComplexNoticeItem, DesignatedComplex, Notice, SubcommitteeDecision
from review.services import notices
from surveys.application_schema import ANCHOR_COLUMNS, answer_of
from surveys.criteria import PROVINCES
from surveys.enums import SurveyKind
from surveys.models import ApplicationVersion, Candidate
from surveys.rows import RowsField, korean_number
from surveys.selectors import field_names

#: The parts of a complex item the ministry edits in the draft.
ITEM_FIELDS = ["name", "province", "city", "location", "area_m2", "anchor_companies", "conditions"]
#: What a register entry's history keeps at each step.
ENTRY_FIELDS = [
    "number",
    "name",
    "field_code",
    "province",
    "city",
    "location",
    "area_m2",
    "anchor_companies",
    "conditions",
    "conditions_met_at",
    "status",
]
AREA_LIMIT = Decimal(10) ** 12
PROVINCE_CODES = {code for code, _name, _name_en in PROVINCES}
ANCHORS = RowsField(columns=ANCHOR_COLUMNS, min_rows=0, max_rows=30, required=False)


# -- reading -------------------------------------------------------------------------------------------------------


def province_name(code: str) -> str:
    """A province code (``surveys.criteria.PROVINCES``) as its name in the current language."""
    for value, name, name_en in PROVINCES:
        if value == code:
            return name_en if get_language() == "en" else name
    return code


def province_choices() -> list[tuple[str, str]]:
    return [(code, province_name(code)) for code, _name, _name_en in PROVINCES]


def area_text(area) -> str:
    """1234567 → "1,234,567 m²"."""
    return f"{korean_number(area)} m²" if area not in (None, "") else ""


def parse_area(value) -> Decimal:
    """An area in m² as typed ("1,234,567" or "1234567.5"); a clear error for anything else."""
    try:
        area = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        area = None
    if area is None or not area.is_finite() or area <= 0 or area >= AREA_LIMIT or area != round(area, 2):
        raise DomainError(_("Give the area in m² as a positive number with at most two decimals."), code="area_m2")
    return area.quantize(Decimal("0.01"))  # as the database keeps it, so that every snapshot reads the same


@dataclass(frozen=True)
class Anchors:
    """Anchor companies with their totals (investment in KRW 100 million, jobs)."""

    rows: list
    investment: str
    jobs: str


def anchors_of(rows) -> Anchors:
    rows = [row for row in (rows if isinstance(rows, list) else []) if isinstance(row, dict)]
    totals = ANCHORS.totals(rows)
    return Anchors(rows=rows, investment=totals.get("investment", "0"), jobs=totals.get("jobs", "0"))


def clean_anchors(rows) -> list[dict]:
    """Only the four columns of an anchor company, numbers as typed."""
    return [
        {column.key: str(row.get(column.key, "") or "").strip() for column in ANCHOR_COLUMNS}
        for row in (rows if isinstance(rows, list) else [])
        if isinstance(row, dict)
    ]


@dataclass(frozen=True)
class ComplexRow:
    """One complex as a notice, a register page or a PDF shows it."""

    source: object
    field_name: str
    province_name: str
    area: str
    anchors: Anchors


def complex_rows(sources) -> list[ComplexRow]:
    """Notice items, register entries or history snapshots (dicts) ready to show: one query for field names."""
    sources = list(sources)
    get = [
        (s.get if isinstance(s, dict) else (lambda name, default="", s=s: getattr(s, name, default))) for s in sources
    ]
    names = field_names({g("field_code", "") for g in get})
    return [
        ComplexRow(
            source=s,
            field_name=names.get(g("field_code", ""), g("field_code", "")),
            province_name=province_name(g("province", "")),
            area=area_text(g("area_m2", "")),
            anchors=anchors_of(g("anchor_companies", [])),
        )
        for s, g in zip(sources, get)
    ]


def notice_pdf_context(notice: Notice) -> dict:
    return {"notice": notice, "rows": complex_rows(notice.complex_items.select_related("entry"))}


def location_of(source) -> str:
    """ "충청북도 청주시 오창읍 …": province, city and address in one line."""
    get = source.get if isinstance(source, dict) else (lambda name, default="": getattr(source, name, default))
    return " ".join(part for part in (province_name(get("province", "")), get("city", ""), get("location", "")) if part)


# -- drafting ------------------------------------------------------------------------------------------------------


def refuse_unless_complex(notice: Notice) -> None:
    if notice.lists_selection:
        raise DomainError(_("A selection announcement cannot list a specialised complex."), code="kind")
    if not notice.lists_complexes:
        raise DomainError(_("A notice of designated technologies cannot list a specialised complex."), code="kind")


def _latest_versions(candidates) -> dict[int, ApplicationVersion]:
    """candidate id → the latest submitted version of its applications (one query)."""
    latest = {}
    versions = (
        ApplicationVersion.objects.filter(application__candidate__in=candidates)
        .select_related("application")
        .order_by("submitted_at", "pk")
    )
    for version in versions:
        latest[version.application.candidate_id] = version
    return latest


def _plan_area(value) -> Decimal:
    try:
        return parse_area(value)
    except DomainError:
        return Decimal(0)


def _plan_text(candidate: Candidate, version: ApplicationVersion | None) -> dict:
    answers = version.answers if version else {}

    def answer(key, default=""):
        return answer_of(answers, key, kind=SurveyKind.COMPLEX, default=default)

    return {
        "name": (answer("title") or candidate.title)[:200],
        "field_code": candidate.field_code or answer("field"),
        "province": str(answer("province"))[:4],
        "city": str(answer("city"))[:100],
        "location": str(answer("address"))[:300],
        "area_m2": _plan_area(answer("area_m2")),
        "anchor_companies": clean_anchors(answer("anchor_companies", [])),
    }


def conditions_of(candidates, in_force: dict) -> dict[int, str]:
    """candidate id → the conditions of its designation: the national committee's, else the subcommittee's."""
    decisions = {d.candidate_id: d.conditions for d in SubcommitteeDecision.objects.filter(candidate__in=candidates)}
    result = {}
    for candidate in candidates:
        resolution = in_force.get(candidate.pk)
        own = (resolution.conditions or "").strip() if resolution is not None else ""
        result[candidate.pk] = own or (decisions.get(candidate.pk) or "").strip()
    return result


def complex_items_draft(notice: Notice, candidates: list[Candidate], *, in_force: dict) -> list[ComplexNoticeItem]:
    """One item per designated complex, its text from the latest submitted plan (called by ``notice_draft``)."""
    refuse_unless_complex(notice)
    versions = _latest_versions(candidates)
    conditions = conditions_of(candidates, in_force)
    return ComplexNoticeItem.objects.bulk_create(
        [
            ComplexNoticeItem(
                notice=notice,
                order=index,
                action=ComplexAction.DESIGNATE,
                candidate=candidate,
                conditions=conditions[candidate.pk],
                **_plan_text(candidate, versions.get(candidate.pk)),
            )
            for index, candidate in enumerate(candidates, start=1)
        ]
    )


def _lock_item(item: ComplexNoticeItem) -> tuple[Notice, ComplexNoticeItem]:
    notice = notices._lock_draft(item.notice)
    refuse_unless_complex(notice)
    return notice, ComplexNoticeItem.objects.select_for_update().get(pk=item.pk)


def _clean_text(
    *, name: str, province: str, city: str, location: str, area_m2, anchor_companies, conditions: str
) -> dict:
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Give the name of the complex."), code="name")
    if province not in PROVINCE_CODES:
        raise DomainError(_("Choose the metropolitan city or province of the site."), code="province")
    return {
        "name": name,
        "province": province,
        "city": (city or "").strip(),
        "location": (location or "").strip(),
        "area_m2": parse_area(area_m2),
        "anchor_companies": clean_anchors(anchor_companies),
        "conditions": (conditions or "").strip(),
    }


@transaction.atomic
def complex_item_update(
    item: ComplexNoticeItem,
    *,
    actor,
    name: str,
    province: str,
    area_m2,
    city: str = "",
    location: str = "",
    anchor_companies=(),
    conditions: str = "",
) -> ComplexNoticeItem:
    """Edit one complex's text (name, site, area, anchor companies, conditions) while the notice is a draft."""
    notice, item = _lock_item(item)
    if item.action != ComplexAction.DESIGNATE:
        raise DomainError(
            _("A change to a designated complex carries the register's text; remove it and add it again to change it."),
            code="action",
        )
    before = snapshot(item, ITEM_FIELDS)
    data = _clean_text(
        name=name,
        province=province,
        city=city,
        location=location,
        area_m2=area_m2,
        anchor_companies=list(anchor_companies),
        conditions=conditions,
    )
    for key, value in data.items():
        setattr(item, key, value)
    item.save(update_fields=ITEM_FIELDS)
    audit_log(
        AuditAction.NOTICE_ITEM_UPDATED,
        actor=actor,
        obj=notice,
        before=before,
        after={"item": item.pk, **snapshot(item, ITEM_FIELDS)},
    )
    return item


def _check_change(entry: DesignatedComplex, action: str, area_m2) -> Decimal | None:
    if entry.status != EntryStatus.ACTIVE:
        raise DomainError(_("Only a designated (active) complex can be changed or revoked."), code="entry")
    if action not in COMPLEX_AMENDMENTS:
        raise DomainError(_("Choose a change of area, conditions met or a revocation."), code="action")
    if action == ComplexAction.CHANGE_AREA:
        area = parse_area(area_m2)
        if area == entry.area_m2:
            raise DomainError(_("The new area is the same as the current one."), code="area_m2")
        return area
    if action == ComplexAction.CONDITIONS_MET:
        if not entry.conditions.strip():
            raise DomainError(_("This complex was designated without conditions."), code="conditions")
        if entry.conditions_met_at:
            raise DomainError(_("The conditions of this complex are already recorded as met."), code="conditions")
    return None


@transaction.atomic
def complex_item_amend(
    notice: Notice, *, entry: DesignatedComplex, action: str, actor, area_m2=None, note: str = ""
) -> ComplexNoticeItem:
    """Add a change to a designated complex to a draft notice: a change of area, its conditions met, a revocation."""
    notice = notices._lock_draft(notice)
    refuse_unless_complex(notice)
    entry = DesignatedComplex.objects.select_for_update().get(pk=entry.pk)
    area = _check_change(entry, action, area_m2)
    if notice.complex_items.filter(entry=entry).exists():
        raise DomainError(_("This notice already has an item for that complex."), code="entry")
    item = ComplexNoticeItem.objects.create(
        notice=notice,
        order=notices.next_order(notice.complex_items),
        action=action,
        entry=entry,
        candidate_id=entry.candidate_id,
        note=(note or "").strip(),
        **{
            **snapshot(
                entry,
                ["name", "field_code", "province", "city", "location", "area_m2", "anchor_companies", "conditions"],
            ),
            **({"area_m2": area} if area is not None else {}),
        },
    )
    audit_log(
        AuditAction.NOTICE_ITEM_ADDED,
        actor=actor,
        obj=notice,
        after={"item": item.pk, "action": action, "entry": entry.number, "area_m2": item.area_m2},
    )
    return item


@transaction.atomic
def complex_item_remove(item: ComplexNoticeItem, *, actor) -> None:
    notice, item = _lock_item(item)
    before = {"item": item.pk, "action": item.action, **snapshot(item, ITEM_FIELDS)}
    ComplexNoticeItem.objects.filter(pk=item.pk).delete()
    audit_log(AuditAction.NOTICE_ITEM_REMOVED, actor=actor, obj=notice, before=before)


# -- publishing and the register -----------------------------------------------------------------------------------


def _entry_snapshot(entry: DesignatedComplex) -> dict:
    return snapshot(entry, ENTRY_FIELDS)


def _next_number(year: int) -> str:
    """The next free register number of the year (``2026-CX-001``); publications take turns for it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('review.designated_complex.number'))")
    prefix = f"{year}-CX-"
    taken = DesignatedComplex.objects.filter(number__startswith=prefix).values_list("number", flat=True)
    last = max((int(n[len(prefix) :]) for n in taken if n[len(prefix) :].isdigit()), default=0)
    return f"{prefix}{last + 1:03d}"


def _record(
    entry: DesignatedComplex,
    action: str,
    *,
    actor,
    notice: Notice | None = None,
    note: str = "",
    before: dict | None = None,
) -> ComplexEvent:
    after = _entry_snapshot(entry)
    event = ComplexEvent.objects.create(
        entry=entry,
        notice=notice,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        snapshot=after,
        note=note,
    )
    audit_log(
        COMPLEX_AUDIT[action],
        actor=actor,
        obj=entry,
        before=before,
        after={**after, "notice": notice.number if notice else None, "note": note},
    )
    return event


def _apply_change(entry: DesignatedComplex, action: str, *, area: Decimal | None, at) -> None:
    if action == ComplexAction.CHANGE_AREA:
        entry.area_m2 = area
    elif action == ComplexAction.CONDITIONS_MET:
        entry.conditions_met_at = at
    else:
        entry.status = EntryStatus.REVOKED


def _designate(item: ComplexNoticeItem, notice: Notice, *, in_force: dict, year: int, actor) -> DesignatedComplex:
    notices.check_designated(item.candidate_id, in_force, title=item.name)
    if DesignatedComplex.objects.filter(candidate_id=item.candidate_id).exists():
        raise DomainError(
            _("“%(name)s” is already in the register of complexes; add a change to its entry instead.")
            % {"name": item.name},
            code="registered",
        )
    entry = DesignatedComplex.objects.create(
        number=_next_number(year),
        candidate_id=item.candidate_id,
        notice=notice,
        **snapshot(
            item, ["name", "field_code", "province", "city", "location", "area_m2", "anchor_companies", "conditions"]
        ),
    )
    ComplexNoticeItem.objects.filter(pk=item.pk).update(entry=entry)
    _record(entry, ComplexAction.DESIGNATE, actor=actor, notice=notice)
    return entry


def complex_items_publish(notice: Notice, *, in_force: dict, actor, now) -> list[DesignatedComplex]:
    """Apply a complex notice's items to the register (called by ``notice_publish`` inside its transaction)."""
    refuse_unless_complex(notice)
    entries = []
    for item in notice.complex_items.all():
        if item.action == ComplexAction.DESIGNATE:
            entries.append(_designate(item, notice, in_force=in_force, year=timezone.localdate(now).year, actor=actor))
            continue
        entry = DesignatedComplex.objects.select_for_update().get(pk=item.entry_id)
        if entry.status != EntryStatus.ACTIVE:
            raise DomainError(_("Complex %(number)s is no longer designated.") % {"number": entry.number}, code="entry")
        _check_change(entry, item.action, item.area_m2)  # the ministry may have changed it directly since drafting
        before = _entry_snapshot(entry)
        _apply_change(entry, item.action, area=item.area_m2, at=now)
        entry.notice = notice
        entry.save()
        _record(entry, item.action, actor=actor, notice=notice, note=item.note, before=before)
        entries.append(entry)
    return entries


@transaction.atomic
def complex_entry_amend(
    entry: DesignatedComplex, *, action: str, reason: str, actor, area_m2=None
) -> DesignatedComplex:
    """The ministry's direct change to a designated complex, with its reason: a change of area, the conditions
    recorded as met, or a revocation. Each adds a step to the complex's public history."""
    entry = DesignatedComplex.objects.select_for_update().get(pk=entry.pk)
    area = _check_change(entry, action, area_m2)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for the change."), code="reason")
    before = _entry_snapshot(entry)
    _apply_change(entry, action, area=area, at=timezone.now())
    entry.save()
    _record(entry, action, actor=actor, note=reason, before=before)
    return entry
