from .panel import Panel, PanelMember, ReviewerConflict, ReviewerProfile, ReviewPlan
from .review import Assignment, ExclusionRequest, Pledge, Review

__all__ = ["Assignment", "ExclusionRequest", "Panel", "PanelMember", "Pledge", "Review", "ReviewPlan", "ReviewerConflict", "ReviewerProfile"]
