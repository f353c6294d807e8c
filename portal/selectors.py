"""Reads the public verification page needs, and who holds a role."""

from portal.models import AuditDayHead, DocumentKind, Membership, SignedDocument, User

#: Issued documents anyone may look up by their number (committee books are internal).
LOOKUP_KINDS = (DocumentKind.RECEIPT, DocumentKind.NOTICE)


def audit_day_heads():
    return AuditDayHead.objects.order_by("-day")


def documents_by_reference(reference: str) -> list[SignedDocument]:
    return list(
        SignedDocument.objects.filter(reference=reference.strip(), kind__in=LOOKUP_KINDS).order_by(
            "kind", "label", "pk"
        )
    )


def document_by_digest(sha256: str) -> tuple[SignedDocument | None, bool]:
    """The issued document whose served PDF has this SHA-256 (True), or whose first, unsigned copy has it (False)."""
    served = SignedDocument.objects.filter(sha256=sha256).first()
    if served is not None:
        return served, True
    return SignedDocument.objects.filter(source_sha256=sha256).first(), False


def people_with_role(*roles: str, organization=None):
    """Active users who hold one of ``roles`` through an active membership (of ``organization`` when given),
    each once, in the order they joined the portal."""
    memberships = Membership.objects.filter(role__in=roles, is_active=True)
    if organization is not None:
        memberships = memberships.filter(organization=organization)
    return User.objects.filter(is_active=True, pk__in=memberships.values("user_id")).order_by("pk")
