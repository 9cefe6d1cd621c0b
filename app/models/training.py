"""Safety inductions and the individual training plan: a template per specialty, a copy each."""

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, TimestampMixin, enum_column
from app.models.organisations import Competency
from app.models.people import User
from app.models.placements import Placement


class InductionKind(enum.StrEnum):
    """Labour-safety briefings given before and during shop-floor work."""

    INTRODUCTORY = "introductory"
    WORKPLACE = "workplace"  # first at the workplace
    REPEAT = "repeat"


class SafetyInduction(TimestampMixin, Base):
    """A safety induction the enterprise gave the trainee, confirmed by the trainee."""

    __tablename__ = "safety_inductions"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(
        ForeignKey("placements.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[InductionKind] = mapped_column(enum_column(InductionKind, "induction_kind"))
    held_on: Mapped[date] = mapped_column(Date)
    instructor: Mapped[str] = mapped_column(String(200))
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)

    placement: Mapped[Placement] = relationship()
    recorded_by: Mapped[User | None] = relationship()

    @property
    def admits(self) -> bool:
        """Whether it opens the shop floor (a repeat briefing presupposes the first ones)."""
        return self.kind != InductionKind.REPEAT and self.confirmed_at is not None


class PlanTemplateModule(Base):
    """The specialty's plan template: the planned hours of one of its competencies (modules)."""

    __tablename__ = "plan_template_modules"
    __table_args__ = (CheckConstraint("planned_hours >= 0", name="planned_hours_not_negative"),)

    competency_id: Mapped[int] = mapped_column(
        ForeignKey("competencies.id", ondelete="CASCADE"), primary_key=True
    )
    planned_hours: Mapped[int]

    competency: Mapped[Competency] = relationship()


class PlanModule(Base):
    """A module of a placement's own individual training plan, copied from the template."""

    __tablename__ = "plan_modules"
    __table_args__ = (
        UniqueConstraint("placement_id", "competency_id"),
        CheckConstraint("planned_hours >= 0", name="planned_hours_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id", ondelete="CASCADE"))
    competency_id: Mapped[int] = mapped_column(
        ForeignKey("competencies.id", ondelete="CASCADE"), index=True
    )
    planned_hours: Mapped[int]

    competency: Mapped[Competency] = relationship()
