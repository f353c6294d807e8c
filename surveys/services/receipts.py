"""The immutable PDF of each submitted version."""

import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F

from portal.enums import ArtefactStatus
from portal.models import DocumentKind
from portal.services.audit import audit_log
from portal.services.documents import document_record
from portal.services.pdf import render_signed_pdf, store_bytes
from surveys.enums import ApplicationAction
from surveys.models import ApplicationVersion


def version_pdf_context(version: ApplicationVersion) -> dict:
    from surveys.services.applications import labelled_answers

    application = version.application
    return {
        "version": version,
        "application": application,
        "survey": application.survey,
        "organization": application.organization,
        "sections": labelled_answers(application.survey, version.answers),
        "events": _events_until(version),
    }


def _events_until(version: ApplicationVersion):
    """Provenance up to and including this version's submission (a receipt never changes)."""
    events = version.application.events.select_related("actor", "organization").order_by("at", "pk")
    submitted = events.filter(kind="submitted", version_number=version.number).first()
    return events.filter(pk__lte=submitted.pk) if submitted else events


def version_pdf_render(version_id: int) -> str:
    """Render and store the PDF once; a second run finds it done and does nothing.

    Each start counts an attempt; a rendering that fails ``ARTEFACT_MAX_ATTEMPTS`` times is marked failed,
    one that fails fewer times stays pending for a retry or the beat.
    """
    versions = ApplicationVersion.objects.filter(pk=version_id)
    version = versions.select_related("application__survey", "application__organization", "submitted_by").get()
    if version.pdf:
        versions.exclude(pdf_status=ArtefactStatus.READY).update(pdf_status=ArtefactStatus.READY)
        return "exists"
    versions.update(pdf_attempts=F("pdf_attempts") + 1)
    try:
        result = render_signed_pdf("pdf/application_version.html", version_pdf_context(version))
    except Exception:
        logging.getLogger(__name__).exception("PDF of version %s failed", version_id)
        versions.filter(pdf="", pdf_attempts__gte=settings.ARTEFACT_MAX_ATTEMPTS).update(
            pdf_status=ArtefactStatus.FAILED
        )
        raise
    filename = f"{version.receipt_number}-v{version.number}.pdf"
    with transaction.atomic():
        locked = ApplicationVersion.objects.select_for_update().get(pk=version_id)
        if locked.pdf:
            return "exists"
        stored = store_bytes(result.data, folder="surveys/receipts", filename=filename)
        versions.filter(pdf="").update(pdf=stored.name, pdf_sha256=stored.sha256, pdf_status=ArtefactStatus.READY)
        document_record(
            locked,
            kind=DocumentKind.RECEIPT,
            reference=locked.receipt_number,
            label=f"v{locked.number}",
            stored_name=stored.name,
            result=result,
        )
        audit_log(
            ApplicationAction.PDF_RENDERED,
            obj=locked,
            after={"sha256": stored.sha256, "size": stored.size, "signed": result.signed},
        )
    return "rendered"
