from .access import AccessAction, AccessEvent
from .application import (
    Application,
    ApplicationEvent,
    ApplicationVersion,
    AssociationDeadline,
    Attachment,
    BlindCopy,
    Candidate,
    DeadlineExtension,
    ForwardBatch,
    ReceiptCounter,
)
from .distribution import Recipient
from .field import Field
from .inquiry import Inquiry
from .survey import Briefing, BriefingSignup, Category, Criterion, GuidanceFile, ListedTechnology, Question, Survey

__all__ = [
    "AccessAction",
    "AccessEvent",
    "Application",
    "ApplicationEvent",
    "AssociationDeadline",
    "Candidate",
    "ForwardBatch",
    "ApplicationVersion",
    "Attachment",
    "BlindCopy",
    "DeadlineExtension",
    "ReceiptCounter",
    "Briefing",
    "BriefingSignup",
    "Category",
    "ListedTechnology",
    "Criterion",
    "Field",
    "GuidanceFile",
    "Inquiry",
    "Question",
    "Recipient",
    "Survey",
]
