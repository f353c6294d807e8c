from .distribution import Recipient
from .field import Field
from .inquiry import Inquiry
from .survey import Briefing, Criterion, GuidanceFile, Question, Survey

__all__ = ["Briefing", "Criterion", "Field", "GuidanceFile", "Inquiry", "Question", "Recipient", "Survey"]
