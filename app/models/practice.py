"""The practice diary: one entry per placement per date, signed off by the mentor."""

import enum
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, TimestampMixin, enum_column, utcnow
from app.models.organisations import Competency
from app.models.people import User
from app.models.placements import Placement


class EntryStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"


class DiaryEntry(TimestampMixin, Base):
    __tablename__ = "diary_entries"
    __table_args__ = (
        UniqueConstraint("placement_id", "work_date"),
        CheckConstraint("minutes BETWEEN 0 AND 1440", name="minutes_in_day"),
        CheckConstraint("minutes % 30 = 0", name="minutes_half_hour_steps"),
        Index("ix_diary_entries_placement_id_status", "placement_id", "status"),
        Index("ix_diary_entries_status_submitted_at", "status", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id", ondelete="CASCADE"))
    work_date: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int]
    activity: Mapped[str] = mapped_column(Text, default="")
    competency_id: Mapped[int | None] = mapped_column(ForeignKey("competencies.id"))
    status: Mapped[EntryStatus] = mapped_column(
        enum_column(EntryStatus, "entry_status"), default=EntryStatus.DRAFT
    )
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Signed by a deputy: the foreman on whose behalf (None when the foreman signed).
    signed_for_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    review_comment: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)

    placement: Mapped[Placement] = relationship()
    competency: Mapped[Competency | None] = relationship()
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    signed_for: Mapped[User | None] = relationship(foreign_keys=[signed_for_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def hours(self) -> float:
        return self.minutes / 60


class PlacementHealth(Base):
    """The last red/amber/green status recorded for a placement by the progress check.

    Kept so that "turned red" is told to the coordinator once, on the transition only.
    """

    __tablename__ = "placement_health"
    __table_args__ = (
        CheckConstraint("status IN ('green', 'amber', 'red')", name="health_status"),
    )

    placement_id: Mapped[int] = mapped_column(
        ForeignKey("placements.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(Text, default="")
    changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
