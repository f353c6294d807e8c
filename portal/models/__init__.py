from .audit import AuditEvent
from .identity import AssociationMembership, Membership, Organization, User
from .mail import OutboundMail
from .notification import Notification, UserSettings
from .signup import SignupRequest

__all__ = [
    "AssociationMembership",
    "AuditEvent",
    "Membership",
    "Notification",
    "Organization",
    "OutboundMail",
    "SignupRequest",
    "User",
    "UserSettings",
]
