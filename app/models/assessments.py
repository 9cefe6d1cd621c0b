"""The mentor's mid-term and final assessments of a trainee."""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, TimestampMixin, enum_column
from app.models.organisations import Competency
from app.models.people import User
from app.models.placements import Placement


class AssessmentKind(enum.StrEnum):
    MIDTERM = "midterm"
    FINAL = "final"


class HireRecommendation(enum.StrEnum):
    YES = "yes"
    MAYBE = "maybe"
    NO = "no"


class Assessment(TimestampMixin, Base):
    __tablename__ = "assessments"
    __table_args__ = (
        UniqueConstraint("placement_id", "kind"),
        CheckConstraint("grade BETWEEN 2 AND 5", name="grade_five_point"),
        CheckConstraint("college_score BETWEEN 0 AND 100", name="college_score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id", ondelete="CASCADE"))
    kind: Mapped[AssessmentKind] = mapped_column(enum_column(AssessmentKind, "assessment_kind"))
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    grade: Mapped[int | None]
    characterisation: Mapped[str] = mapped_column(Text, default="")
    hire_recommendation: Mapped[HireRecommendation | None] = mapped_column(
        enum_column(HireRecommendation, "hire_recommendation")
    )
    recommendation_note: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    college_score: Mapped[int | None]
    college_graded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    college_graded_at: Mapped[datetime | None] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(default=1)

    placement: Mapped[Placement] = relationship()
    mentor: Mapped[User] = relationship(foreign_keys=[mentor_id])
    ratings: Mapped[list["CompetencyRating"]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class CompetencyRating(Base):
    __tablename__ = "competency_ratings"
    __table_args__ = (
        UniqueConstraint("assessment_id", "competency_id"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"))
    competency_id: Mapped[int] = mapped_column(ForeignKey("competencies.id"))
    rating: Mapped[int]

    assessment: Mapped[Assessment] = relationship(back_populates="ratings")
    competency: Mapped[Competency] = relationship()
