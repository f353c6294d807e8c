from .application import Application, ApplicationVersion, Attachment, DeadlineExtension, ReceiptCounter
from .distribution import Recipient
from .field import Field
from .inquiry import Inquiry
from .survey import Briefing, Criterion, GuidanceFile, Question, Survey

__all__ = [
    "Application",
    "ApplicationVersion",
    "Attachment",
    "DeadlineExtension",
    "ReceiptCounter","Briefing", "Criterion", "Field", "GuidanceFile", "Inquiry", "Question", "Recipient", "Survey"]
