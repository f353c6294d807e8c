"""Reads the public verification page needs."""

from portal.models import AuditDayHead, DocumentKind, SignedDocument

#: Issued documents anyone may look up by their number (committee books are internal).
LOOKUP_KINDS = (DocumentKind.RECEIPT, DocumentKind.NOTICE)


def audit_day_heads():
    return AuditDayHead.objects.order_by("-day")


def documents_by_reference(reference: str) -> list[SignedDocument]:
    return list(SignedDocument.objects.filter(reference=reference.strip(), kind__in=LOOKUP_KINDS)
                .order_by("kind", "label", "pk"))


def document_by_digest(sha256: str) -> tuple[SignedDocument | None, bool]:
    """The issued document whose served PDF has this SHA-256 (True), or whose first, unsigned copy has it (False)."""
    served = SignedDocument.objects.filter(sha256=sha256).first()
    if served is not None:
        return served, True
    return SignedDocument.objects.filter(source_sha256=sha256).first(), False
