"""The domain model: every table, importable from one place."""

from app.models.activity import BOOKKEEPING_TABLES, AuditChainHead, AuditEvent, Notification
from app.models.api import ApiToken, IdempotentRequest, TokenScope
from app.models.assessments import (
    Assessment,
    AssessmentKind,
    CompetencyRating,
    HireRecommendation,
)
from app.models.attachments import EntryAttachment
from app.models.base import Base, utcnow
from app.models.calendar import (
    Absence,
    AbsenceKind,
    AbsenceStatus,
    GroupSchedule,
    LearningBreak,
)
from app.models.conversations import (
    CommentKind,
    DeputyAssignment,
    WeekComment,
    WeekCommentRevision,
)
from app.models.documents import DocumentKind, IssuedDocument
from app.models.jobs import Job, JobStatus, OutboxMail
from app.models.offline import OfflineOutcome, OfflineWrite
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
from app.models.placements import (
    ChangeKind,
    ChangeRequest,
    ChangeStatus,
    GuardianLink,
    Placement,
    PlacementStatus,
)
from app.models.practice import DiaryEntry, EntryStatus
from app.models.summaries import (
    DiaryCollegeWeek,
    DiaryPlacementTotal,
    DiaryWeekTotal,
    MentorSignoffStat,
)
from app.models.training import (
    InductionKind,
    PlanModule,
    PlanTemplateModule,
    SafetyInduction,
)
from app.models.two_factor import RecoveryCode, TwoFactor

__all__ = [
    "IN_SPECIALTY",
    "Absence",
    "AbsenceKind",
    "AbsenceStatus",
    "ApiToken",
    "Assessment",
    "AssessmentKind",
    "AuditChainHead",
    "RecoveryCode",
    "TwoFactor",
    "BOOKKEEPING_TABLES",
    "AuditEvent",
    "ChangeKind",
    "ChangeRequest",
    "ChangeStatus",
    "Base",
    "College",
    "CommentKind",
    "Competency",
    "CompetencyRating",
    "Department",
    "DeputyAssignment",
    "DiaryCollegeWeek",
    "DiaryEntry",
    "DiaryPlacementTotal",
    "DiaryWeekTotal",
    "DocumentKind",
    "Enterprise",
    "EntryAttachment",
    "EntryStatus",
    "GraduateOutcome",
    "Group",
    "GroupSchedule",
    "GuardianLink",
    "HireRecommendation",
    "IdempotentRequest",
    "InductionKind",
    "Invitation",
    "IssuedDocument",
    "Job",
    "LearningBreak",
    "JobStatus",
    "MentorProfile",
    "MentorSignoffStat",
    "Notification",
    "OfflineOutcome",
    "OfflineWrite",
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
    "TokenScope",
    "User",
    "WeekComment",
    "WeekCommentRevision",
    "utcnow",
]
