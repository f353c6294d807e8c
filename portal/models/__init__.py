from .audit import AuditDayHead, AuditEvent
from .identity import AssociationMembership, Membership, Organization, User
from .mail import OutboundMail
from .notification import Notification, UserSettings
from .signing import DocumentKind, SignatureStatus, SignedDocument
from .signup import SignupRequest

__all__ = [
    "AssociationMembership",
    "AuditDayHead",
    "AuditEvent",
    "DocumentKind",
    "Membership",
    "Notification",
    "Organization",
    "OutboundMail",
    "SignatureStatus",
    "SignedDocument",
    "SignupRequest",
    "User",
    "UserSettings",
]
