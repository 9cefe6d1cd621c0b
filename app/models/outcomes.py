"""What became of each graduate: the outcome, the host's offer, and retention checks."""

import enum
from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, TimestampMixin, enum_column
from app.models.organisations import College, Enterprise, Specialty
from app.models.people import User
from app.models.placements import OfferStatus, Placement


class OutcomeKind(enum.StrEnum):
    HIRED_BY_HOST = "hired_by_host"
    EMPLOYED_IN_SPECIALTY = "in_specialty"
    EMPLOYED_OUTSIDE = "outside_specialty"
    STUDYING = "studying"
    MILITARY = "military"
    NOT_EMPLOYED = "not_employed"
    UNKNOWN = "unknown"


# The outcomes that count as "employed in the specialty" in the region's figure.
IN_SPECIALTY = (OutcomeKind.HIRED_BY_HOST, OutcomeKind.EMPLOYED_IN_SPECIALTY)


class GraduateOutcome(TimestampMixin, Base):
    __tablename__ = "graduate_outcomes"
    __table_args__ = (
        Index("ix_graduate_outcomes_year_college", "graduation_year", "college_id"),
        Index("ix_graduate_outcomes_host_enterprise_id", "host_enterprise_id"),
        CheckConstraint(
            "outcome_date IS NULL OR outcome_date >= graduated_on", name="outcome_after_graduation"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    # The coordinator's scope filters on the college, the mentor's on the placement.
    college_id: Mapped[int] = mapped_column(ForeignKey("colleges.id"), index=True)
    specialty_id: Mapped[int] = mapped_column(ForeignKey("specialties.id"), index=True)
    graduation_year: Mapped[int]
    graduated_on: Mapped[date] = mapped_column(Date)
    placement_id: Mapped[int | None] = mapped_column(ForeignKey("placements.id"), index=True)
    host_enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"))
    outcome: Mapped[OutcomeKind] = mapped_column(
        enum_column(OutcomeKind, "outcome_kind"), default=OutcomeKind.UNKNOWN
    )
    employer_name: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[str] = mapped_column(String(200), default="")
    outcome_date: Mapped[date | None] = mapped_column(Date)
    offer_status: Mapped[OfferStatus] = mapped_column(
        enum_column(OfferStatus, "offer_status"), default=OfferStatus.NONE
    )
    offer_date: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")

    student: Mapped[User] = relationship()
    college: Mapped[College] = relationship()
    specialty: Mapped[Specialty] = relationship()
    placement: Mapped[Placement | None] = relationship()
    host_enterprise: Mapped[Enterprise | None] = relationship()
    retention_checks: Mapped[list["RetentionCheck"]] = relationship(
        back_populates="outcome", order_by="RetentionCheck.months"
    )


class RetentionCheck(Base):
    """Whether a hired graduate is still employed 6 or 12 months on."""

    __tablename__ = "retention_checks"
    __table_args__ = (
        UniqueConstraint("outcome_id", "months"),
        CheckConstraint("months IN (6, 12)", name="months_six_or_twelve"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("graduate_outcomes.id", ondelete="CASCADE"))
    months: Mapped[int]
    checked_on: Mapped[date] = mapped_column(Date)
    still_employed: Mapped[bool]
    note: Mapped[str] = mapped_column(Text, default="")

    outcome: Mapped[GraduateOutcome] = relationship(back_populates="retention_checks")
