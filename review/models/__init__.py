from .committee import (
    CommitteeBook, CommitteeConfirmation, ConfirmedCandidate, HearingComment, SubcommitteeDecision, SubcommitteeMeeting,
)
from .national import (
    NationalMeeting, Notice, NoticeItem, Objection, ObjectionOpinion, ObjectionStep, RegisterEntry, RegisterEvent, Resolution, Result,
)
from .panel import Panel, PanelMember, ReviewerConflict, ReviewerProfile, ReviewPlan
from .review import Assignment, CandidateScore, ExclusionRequest, Pledge, Review

__all__ = [
    "Assignment", "CandidateScore", "CommitteeBook", "CommitteeConfirmation", "ConfirmedCandidate", "ExclusionRequest", "HearingComment",
    "NationalMeeting", "Notice", "NoticeItem", "Objection", "ObjectionOpinion", "ObjectionStep", "Panel", "PanelMember", "Pledge",
    "RegisterEntry", "RegisterEvent", "Resolution", "Result", "Review", "ReviewPlan", "ReviewerConflict",
    "ReviewerProfile", "SubcommitteeDecision", "SubcommitteeMeeting",
]
