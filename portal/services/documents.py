"""Issued PDFs: sign after rendering, record the signature state, retry what is unsigned."""

import hashlib
import logging

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils import timezone

from portal.enums import AuditAction
from portal.models import SignatureStatus, SignedDocument
from portal.services.audit import audit_log
from portal.services.signing import SignedBytes, SigningError, pdf_sign

logger = logging.getLogger(__name__)


def document_record(
    obj: models.Model, *, kind: str, reference: str, label: str, stored_name: str, result: SignedBytes
) -> SignedDocument:
    """Record how an issued PDF was stored (signed or not); call in the transaction that stores it."""
    digest = hashlib.sha256(result.data).hexdigest()
    document, _ = SignedDocument.objects.update_or_create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        defaults={
            "kind": kind,
            "reference": reference,
            "label": label,
            "source_name": stored_name,
            "source_sha256": digest,
            "sha256": digest,
            "file": "",
            "status": SignatureStatus.SIGNED if result.signed else SignatureStatus.PENDING,
            "error": result.error,
            "attempts": 1,
            "signed_at": timezone.now() if result.signed else None,
        },
    )
    if not result.signed:
        audit_log(AuditAction.DOCUMENT_SIGNING_FAILED, obj=obj, after={"document": document.pk, "error": result.error})
    return document


def document_for(obj: models.Model) -> SignedDocument | None:
    return SignedDocument.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).first()


def served_file(obj: models.Model, own_file):
    """The file to hand out for a record: its signed copy once a retry made one, else its own file."""
    document = document_for(obj)
    if document is not None and document.file and document.source_name == own_file.name:
        return document.file
    return own_file


def document_sign_retry(document_id: int) -> str:
    """Sign a PDF whose first signing failed; safe to run twice (a signed document stays as it is)."""
    document = SignedDocument.objects.filter(pk=document_id).first()
    if document is None or document.is_signed:
        return "signed" if document else "missing"
    try:
        with default_storage.open(document.source_name, "rb") as handle:
            data = handle.read()
        signed = pdf_sign(data)
    except (SigningError, OSError) as error:
        SignedDocument.objects.filter(pk=document_id, status=SignatureStatus.PENDING).update(
            attempts=models.F("attempts") + 1, error=str(error)[:2000]
        )
        return "failed"
    with transaction.atomic():
        locked = SignedDocument.objects.select_for_update().get(pk=document_id)
        if locked.is_signed:
            return "signed"
        filename = locked.source_name.rsplit("/", 1)[-1]
        locked.file.save(filename, ContentFile(signed), save=False)
        locked.sha256 = hashlib.sha256(signed).hexdigest()
        locked.status, locked.error, locked.signed_at = SignatureStatus.SIGNED, "", timezone.now()
        locked.attempts += 1
        locked.save(update_fields=["file", "sha256", "status", "error", "signed_at", "attempts"])
        audit_log(
            AuditAction.DOCUMENT_SIGNED,
            obj=locked,
            after={"kind": locked.kind, "reference": locked.reference, "sha256": locked.sha256},
        )
    return "signed"
