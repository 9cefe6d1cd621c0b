"""The domain model: every table, importable from one place."""

from app.models.activity import AuditEvent, Notification
from app.models.assessments import (
    Assessment,
    AssessmentKind,
    CompetencyRating,
    HireRecommendation,
)
from app.models.base import Base, utcnow
from app.models.documents import DocumentKind, IssuedDocument
from app.models.jobs import Job, JobStatus, OutboxMail
from app.models.organisations import (
    College,
    Competency,
    Department,
    Enterprise,
    Group,
    Partnership,
    Specialty,
)
from app.models.outcomes import (
    IN_SPECIALTY,
    GraduateOutcome,
    OfferStatus,
    OutcomeKind,
    RetentionCheck,
)
from app.models.people import Invitation, MentorProfile, Role, StudentProfile, User
from app.models.placements import Placement, PlacementStatus
from app.models.practice import DiaryEntry, EntryStatus
from app.models.training import (
    InductionKind,
    PlanModule,
    PlanTemplateModule,
    SafetyInduction,
)

__all__ = [
    "IN_SPECIALTY",
    "Assessment",
    "AssessmentKind",
    "AuditEvent",
    "Base",
    "College",
    "Competency",
    "CompetencyRating",
    "Department",
    "DiaryEntry",
    "DocumentKind",
    "Enterprise",
    "EntryStatus",
    "GraduateOutcome",
    "Group",
    "HireRecommendation",
    "InductionKind",
    "Invitation",
    "IssuedDocument",
    "Job",
    "JobStatus",
    "MentorProfile",
    "Notification",
    "OfferStatus",
    "OutboxMail",
    "OutcomeKind",
    "Partnership",
    "Placement",
    "PlacementStatus",
    "PlanModule",
    "PlanTemplateModule",
    "RetentionCheck",
    "Role",
    "SafetyInduction",
    "Specialty",
    "StudentProfile",
    "User",
    "utcnow",
]
