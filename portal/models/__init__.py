from .audit import AuditDayHead, AuditEvent
from .identity import AssociationMembership, Membership, Organization, User
from .mail import OutboundMail
from .signup import SignupRequest

__all__ = [
    "AssociationMembership",
    "AuditDayHead",
    "AuditEvent",
    "Membership",
    "Organization",
    "OutboundMail",
    "SignupRequest",
    "User",
]
