"""What the committees read: the score sheet (XLSX) and the committee book (PDF) of one field, both blind."""

import io
import logging
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import DocumentKind
from portal.services.audit import audit_log
from portal.services.documents import document_record
from portal.services.pdf import render_signed_pdf
from portal.services.signing import SignedBytes
from portal.tasks import enqueue
from review.enums import AuditAction, RenderStatus, Stance
from review.models import CommitteeBook, HearingComment, SubcommitteeMeeting
from review.selectors.committee import Ranked, ranking
from review.services.blind import blind_proposals, blind_titles, candidate_names, redact
from surveys.models import Field, Survey

logger = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SUMMARY_FIELDS = ("technology_name", "field", "sub_field", "summary")


def _as_text(value):
    """Text stays text in a spreadsheet: no leading formula characters."""
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@", "\t", "\r")):
        return "'" + value
    return value


def _sheet(workbook, title: str, headers: list[str], rows: list[list], *, first: bool = False):
    from openpyxl.styles import Font

    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = title[:31]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_as_text(value) for value in row])
        for cell in sheet[sheet.max_row]:
            if cell.data_type == "f":
                cell.data_type = "s"
    sheet.freeze_panes = "A2"
    return sheet


def _recommendation(row: Ranked) -> str:
    return row.decision.get_recommendation_display() if row.decision else ""


def _scores_sheet(workbook, rows: list[Ranked], criteria, titles: dict) -> None:
    """One row per submitted review, the reviewer by pseudonym only, candidates in number order."""
    from review.enums import Recommendation

    labels = dict(Recommendation.choices)
    reviews = [
        [
            row.candidate.number,
            titles[row.candidate.pk],
            total.pseudonym,
            *[total.scores.get(c.number) for c in criteria],
            total.total,
            str(labels.get(total.recommendation, "")),
        ]
        for row in sorted(rows, key=lambda r: r.candidate.number)
        for total in row.result.reviews
    ]
    _sheet(
        workbook,
        _("Scores"),
        [
            _("Candidate number"),
            _("Technology name"),
            _("Reviewer"),
            *[f"{c.number}. {c.display_title}" for c in criteria],
            _("Weighted total"),
            _("Overall recommendation"),
        ],
        reviews,
        first=True,
    )


def _aggregates_sheet(workbook, rows: list[Ranked], titles: dict) -> None:
    """One row per candidate, in rank order, with its aggregate and the subcommittee's recommendation."""
    _sheet(
        workbook,
        _("Aggregates"),
        [
            _("Rank"),
            _("Candidate number"),
            _("Technology name"),
            _("Submitted reviews"),
            _("Aggregate"),
            _("Spread"),
            _("Disagreement"),
            _("Subcommittee recommendation"),
        ],
        [
            [
                row.rank,
                row.candidate.number,
                titles[row.candidate.pk],
                len(row.result.reviews),
                row.result.value,
                row.result.spread,
                _("Yes") if row.result.flagged else _("No"),
                _recommendation(row),
            ]
            for row in rows
        ],
    )


def score_sheet(survey: Survey, *, field_code: str) -> bytes:
    """One row per submitted review (reviewers by pseudonym only), and one per candidate with its aggregate."""
    from openpyxl import Workbook

    criteria = list(survey.criteria.order_by("number"))
    rows = ranking(survey, field_code=field_code)
    titles = blind_titles(row.candidate for row in rows)
    workbook = Workbook()
    _scores_sheet(workbook, rows, criteria, titles)
    _aggregates_sheet(workbook, rows, titles)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


PENDING = (RenderStatus.QUEUED, RenderStatus.RUNNING)


def _stale_before():
    return timezone.now() - timedelta(minutes=settings.ARTEFACT_REQUEUE_MINUTES)


def book_request(survey: Survey, *, field_code: str, actor) -> tuple[CommitteeBook, bool]:
    """Queue the committee book of a field; a book already queued or rendering is returned instead (and queued
    again when it has waited past ``ARTEFACT_REQUEUE_MINUTES``, as after a broker outage)."""
    from review.tasks import render_committee_book

    with transaction.atomic():
        Survey.objects.select_for_update().get(pk=survey.pk)
        pending = CommitteeBook.objects.filter(survey=survey, field_code=field_code, status__in=PENDING).first()
        if pending:
            if pending.queued_at < _stale_before():
                pending.status, pending.queued_at = RenderStatus.QUEUED, timezone.now()
                pending.save(update_fields=["status", "queued_at"])
                enqueue(render_committee_book, pending.pk)
            return pending, False
        book = CommitteeBook.objects.create(survey=survey, field_code=field_code, requested_by=actor)
        audit_log(AuditAction.BOOK_REQUESTED, actor=actor, obj=survey, after={"book": book.pk, "field": field_code})
        enqueue(render_committee_book, book.pk)
    return book, True


def books_requeue() -> int:
    """Queue again the books still queued or rendering ``ARTEFACT_REQUEUE_MINUTES`` after they were queued; one
    that has started ``ARTEFACT_MAX_ATTEMPTS`` times is marked failed instead. Safe to run twice."""
    from review.tasks import render_committee_book

    now = timezone.now()
    with transaction.atomic():
        stale = list(
            CommitteeBook.objects.select_for_update(skip_locked=True)
            .filter(status__in=PENDING, queued_at__lt=_stale_before())
            .order_by("queued_at")[:100]
        )
        requeued = 0
        for book in stale:
            if book.attempts >= settings.ARTEFACT_MAX_ATTEMPTS:
                book.status, book.finished_at = RenderStatus.FAILED, now
                book.error = book.error or _("The book could not be rendered after %(n)s attempts.") % {
                    "n": book.attempts
                }
                book.save(update_fields=["status", "finished_at", "error"])
                continue
            book.status, book.queued_at = RenderStatus.QUEUED, now
            book.save(update_fields=["status", "queued_at"])
            enqueue(render_committee_book, book.pk)
            requeued += 1
    return requeued


def _summary(candidate, names: list[str]) -> list[list[tuple[str, str]]]:
    """Name, field and summary of each application under the candidate, redacted."""
    proposals = []
    for proposal in blind_proposals(candidate):
        rows = [
            (label, value)
            for _title, section in proposal.sections
            for name, label, value in section
            if name in SUMMARY_FIELDS
        ]
        proposals.append([(label, redact(value, names)) for label, value in rows])
    return proposals


def _section(row: Ranked, criteria) -> dict:
    candidate, result = row.candidate, row.result
    names = candidate_names(candidate)
    comments = list(HearingComment.objects.filter(candidate=candidate).order_by("created_at", "pk"))
    decision = row.decision
    return {
        "rank": row.rank,
        "number": candidate.number,
        "title": redact(candidate.title, names),
        "summary": _summary(candidate, names),
        "result": result,
        "per_criterion": [(c, result.per_criterion.get(c.number)) for c in criteria],
        "decision": decision,
        "rationale": redact(decision.rationale, names) if decision else "",
        "stances": [(label, sum(1 for c in comments if c.stance == value)) for value, label in Stance.choices],
        "comments": [
            {
                "stance": c.get_stance_display(),
                "created_at": c.created_at,
                "body": redact(c.body, names),
                "answer": redact(c.answer, names),
            }
            for c in comments
        ],
    }


def _build(book: CommitteeBook) -> SignedBytes:
    survey = book.survey
    criteria = list(survey.criteria.order_by("number"))
    rows = ranking(survey, field_code=book.field_code)
    CommitteeBook.objects.filter(pk=book.pk).update(total=len(rows), done=0)
    sections = []
    for done, row in enumerate(rows, start=1):
        sections.append(_section(row, criteria))
        CommitteeBook.objects.filter(pk=book.pk).update(done=done)
    field = Field.objects.filter(code=book.field_code).first()
    return render_signed_pdf(
        "review/pdf/committee_book.html",
        {
            "survey": survey,
            "field_name": field.display_name if field else book.field_code,
            "meeting": SubcommitteeMeeting.objects.filter(survey=survey, field_code=book.field_code).first(),
            "sections": sections,
            "generated_at": timezone.now(),
        },
    )


def book_filename(book: CommitteeBook) -> str:
    return f"{book.survey.code}-{book.field_code}-{_('committee book')}.pdf".replace(" ", "_")


def book_render(book_id: int) -> str:
    """Render the book once, recording progress as each candidate's section is built; a done book stays as it is."""
    with transaction.atomic():
        book = CommitteeBook.objects.select_for_update().select_related("survey").get(pk=book_id)
        if book.status == RenderStatus.DONE:
            return "exists"
        book.status, book.error, book.finished_at = RenderStatus.RUNNING, "", None
        book.attempts += 1
        book.save(update_fields=["status", "error", "finished_at", "attempts"])
    try:
        result = _build(book)
    except Exception as error:  # the secretary sees the failure on the book instead of a silent queue
        logger.exception("Committee book %s failed", book_id)
        CommitteeBook.objects.filter(pk=book_id).update(
            status=RenderStatus.FAILED, error=str(error)[:2000] or error.__class__.__name__, finished_at=timezone.now()
        )
        return "failed"
    with transaction.atomic():
        book = CommitteeBook.objects.select_for_update().select_related("survey").get(pk=book_id)
        if book.status == RenderStatus.DONE:  # a duplicate delivery finished first
            return "exists"
        book.file.save(book_filename(book), ContentFile(result.data), save=False)
        book.status, book.done, book.finished_at = RenderStatus.DONE, book.total, timezone.now()
        book.save(update_fields=["file", "status", "done", "finished_at"])
        document_record(
            book,
            kind=DocumentKind.BOOK,
            reference=f"{book.survey.code}-{book.field_code}",
            label=str(book.pk),
            stored_name=book.file.name,
            result=result,
        )
        audit_log(
            AuditAction.BOOK_RENDERED,
            obj=book.survey,
            after={"book": book.pk, "field": book.field_code, "size": len(result.data), "signed": result.signed},
        )
    return "rendered"
