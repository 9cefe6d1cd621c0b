"""Placements: the dual-training agreements between a student, a college and an enterprise."""

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, TimestampMixin, enum_column, utcnow
from app.models.organisations import College, Department, Enterprise
from app.models.people import User


class PlacementStatus(enum.StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    COMPLETED = "completed"
    TERMINATED = "terminated"


class OfferStatus(enum.StrEnum):
    """The host enterprise's job offer to its trainee or graduate."""

    NONE = "none"
    MADE = "made"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class Placement(TimestampMixin, Base):
    __tablename__ = "placements"
    __table_args__ = (
        CheckConstraint("end_date > start_date", name="end_after_start"),
        CheckConstraint("required_hours > 0", name="required_hours_positive"),
        CheckConstraint(
            "(status = 'terminated') = (terminated_on IS NOT NULL)", name="termination_date"
        ),
        CheckConstraint("accepted_at IS NULL OR declined_at IS NULL", name="one_answer"),
        CheckConstraint("compensation_amount IS NULL OR compensation_amount >= 0",
                        name="compensation_not_negative"),
        Index("ix_placements_college_id_status", "college_id", "status"),
        Index("ix_placements_enterprise_id_status", "enterprise_id", "status"),
        Index("ix_placements_mentor_id_status", "mentor_id", "status"),
        Index("ix_placements_student_id_status", "student_id", "status"),
        # A student has at most one active placement, whatever races the services lose.
        Index("uq_placements_one_active_per_student", "student_id", unique=True,
              sqlite_where=text("status = 'active'"), postgresql_where=text("status = 'active'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    college_id: Mapped[int] = mapped_column(ForeignKey("colleges.id"))
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"))
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    required_hours: Mapped[int]
    status: Mapped[PlacementStatus] = mapped_column(
        enum_column(PlacementStatus, "placement_status"), default=PlacementStatus.DRAFT
    )
    parent_consent_on: Mapped[date | None] = mapped_column(Date)
    activated_at: Mapped[datetime | None] = mapped_column(DateTime)
    completed_on: Mapped[date | None] = mapped_column(Date)
    terminated_on: Mapped[date | None] = mapped_column(Date)
    termination_reason: Mapped[str] = mapped_column(Text, default="")
    agreement_number: Mapped[str] = mapped_column(String(40), default="")
    # The trainee's compensation payment as this agreement states it: a monthly amount in tenge
    # and/or a rule in words; with neither, the enterprise's general rule applies
    # (app/placements/compensation.py).
    compensation_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    compensation_rule: Mapped[str] = mapped_column(String(300), default="", server_default="")
    # The host's job offer, made during the placement (carried into the graduate's outcome).
    offer_status: Mapped[OfferStatus] = mapped_column(
        enum_column(OfferStatus, "offer_status"), default=OfferStatus.NONE
    )
    offer_date: Mapped[date | None] = mapped_column(Date)
    # The parties' acceptance of the draft (app/placements/acceptance.py): sent by the
    # coordinator, accepted or declined by the enterprise's HR, acknowledged by the trainee,
    # confirmed by the guardian of a minor through a one-time link.
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime)
    declined_at: Mapped[datetime | None] = mapped_column(DateTime)
    decline_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    answered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime)
    guardian_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Optimistic lock: a change made from a stale copy (a double activation) fails its UPDATE.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    student: Mapped[User] = relationship(foreign_keys=[student_id])
    sent_by: Mapped[User | None] = relationship(foreign_keys=[sent_by_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])
    mentor: Mapped[User] = relationship(foreign_keys=[mentor_id])
    college: Mapped[College] = relationship()
    enterprise: Mapped[Enterprise] = relationship()
    department: Mapped[Department | None] = relationship()

    def __str__(self) -> str:
        return f"№{self.id}"


class GuardianLink(Base):
    """A one-time, expiring link by which a minor's guardian confirms the agreement without an
    account. Only the SHA-256 of the token is stored."""

    __tablename__ = "guardian_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(
        ForeignKey("placements.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    placement: Mapped[Placement] = relationship()


class ChangeKind(enum.StrEnum):
    """What a party asks to change in an agreement in force."""

    MENTOR = "mentor"
    DATES = "dates"
    HOURS = "hours"
    DEPARTMENT = "department"
    COMPENSATION = "compensation"
    TERMINATION = "termination"


class ChangeStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


class ChangeRequest(Base):
    """A change to an active agreement asked by one party (the college or the enterprise) and
    approved or declined by the other; nothing changes until it is approved."""

    __tablename__ = "change_requests"
    __table_args__ = (
        Index("ix_change_requests_placement_id_status", "placement_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id", ondelete="CASCADE"))
    kind: Mapped[ChangeKind] = mapped_column(enum_column(ChangeKind, "change_kind"))
    # The proposed values, as plain JSON (ids, ISO dates, numbers, text).
    proposed: Mapped[dict] = mapped_column(JSON, default=dict)
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ChangeStatus] = mapped_column(
        enum_column(ChangeStatus, "change_status"), default=ChangeStatus.PENDING)
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)
    answer_comment: Mapped[str] = mapped_column(Text, default="")

    placement: Mapped[Placement] = relationship()
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])
