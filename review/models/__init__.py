from .bundle import Bundle
from .committee import (
    CommitteeBook, CommitteeConfirmation, ConfirmedCandidate, HearingComment, SubcommitteeDecision, SubcommitteeMeeting,
)
from .complex import ComplexEvent, ComplexNoticeItem, DesignatedComplex
from .international import (
    CategoryClosure, EvaluationLayer, LayerOutcome, PanelJudgement, SelectionItem, SelectionMeeting, SelectionProposal,
)
from .national import (
    NationalMeeting, Notice, NoticeItem, Objection, ObjectionOpinion, ObjectionStep, RegisterEntry, RegisterEvent, Resolution, Result,
)
from .panel import Panel, PanelMember, ReviewerConflict, ReviewerProfile, ReviewPlan
from .review import Assignment, CandidateScore, ExclusionRequest, Pledge, Review
from .site_visit import SiteVisit, SiteVisitPhoto

__all__ = [
    "Assignment", "Bundle", "CandidateScore", "CategoryClosure", "EvaluationLayer", "LayerOutcome",
    "PanelJudgement", "SelectionItem", "SelectionMeeting", "SelectionProposal", "CommitteeBook", "CommitteeConfirmation", "ComplexEvent",
    "ComplexNoticeItem", "ConfirmedCandidate", "DesignatedComplex", "ExclusionRequest", "HearingComment",
    "NationalMeeting", "Notice", "NoticeItem", "Objection", "ObjectionOpinion", "ObjectionStep", "Panel",
    "PanelMember", "Pledge",
    "RegisterEntry", "RegisterEvent", "Resolution", "Result", "Review", "ReviewPlan", "ReviewerConflict",
    "ReviewerProfile", "SiteVisit", "SiteVisitPhoto", "SubcommitteeDecision", "SubcommitteeMeeting",
]
