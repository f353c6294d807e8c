"""Stage 5: the ministerial notice (고시), its publication into the public register, and its PDF."""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.enums import ArtefactStatus
from portal.exceptions import DomainError
from portal.models import DocumentKind
from portal.services.audit import audit_log, snapshot
from portal.services.documents import document_record
from portal.services.pdf import render_signed_pdf, store_bytes
from portal.tasks import enqueue
from review.enums import DESIGNATING_DECISIONS, SENSITIVE_PARTS, AuditAction, EntryStatus, NoticeAction, NoticeStatus
from review.models import DesignatedComplex, Notice, NoticeItem, RegisterEntry, RegisterEvent
from review.selectors import effective_resolutions
from review.services import complex_notices, results, selection
from review.services.edits import save_changes
from review.tasks import render_notice_pdf
from surveys.application_schema import answer_of
from surveys.enums import SurveyStage
from surveys.models import Application, Candidate, Field, Survey
from surveys.selectors import field_names
from surveys.services.calls import survey_transition

logger = logging.getLogger(__name__)


#: Stages in which a call may have notices drafted: designations after the committee, amendments later.
NOTICE_FIELDS = ["number", "title", "preamble", "effective_on"]
ITEM_FIELDS = ["title", "scope", "specification", "sensitive"]


def _clean_sensitive(parts) -> list[str]:
    return [part for part in SENSITIVE_PARTS if part in set(parts or [])]


def _lock_draft(notice: Notice) -> Notice:
    notice = Notice.objects.select_for_update().select_related("survey").get(pk=notice.pk)
    if notice.is_published:
        raise DomainError(_("The notice is published; it can no longer be changed."), code="published")
    return notice


def _number_taken(number: str, *, exclude=None) -> bool:
    return Notice.objects.filter(number=number).exclude(pk=exclude).exists()


def _taken_error() -> DomainError:
    return DomainError(_("A notice with this number already exists."), code="number")


def _answers_text(candidate: Candidate, application: Application | None) -> dict:
    kind = candidate.survey.kind
    answers = application.answers if application else {}
    return {
        "title": candidate.title
        or answer_of(answers, "title", kind=kind)
        or (application.title if application else ""),
        "field_code": candidate.field_code or (application.field_code if application else ""),
        "scope": str(answer_of(answers, "summary", kind=kind)),
        "specification": str(answer_of(answers, "specification", kind=kind)),
    }


def _lists_complexes(survey: Survey) -> bool:
    return survey.pipeline.outcome.key == "complex"


def _refuse_technology(notice: Notice) -> None:
    if notice.lists_complexes:
        raise DomainError(_("A notice of specialised complexes cannot list a technology."), code="kind")
    if notice.lists_selection:
        raise DomainError(_("A selection announcement cannot list a designated technology."), code="kind")


def designated_candidates(survey: Survey, in_force: dict | None = None) -> list[Candidate]:
    """Candidates resolved "designate" by a closed meeting, not yet in the call's register, in notice order."""
    in_force = effective_resolutions(survey) if in_force is None else in_force
    ids = [cid for cid, r in in_force.items() if r.decision in DESIGNATING_DECISIONS and r.meeting.is_closed]
    register = DesignatedComplex if _lists_complexes(survey) else RegisterEntry
    registered = set(register.objects.filter(candidate_id__in=ids).values_list("candidate_id", flat=True))
    return list(
        Candidate.objects.filter(pk__in=set(ids) - registered, merged_into__isnull=True).order_by(
            "field_code", "number"
        )
    )


def _technology_items_draft(notice: Notice) -> list[str]:
    candidates = designated_candidates(notice.survey)
    first_application = {}
    for application in Application.objects.filter(candidate__in=candidates).order_by("-pk"):
        first_application[application.candidate_id] = application
    NoticeItem.objects.bulk_create(
        [
            NoticeItem(
                notice=notice,
                order=index,
                action=NoticeAction.DESIGNATE,
                candidate=candidate,
                **_answers_text(candidate, first_application.get(candidate.pk)),
            )
            for index, candidate in enumerate(candidates, start=1)
        ]
    )
    return [c.number for c in candidates]


def _complex_items_draft(notice: Notice) -> list[str]:
    in_force = effective_resolutions(notice.survey)
    candidates = designated_candidates(notice.survey, in_force)
    complex_notices.complex_items_draft(notice, candidates, in_force=in_force)
    return [c.number for c in candidates]


def _technology_items_publish(notice: Notice, *, actor, now) -> list[str]:
    in_force, year = effective_resolutions(notice.survey), timezone.localdate(now).year
    return [_apply_item(item, notice, in_force=in_force, year=year).number for item in notice.items.all()]


def _complex_items_publish(notice: Notice, *, actor, now) -> list[str]:
    entries = complex_notices.complex_items_publish(
        notice, in_force=effective_resolutions(notice.survey), actor=actor, now=now
    )
    return [entry.number for entry in entries]


def _no_check(survey: Survey) -> None:
    return None


@dataclass(frozen=True)
class NoticeKind:
    """What the notice of one kind of call lists, and how it is drafted, published and printed. The steps every
    notice shares (numbering, publishing, results, the PDF) are in this module, once."""

    #: notice → its items (technologies, complexes or selected candidates).
    items: Callable
    #: Refuses drafting while the call is not ready (survey → None or DomainError).
    check_draft: Callable
    #: Creates the draft's items; returns what the audit records.
    draft: Callable
    #: Applies the items on publication (notice, actor=, now=); returns the register numbers it touched.
    publish: Callable
    pdf_template: str
    pdf_context: Callable
    empty_message: str


def notice_kind(notice_or_survey) -> NoticeKind:
    survey = getattr(notice_or_survey, "survey", notice_or_survey)
    key = survey.pipeline.outcome.key
    if key == "complex":
        return NoticeKind(
            items=lambda n: n.complex_items.all(),
            check_draft=_no_check,
            draft=_complex_items_draft,
            publish=_complex_items_publish,
            pdf_template="review/pdf/complex_notice.html",
            pdf_context=complex_notices.notice_pdf_context,
            empty_message=_("The notice has no complexes; add at least one item before publishing."),
        )
    if key == "rnd":
        return NoticeKind(
            items=lambda n: n.selection_items.all(),
            check_draft=selection.check_draft,
            draft=selection.selection_items_draft,
            publish=selection.selection_items_publish,
            pdf_template="review/pdf/selection_notice.html",
            pdf_context=selection.notice_pdf_context,
            empty_message=_("The announcement lists no selected candidates; no category selected any."),
        )
    return NoticeKind(
        items=lambda n: n.items.all(),
        check_draft=_no_check,
        draft=_technology_items_draft,
        publish=_technology_items_publish,
        pdf_template="review/pdf/notice.html",
        pdf_context=notice_pdf_context,
        empty_message=_("The notice has no technologies; add at least one item before publishing."),
    )


def _check_drafting_stage(survey: Survey) -> None:
    if not survey.in_gate("notice_drafting"):
        raise DomainError(
            _("A notice can be drafted once the call reaches the stage “%(stage)s”; it is now in “%(current)s”.")
            % {
                "stage": survey.pipeline.label(
                    min(survey.pipeline.gate(survey, "notice_drafting"), key=survey.pipeline.stages.index)
                ),
                "current": survey.stage_label,
            },
            code="stage",
        )


@transaction.atomic
def notice_draft(survey: Survey, *, number: str, title: str, effective_on, actor, preamble: str = "") -> Notice:
    """Draft a notice with its items as the call's kind lists them: one technology per designated candidate (its
    text from the application), one complex per designated complex (from the latest plan, with its conditions),
    or one selected candidate per committee selection (grouped per category)."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    _check_drafting_stage(survey)
    kind = notice_kind(survey)
    kind.check_draft(survey)
    number = number.strip()
    if _number_taken(number):
        raise _taken_error()
    try:
        with transaction.atomic():
            notice = Notice.objects.create(
                survey=survey,
                number=number,
                title=title.strip(),
                preamble=preamble.strip(),
                effective_on=effective_on,
                created_by=actor,
            )
    except IntegrityError:
        raise _taken_error() from None
    listed = kind.draft(notice)
    audit_log(
        AuditAction.NOTICE_DRAFTED, actor=actor, obj=notice, after={**snapshot(notice, NOTICE_FIELDS), "items": listed}
    )
    return notice


@transaction.atomic
def notice_update(notice: Notice, *, actor, **data) -> Notice:
    notice = _lock_draft(notice)
    if "number" in data:
        data["number"] = data["number"].strip()
        if _number_taken(data["number"], exclude=notice.pk):
            raise _taken_error()
    save_changes(notice, data, NOTICE_FIELDS, action=AuditAction.NOTICE_UPDATED, actor=actor)
    return notice


def next_order(items) -> int:
    """The order of an item added after ``items``, a notice's technology or complex items."""
    last = items.order_by("-order").values_list("order", flat=True).first()
    return (last or 0) + 1


@transaction.atomic
def notice_item_update(
    item: NoticeItem, *, actor, title: str, scope: str = "", specification: str = "", sensitive=()
) -> NoticeItem:
    """Edit one technology's text and which parts are security-sensitive, while the notice is a draft."""
    _refuse_technology(_lock_draft(item.notice))
    item = NoticeItem.objects.select_for_update().get(pk=item.pk)
    if item.action == NoticeAction.REVOKE:
        raise DomainError(_("A revocation carries the entry's text as it stands."), code="revoke")
    before = snapshot(item, ITEM_FIELDS)
    item.title, item.scope, item.specification = title.strip(), scope.strip(), specification.strip()
    item.sensitive = _clean_sensitive(sensitive)
    if not item.title:
        raise DomainError(_("Give the technology's name."), code="title")
    item.save(update_fields=ITEM_FIELDS)
    audit_log(
        AuditAction.NOTICE_ITEM_UPDATED,
        actor=actor,
        obj=item.notice,
        before=before,
        after={"item": item.pk, **snapshot(item, ITEM_FIELDS)},
    )
    return item


def _active_entry(notice: Notice, entry: RegisterEntry) -> RegisterEntry:
    entry = RegisterEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status != EntryStatus.ACTIVE:
        raise DomainError(_("Only a designated (active) register entry can be amended or revoked."), code="entry")
    if notice.items.filter(entry=entry).exists():
        raise DomainError(_("This notice already has an item for that register entry."), code="entry")
    return entry


def _entry_item(notice: Notice, entry: RegisterEntry, action: str, *, actor, **text) -> NoticeItem:
    """Add to the notice an item that amends or revokes a register entry, with the technology's ``text``."""
    item = NoticeItem.objects.create(
        notice=notice,
        order=next_order(notice.items),
        action=action,
        entry=entry,
        candidate_id=entry.candidate_id,
        field_code=entry.field_code,
        **text,
    )
    audit_log(
        AuditAction.NOTICE_ITEM_ADDED,
        actor=actor,
        obj=notice,
        after={"item": item.pk, "action": item.action, "entry": entry.number},
    )
    return item


@transaction.atomic
def notice_item_amend(
    notice: Notice, *, entry: RegisterEntry, actor, title: str, scope: str = "", specification: str = "", sensitive=()
) -> NoticeItem:
    """Add an amendment of a register entry: its new text."""
    notice = _lock_draft(notice)
    _refuse_technology(notice)
    entry = _active_entry(notice, entry)
    if not title.strip():
        raise DomainError(_("Give the technology's name."), code="title")
    return _entry_item(
        notice,
        entry,
        NoticeAction.AMEND,
        actor=actor,
        title=title.strip(),
        scope=scope.strip(),
        specification=specification.strip(),
        sensitive=_clean_sensitive(sensitive),
    )


@transaction.atomic
def notice_item_revoke(notice: Notice, *, entry: RegisterEntry, actor) -> NoticeItem:
    """Add a revocation of a register entry."""
    notice = _lock_draft(notice)
    _refuse_technology(notice)
    entry = _active_entry(notice, entry)
    return _entry_item(
        notice,
        entry,
        NoticeAction.REVOKE,
        actor=actor,
        title=entry.title,
        scope=entry.scope,
        specification=entry.specification,
        sensitive=list(entry.sensitive),
    )


@transaction.atomic
def notice_item_remove(item: NoticeItem, *, actor) -> None:
    notice = _lock_draft(item.notice)
    before = {"item": item.pk, "action": item.action, **snapshot(item, ITEM_FIELDS)}
    NoticeItem.objects.filter(pk=item.pk).delete()
    audit_log(AuditAction.NOTICE_ITEM_REMOVED, actor=actor, obj=notice, before=before)


def _entry_snapshot(entry: RegisterEntry, notice: Notice) -> dict:
    return {
        **snapshot(entry, ["number", "title", "field_code", "scope", "specification", "sensitive", "status"]),
        "notice": notice.number,
    }


def _next_entry_number(field_code: str, year: int) -> str:
    """The next free number of the field and year; the field's row is locked so that two publications take turns."""
    list(Field.objects.select_for_update().filter(code=field_code))
    prefix = f"{year}-{field_code}-"
    taken = RegisterEntry.objects.filter(number__startswith=prefix).values_list("number", flat=True)
    last = max((int(n[len(prefix) :]) for n in taken if n[len(prefix) :].isdigit()), default=0)
    return f"{prefix}{last + 1:02d}"


def check_designated(candidate_id: int, in_force: dict, *, title: str) -> None:
    """Refuse to publish the item ``title`` unless the resolution in force on its candidate is a designation passed
    at a closed meeting."""
    resolution = in_force.get(candidate_id)
    if resolution is None or resolution.decision not in DESIGNATING_DECISIONS or not resolution.meeting.is_closed:
        raise DomainError(
            _("“%(title)s” has no designation resolution of a closed meeting in force; remove the item.")
            % {"title": title},
            code="resolution",
        )


def _check_designation(item: NoticeItem, in_force: dict) -> None:
    check_designated(item.candidate_id, in_force, title=item.title)
    if RegisterEntry.objects.filter(candidate_id=item.candidate_id).exists():
        raise DomainError(
            _("“%(title)s” is already in the register; amend its entry instead.") % {"title": item.title},
            code="registered",
        )


def _apply_item(item: NoticeItem, notice: Notice, *, in_force: dict, year: int) -> RegisterEntry:
    if item.action == NoticeAction.DESIGNATE:
        _check_designation(item, in_force)
        entry = RegisterEntry.objects.create(
            number=_next_entry_number(item.field_code, year),
            title=item.title,
            field_code=item.field_code,
            scope=item.scope,
            specification=item.specification,
            sensitive=_clean_sensitive(item.sensitive),
            candidate_id=item.candidate_id,
            notice=notice,
        )
        NoticeItem.objects.filter(pk=item.pk).update(entry=entry)
    else:
        entry = RegisterEntry.objects.select_for_update().get(pk=item.entry_id)
        if entry.status != EntryStatus.ACTIVE:
            raise DomainError(
                _("Register entry %(number)s is no longer active.") % {"number": entry.number}, code="entry"
            )
        if item.action == NoticeAction.AMEND:
            entry.title, entry.scope, entry.specification = item.title, item.scope, item.specification
            entry.sensitive = _clean_sensitive(item.sensitive)
        else:
            entry.status = EntryStatus.REVOKED
        entry.notice = notice
        entry.save()
    RegisterEvent.objects.create(
        entry=entry, notice=notice, action=item.action, snapshot=_entry_snapshot(entry, notice)
    )
    return entry


@transaction.atomic
def notice_publish(notice: Notice, *, actor) -> Notice:
    """Publish the notice: the register changes (a selection announcement has none), the call moves to the notice
    stage, applicants learn their result and the PDF is rendered by a worker."""
    notice = _lock_draft(notice)
    kind = notice_kind(notice)
    items = list(kind.items(notice))
    if not items:
        raise DomainError(kind.empty_message, code="empty")
    now = timezone.now()
    entries = kind.publish(notice, actor=actor, now=now)
    notice.status, notice.published_at, notice.published_by = NoticeStatus.PUBLISHED, now, actor
    notice.pdf_status, notice.pdf_requested_at = ArtefactStatus.PENDING, now
    notice.save(update_fields=["status", "published_at", "published_by", "pdf_status", "pdf_requested_at"])
    if (
        notice.survey.stage != SurveyStage.NOTICE
        and notice.survey.pipeline.has_stage(notice.survey, SurveyStage.NOTICE)
        and SurveyStage.NOTICE in notice.survey.pipeline.transitions(notice.survey)
    ):
        survey_transition(notice.survey, to=SurveyStage.NOTICE, actor=actor)
    audit_log(
        AuditAction.NOTICE_PUBLISHED,
        actor=actor,
        obj=notice,
        after={
            "number": notice.number,
            "entries": entries,
            "actions": [getattr(item, "action", "select") for item in items],
        },
    )
    results.results_publish(notice, actor=actor)
    enqueue(render_notice_pdf, notice.pk)
    return notice


@dataclass(frozen=True)
class PublicText:
    """A technology's text as the public may read it: sensitive parts are ``None``."""

    title: str
    field_code: str
    scope: str | None
    specification: str | None


def public_text(source) -> PublicText:
    """Redact a notice item, a register entry or an event snapshot (a dict) for public display."""
    get = source.get if isinstance(source, dict) else (lambda name, default="": getattr(source, name, default))
    sensitive = set(get("sensitive", []) or [])
    return PublicText(
        title=get("title", ""),
        field_code=get("field_code", ""),
        scope=None if "scope" in sensitive else get("scope", ""),
        specification=None if "specification" in sensitive else get("specification", ""),
    )


def public_search(queryset, q: str):
    """Register entries matching ``q`` in their number, title, or scope where the scope is public."""
    q = q.strip()
    if not q:
        return queryset
    public_scope = Q(scope__icontains=q) & ~Q(sensitive__icontains='"scope"')
    return queryset.filter(Q(number__icontains=q) | Q(title__icontains=q) | public_scope)


def notice_pdf_context(notice: Notice) -> dict:
    items = list(notice.items.select_related("entry"))
    names = field_names(item.field_code for item in items)
    return {
        "notice": notice,
        "rows": [(item, public_text(item), names.get(item.field_code, item.field_code)) for item in items],
    }


def notice_pdf_render(notice_id: int) -> str:
    """Render the public PDF (sensitive parts redacted) once; a second run finds it done.

    Each start counts an attempt; after ``ARTEFACT_MAX_ATTEMPTS`` failures the PDF is marked failed."""
    notices = Notice.objects.filter(pk=notice_id)
    notice = notices.get()
    if notice.pdf or not notice.is_published:
        if notice.pdf:
            notices.exclude(pdf_status=ArtefactStatus.READY).update(pdf_status=ArtefactStatus.READY)
        return "exists" if notice.pdf else "draft"
    kind = notice_kind(notice)
    template, context = kind.pdf_template, kind.pdf_context(notice)
    notices.update(pdf_attempts=F("pdf_attempts") + 1)
    try:
        result = render_signed_pdf(template, context, language="ko")
    except Exception:
        logger.exception("PDF of notice %s failed", notice_id)
        notices.filter(pdf="", pdf_attempts__gte=settings.ARTEFACT_MAX_ATTEMPTS).update(
            pdf_status=ArtefactStatus.FAILED
        )
        raise
    with transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice_id)
        if locked.pdf:
            return "exists"
        stored = store_bytes(result.data, folder="review/notices", filename=f"notice-{notice.pk}.pdf")
        notices.filter(pdf="").update(pdf=stored.name, pdf_sha256=stored.sha256, pdf_status=ArtefactStatus.READY)
        document_record(
            locked,
            kind=DocumentKind.NOTICE,
            reference=locked.number or str(locked.pk),
            label="",
            stored_name=stored.name,
            result=result,
        )
        audit_log(
            AuditAction.NOTICE_PDF_RENDERED,
            obj=locked,
            after={"sha256": stored.sha256, "size": stored.size, "signed": result.signed},
        )
    return "rendered"


@transaction.atomic
def notice_pdf_retry(notice: Notice, *, actor) -> Notice:
    """Prepare again the PDF of a published notice that failed every attempt: the attempts start over, the render
    is queued and the request is audited. The notice itself, and its register changes, stay as published."""
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if not notice.is_published or notice.pdf or notice.pdf_status != ArtefactStatus.FAILED:
        raise DomainError(_("Only a published notice whose PDF failed can have it prepared again."), code="pdf")
    notice.pdf_status, notice.pdf_attempts, notice.pdf_requested_at = ArtefactStatus.PENDING, 0, timezone.now()
    notice.save(update_fields=["pdf_status", "pdf_attempts", "pdf_requested_at"])
    audit_log(AuditAction.NOTICE_PDF_REQUEUED, actor=actor, obj=notice, after={"pdf_status": notice.pdf_status})
    enqueue(render_notice_pdf, notice.pk)
    return notice
