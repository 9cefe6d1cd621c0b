"""The week's conversation (trainee, foreman, coordinator) and a foreman's deputies."""

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, enum_column, utcnow
from app.models.people import User
from app.models.placements import Placement


class CommentKind(enum.StrEnum):
    COMMENT = "comment"
    RETURN = "return"  # the foreman's reason for returning entries: it starts the thread


class WeekComment(Base):
    """One comment in the thread of one diary week of a placement (the week by its Monday)."""

    __tablename__ = "week_comments"
    __table_args__ = (
        Index("ix_week_comments_placement_id_week_start", "placement_id", "week_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id", ondelete="CASCADE"))
    week_start: Mapped[date] = mapped_column(Date)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[CommentKind] = mapped_column(
        enum_column(CommentKind, "comment_kind"), default=CommentKind.COMMENT)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    placement: Mapped[Placement] = relationship()
    author: Mapped[User | None] = relationship()
    revisions: Mapped[list["WeekCommentRevision"]] = relationship(
        back_populates="comment", order_by="WeekCommentRevision.id",
        cascade="all, delete-orphan")


class WeekCommentRevision(Base):
    """The text a comment had before an edit: comments are never changed silently."""

    __tablename__ = "week_comment_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(
        ForeignKey("week_comments.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    written_at: Mapped[datetime] = mapped_column(DateTime)  # when this earlier text was written
    replaced_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    comment: Mapped[WeekComment] = relationship(back_populates="revisions")


class DeputyAssignment(Base):
    """A mentor of the same enterprise who stands in for a foreman from one day to another,
    both included: meanwhile the deputy sees and signs the foreman's trainees' entries."""

    __tablename__ = "deputy_assignments"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        CheckConstraint("deputy_id <> mentor_id", name="deputy_not_self"),
        Index("ix_deputy_assignments_mentor_id_ends_on", "mentor_id", "ends_on"),
        Index("ix_deputy_assignments_deputy_id_ends_on", "deputy_id", "ends_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    deputy_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    mentor: Mapped[User] = relationship(foreign_keys=[mentor_id])
    deputy: Mapped[User] = relationship(foreign_keys=[deputy_id])
